"""Attachment checks against real files built here with the libraries, and hostile variants."""

from __future__ import annotations

import io
import itertools
import struct
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from orderdesk.core.filetypes import MAX_SIZE, Refused, Sniffed, md5_hex, sniff

# ---- builders -----------------------------------------------------------------------------


def make_pdf(pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(pages):
        c.drawString(72, 720, f"Certificate page {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def make_image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


def make_zip(entries: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    items = list(entries.items()) if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are written on purpose in one test
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return buf.getvalue()


CT_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           b'<Default Extension="rels" '
           b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
           b'<Default Extension="xml" ContentType="application/xml"/>')
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_parts(main_type: str = WORD_MAIN) -> dict[str, bytes]:
    """The three parts a minimal Word document needs (ECMA-376 part 1, 11.3)."""
    return {
        "[Content_Types].xml": CT_HEAD + (
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
            "</Types>").encode(),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
        "word/document.xml": (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>Delivery note</w:t></w:r></w:p></w:body></w:document>"),
    }


def make_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["item", "qty"])
    wb.active.append(["A-100", 3])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(make_xlsx())) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


Node = tuple[str, "bytes | list[Node]"]
END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def make_ole(tree: list[Node], sector_size: int = 512) -> bytes:
    """An OLE2 compound file (MS-CFB) holding `tree`; streams of 4096+ bytes, so no mini stream."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "kids": tree}]
    streams: list[tuple[int, bytes]] = []

    def add(nodes: list[Node]) -> int:
        ids = []
        for name, body in sorted(nodes, key=lambda n: (len(n[0]), n[0].upper())):
            i = len(entries)
            entries.append({"name": name, "type": 1 if isinstance(body, list) else 2})
            ids.append(i)
            if isinstance(body, list):
                entries[i]["child"] = add(body)
            else:
                streams.append((i, body.ljust(4096, b"\0")))
        for a, b in itertools.pairwise(ids):
            entries[a]["right"] = b  # a sorted chain of right siblings is a valid search tree
        return ids[0] if ids else NOSTREAM

    entries[0]["child"] = add(tree)
    per = sector_size // 4
    dir_secs = -(-len(entries) * 128 // sector_size)
    data_secs = sum(-(-len(b) // sector_size) for _, b in streams)
    fat_secs = 1
    while fat_secs * per < fat_secs + dir_secs + data_secs:
        fat_secs += 1
    fat = [FATSECT] * fat_secs
    first_dir = len(fat)
    fat += [len(fat) + k + 1 for k in range(dir_secs - 1)] + [END]
    starts = {}
    body = b""
    for i, data in streams:
        starts[i] = len(fat)
        n = len(data) // sector_size
        fat += [len(fat) + k + 1 for k in range(n - 1)] + [END]
        body += data
    fat += [FREE] * (fat_secs * per - len(fat))
    directory = b""
    for i, e in enumerate(entries):
        name = str(e["name"]).encode("utf-16-le")
        directory += (name.ljust(64, b"\0") + struct.pack(
            "<HBBIII16sIQQIQ", len(name) + 2, e["type"], 1, e.get("left", NOSTREAM),
            e.get("right", NOSTREAM), e.get("child", NOSTREAM), b"", 0, 0, 0,
            starts.get(i, END), 4096 if i in starts else 0))
    directory = directory.ljust(dir_secs * sector_size, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3 if sector_size == 512 else 4, 0xFFFE,
        sector_size.bit_length() - 1, 6, b"", 0, fat_secs, first_dir, 0, 4096, END, 0, END, 0)
        + struct.pack("<109I", *(list(range(fat_secs)) + [FREE] * (109 - fat_secs))))
    return (header.ljust(sector_size, b"\0") + struct.pack(f"<{len(fat)}I", *fat)
            + directory + body)


DOC_TREE: list[Node] = [("WordDocument", b"\xec\xa5"), ("1Table", b"t"), ("\x01CompObj", b"c")]


def refused(data: bytes, name: str) -> str:
    with pytest.raises(Refused) as info:
        sniff(data, name)
    assert str(info.value) == f"{name} {info.value.reason}"
    return info.value.reason


# ---- the allowed types ------------------------------------------------------------------------

@pytest.mark.parametrize("name, build, kind, media", [
    ("cert.pdf", lambda: make_pdf(2), "pdf", "application/pdf"),
    ("photo.png", lambda: make_image("PNG"), "png", "image/png"),
    ("photo.jpg", lambda: make_image("JPEG"), "jpg", "image/jpeg"),
    ("photo.JPEG", lambda: make_image("JPEG"), "jpg", "image/jpeg"),
    ("letter.doc", lambda: make_ole(DOC_TREE), "doc", "application/msword"),
    ("old.xls", lambda: make_ole([("Workbook", b"\x09\x08")]), "xls", "application/vnd.ms-excel"),
    ("excel5.xls", lambda: make_ole([("Book", b"\x09\x08")]), "xls", "application/vnd.ms-excel"),
    ("big-sector.doc", lambda: make_ole(DOC_TREE, 4096), "doc", "application/msword"),
    ("note.docx", lambda: make_zip(docx_parts()), "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("lines.xlsx", make_xlsx, "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_allowed_types_are_recognised(name: str, build: object, kind: str, media: str) -> None:
    assert callable(build)
    assert sniff(build(), name) == Sniffed(media, kind, False)


def test_kind_comes_from_content_and_a_wrong_name_is_flagged() -> None:
    got = sniff(make_xlsx(), "lines.docx")
    assert (got.kind, got.name_mismatch, got.extension) == ("xlsx", True, ".xlsx")
    assert sniff(make_pdf(), "scan.jpg").name_mismatch
    assert sniff(make_pdf(), "no-extension").name_mismatch
    assert sniff(make_ole([("Workbook", b"x")]), "sheet.doc") == Sniffed(
        "application/vnd.ms-excel", "xls", True)


def test_md5_hex() -> None:
    assert md5_hex(b"") == "d41d8cd98f00b204e9800998ecf8427e"
    assert md5_hex(b"abc") == "900150983cd24fb0d6963f7d28e17f72"


# ---- size ---------------------------------------------------------------------------------

def padded_pdf(size: int) -> bytes:
    pdf = make_pdf()
    return pdf + b"%" + b" " * (size - len(pdf) - 2) + b"\n"  # a trailing PDF comment


def test_exactly_five_megabytes_is_accepted_and_one_byte_more_is_not() -> None:
    assert len(padded_pdf(MAX_SIZE)) == 5_242_880
    assert sniff(padded_pdf(MAX_SIZE), "big.pdf").kind == "pdf"
    assert refused(padded_pdf(MAX_SIZE + 1), "big.pdf") == (
        "is 5,242,881 bytes; the limit is 5 MB (5,242,880 bytes)")


def test_empty_file_is_refused() -> None:
    assert refused(b"", "empty.pdf") == "is empty (0 bytes)"


# ---- types that are not allowed -----------------------------------------------------------

def test_linux_executable_named_pdf_is_refused() -> None:
    elf = Path("/bin/true").read_bytes()
    assert refused(elf, "certificate.pdf") == (
        "is not a PDF: its content is a Linux executable (ELF)")


def test_windows_executable_named_pdf_is_refused() -> None:
    exe = b"MZ\x90\x00\x03" + bytes(55) + b"\x80\x00\x00\x00" + b"This program cannot be run"
    assert refused(exe, "invoice.pdf") == "is not a PDF: its content is a Windows executable"


def test_other_names_get_the_list_of_allowed_types() -> None:
    assert refused(make_image("GIF"), "logo.gif") == (
        "is not an allowed file type: its content is a GIF image; "
        "allowed are PDF, JPG, PNG, DOC, DOCX, XLS and XLSX")


def test_unknown_types_are_named_by_puremagic_where_it_can() -> None:
    assert "(.bmp)" in refused(make_image("BMP"), "scan.png")
    assert refused(b"just some text\n", "notes.doc") == (
        "is not a Word document (.doc): its content is not a recognised file type")


def test_plain_zip_named_xlsx_is_refused() -> None:
    data = make_zip({"orders.csv": b"a,b\n1,2\n"})
    assert refused(data, "orders.xlsx") == (
        "is not an Excel workbook (.xlsx): its content is a ZIP archive")


def test_damaged_png_is_refused() -> None:
    assert "damaged PNG" in refused(b"\x89PNG\r\n\x1a\n" + bytes(40), "x.png")


# ---- macros -------------------------------------------------------------------------------

def xlsm_parts(content_type: str = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
               ) -> dict[str, bytes]:
    parts = xlsx_parts()
    ct = parts["[Content_Types].xml"].decode()
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert main in ct
    parts["[Content_Types].xml"] = ct.replace(main, content_type).replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        "</Types>").encode()
    parts["xl/vbaProject.bin"] = make_ole([("VBA", [("dir", b"\x01")]), ("PROJECT", b"ID=")])
    return parts


def test_macro_enabled_workbook_named_xlsx_is_refused() -> None:
    assert refused(make_zip(xlsm_parts()), "prices.xlsx") == (
        "is a macro-enabled workbook (.xlsm), which is not allowed")


def test_macro_enabled_document_is_refused() -> None:
    ct = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert refused(make_zip(docx_parts(ct)), "letter.docx") == (
        "is a macro-enabled document (.docm), which is not allowed")


def test_vba_project_hidden_in_a_plain_xlsx_is_refused() -> None:
    parts = xlsx_parts()
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert refused(make_zip(parts), "prices.xlsx") == (
        "is an Office file containing macros (a VBA project), which is not allowed")


def test_old_office_file_with_macros_is_refused() -> None:
    tree = DOC_TREE + [("Macros", [("VBA", [("dir", b"x")])])]
    assert "containing macros" in refused(make_ole(tree), "letter.doc")
    xls = make_ole([("Workbook", b"x"), ("_VBA_PROJECT_CUR", [("VBA", [("dir", b"x")])])])
    assert "containing macros" in refused(xls, "old.xls")


# ---- other OLE2 and OOXML files -----------------------------------------------------------

def test_only_streams_at_the_top_decide_doc_or_xls() -> None:
    embedded = make_ole([("ObjectPool", [("_1", [("WordDocument", b"x")])]), ("Data", b"x")])
    assert "neither a Word document nor an Excel workbook" in refused(embedded, "x.doc")


def test_powerpoint_and_encrypted_office_files_are_refused() -> None:
    ppt = make_ole([("PowerPoint Document", b"x"), ("Current User", b"x")])
    assert refused(ppt, "slides.doc").startswith("is a PowerPoint 97–2003 presentation")
    encrypted = make_ole([("EncryptionInfo", b"x"), ("EncryptedPackage", b"x")])
    assert refused(encrypted, "secret.xlsx").startswith("is a password-protected Office document")


def test_damaged_ole_file_is_refused() -> None:
    assert "damaged Office 97–2003" in refused(make_ole(DOC_TREE)[:700], "x.doc")
    loop = bytearray(make_ole(DOC_TREE))
    struct.pack_into("<I", loop, 512 + 4, 1)  # the directory's FAT entry points at itself
    assert "damaged Office 97–2003" in refused(bytes(loop), "x.doc")


def test_pptx_is_refused() -> None:
    ct = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    parts = docx_parts(ct)
    assert refused(make_zip(parts), "deck.docx").startswith(
        "is a PowerPoint presentation, which is not allowed")


def test_ooxml_with_missing_main_part_is_refused() -> None:
    parts = docx_parts()
    del parts["word/document.xml"]
    assert refused(make_zip(parts), "x.docx") == (
        "is a damaged DOCX file: its main part /word/document.xml is missing")


def test_content_types_xml_bomb_is_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>')
    parts = docx_parts()
    parts["[Content_Types].xml"] = bomb
    assert "unreadable content-type list" in refused(make_zip(parts), "x.docx")


def test_zip_with_duplicate_entries_is_refused() -> None:
    parts = list(docx_parts().items()) + [("word/document.xml", b"<evil/>")]
    assert "duplicate entries" in refused(make_zip(parts), "x.docx")


def test_truncated_zip_is_refused() -> None:
    assert "damaged ZIP" in refused(make_zip(docx_parts())[:-30], "x.docx")


# ---- polyglots ----------------------------------------------------------------------------

def test_gif_pdf_polyglot_is_refused() -> None:
    gif_head = b"GIF89a\x01\x00\x01\x00\x00\x00\x00"
    data = gif_head + make_pdf()
    assert refused(data, "cert.pdf") == (
        "is not a PDF: its content is a GIF image with a PDF hidden in it (a polyglot file)")


def test_jpeg_with_a_pdf_inside_is_refused() -> None:
    jpg = make_image("JPEG")
    comment = b"%PDF-1.4 hidden"
    data = jpg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpg[2:]
    assert refused(data, "photo.jpg") == (
        "is a JPEG image with a PDF hidden in it (a polyglot file), which is not allowed")


@pytest.mark.parametrize("tail", [
    make_zip({"payload.exe": b"MZ" + bytes(100)}),
    b"PK\x05\x06" + bytes(18),  # an empty ZIP: just the end-of-central-directory record
])
def test_pdf_with_zip_appended_is_refused(tail: bytes) -> None:
    assert refused(make_pdf() + tail, "cert.pdf") == (
        "is a PDF with a ZIP archive appended to it (a polyglot file), which is not allowed")


def test_pdf_with_zip_after_a_fake_eof_is_still_refused() -> None:
    data = make_pdf() + make_zip({"a.txt": b"x"}) + b"%%EOF\n"  # zip readers still find it
    assert "ZIP archive" in refused(data, "cert.pdf")


def test_png_with_zip_appended_is_refused() -> None:
    data = make_image("PNG") + make_zip({"a.txt": b"x"})
    assert refused(data, "x.png") == (
        "is a PNG image with a ZIP archive appended to it (a polyglot file), which is not allowed")


def test_pdf_with_harmless_trailing_bytes_is_accepted() -> None:
    assert sniff(make_pdf() + b"\r\n\n", "cert.pdf").kind == "pdf"
