"""Attachment checks by content: size, the allowed types, no macros, no polyglot files."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
import puremagic
from defusedxml import DefusedXmlException

from orderdesk.core.errors import OrderDeskError

MAX_SIZE = 5 * 1024 * 1024
ALLOWED = "PDF, JPG, PNG, DOC, DOCX, XLS and XLSX"

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    "pdf": (".pdf",), "png": (".png",), "jpg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "doc": (".doc",), "xls": (".xls",), "docx": (".docx",), "xlsx": (".xlsx",),
}
# What the name promises, for "is not a PDF: its content is ..." messages.
LABELS = {
    "pdf": "a PDF", "png": "a PNG image", "jpg": "a JPEG image",
    "doc": "a Word document (.doc)", "xls": "an Excel workbook (.xls)",
    "docx": "a Word document (.docx)", "xlsx": "an Excel workbook (.xlsx)",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"
# Signatures named by hand because puremagic's names for them are vague or ambiguous.
_KNOWN = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable (ELF)"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xce\xfa\xed\xfe", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java executable"),
    (b"#!", "a script"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (_ZIP_LOCAL, "a ZIP archive"),
    (_ZIP_END, "a ZIP archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
)

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_OOXML_MACRO = {
    "application/vnd.ms-word.document.macroenabled.main+xml": "a macro-enabled document (.docm)",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml":
        "a macro-enabled template (.dotm)",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "a macro-enabled workbook (.xlsm)",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "a macro-enabled template (.xltm)",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "a binary workbook (.xlsb)",
    "application/vnd.ms-excel.addin.macroenabled.main+xml": "an Excel add-in (.xlam)",
}
_OOXML_OTHER = {
    "presentationml": "a PowerPoint presentation",
    "wordprocessingml.template": "a Word template (.dotx)",
    "spreadsheetml.template": "an Excel template (.xltx)",
}
_MAX_ZIP_ENTRIES = 10_000
_MAX_CONTENT_TYPES = 1024 * 1024
_MAX_UNZIPPED = 256 * 1024 * 1024


class Refused(OrderDeskError):
    """The file cannot be attached; `reason` completes a sentence that starts with its name."""

    def __init__(self, file_name: str, reason: str) -> None:
        self.file_name = file_name
        self.reason = reason
        super().__init__(f"{file_name or 'The file'} {reason}")


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    kind: str  # 'pdf', 'png', 'jpg', 'doc', 'xls', 'docx', 'xlsx'
    name_mismatch: bool = False  # the file name's extension does not fit the content

    @property
    def extension(self) -> str:
        """The usual extension for the content, to suggest when the name does not fit."""
        return EXTENSIONS[self.kind][0]


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sniff(data: bytes, file_name: str) -> Sniffed:
    """Tell what `data` is by its content; raise Refused unless it is an allowed, harmless type."""
    if not data:
        raise Refused(file_name, "is empty (0 bytes)")
    if len(data) > MAX_SIZE:
        raise Refused(file_name, f"is {len(data):,} bytes; the limit is 5 MB ({MAX_SIZE:,} bytes)")
    kind = _kind(data, file_name)
    if kind is None:
        raise Refused(file_name, _not_allowed(data, file_name))
    if kind != "pdf" and b"%PDF-" in data[:1024]:
        raise Refused(file_name, f"is {LABELS[kind]} with a PDF hidden in it (a polyglot file), "
                                 "which is not allowed")
    if kind == "pdf":
        _check_pdf_tail(data, file_name)
    if kind not in ("docx", "xlsx") and zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused(file_name, f"is {LABELS[kind]} with a ZIP archive appended to it "
                                 "(a polyglot file), which is not allowed")
    ext = PurePath(file_name).suffix.lower()
    return Sniffed(MEDIA_TYPES[kind], kind, ext not in EXTENSIONS[kind])


def _kind(data: bytes, file_name: str) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_PNG_MAGIC):
        if data[12:16] != b"IHDR":
            raise Refused(file_name, "is a damaged PNG image (no image header)")
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, file_name)
    if data.startswith(_ZIP_LOCAL):
        return _ooxml_kind(data, file_name)
    return None


def _check_pdf_tail(data: bytes, file_name: str) -> None:
    end = data.rfind(b"%%EOF")
    tail = data[end:] if end >= 0 else b""
    if _ZIP_LOCAL in tail or _ZIP_END in tail:
        raise Refused(file_name, "is a PDF with a ZIP archive appended to it (a polyglot file), "
                                 "which is not allowed")


def _describe(data: bytes) -> str:
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        what = next((d for sig, d in _KNOWN if head.startswith(sig)), "other data")
        return f"{what} with a PDF hidden in it (a polyglot file)"
    for sig, what in _KNOWN:
        if head.startswith(sig):
            return what
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    try:
        found = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        found = []
    if found:
        best = found[0]
        return f"{best.name} ({best.extension})" if best.extension else best.name
    return "not a recognised file type"


def _not_allowed(data: bytes, file_name: str) -> str:
    what = _describe(data)
    ext = PurePath(file_name).suffix.lower()
    promised = next((LABELS[k] for k, exts in EXTENSIONS.items() if ext in exts), None)
    if promised:
        return f"is not {promised}: its content is {what}"
    return f"is not an allowed file type: its content is {what}; allowed are {ALLOWED}"


def _ooxml_kind(data: bytes, file_name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                raise Refused(file_name, f"is a ZIP archive with more than {_MAX_ZIP_ENTRIES:,} "
                                         "entries, which is not allowed")
            names = [i.filename for i in infos]
            if len({n.lower() for n in names}) != len(names):
                raise Refused(file_name, "is a ZIP archive with duplicate entries (a trick to hide "
                                         "content), which is not allowed")
            if sum(i.file_size for i in infos) > _MAX_UNZIPPED:
                raise Refused(file_name, "expands to more than 256 MB when unpacked "
                                         "(a ZIP bomb?), which is not allowed")
            if any(i.flag_bits & 0x1 for i in infos):
                raise Refused(file_name, "is a ZIP archive with encrypted entries, "
                                         "which is not allowed")
            ct_name = next((n for n in names if n.lower() == "[content_types].xml"), None)
            if ct_name is None:
                raise Refused(file_name, _not_allowed(data, file_name))
            info = zf.getinfo(ct_name)
            if info.file_size > _MAX_CONTENT_TYPES:
                raise Refused(file_name, "is an Office file whose content-type list is "
                                         "implausibly large, which is not allowed")
            with zf.open(info) as f:
                xml = f.read(_MAX_CONTENT_TYPES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError, ValueError) as e:
        raise Refused(file_name, f"is a damaged ZIP archive or Office file ({e})") from None
    if len(xml) > _MAX_CONTENT_TYPES:
        raise Refused(file_name, "is an Office file whose content-type list is implausibly large, "
                                 "which is not allowed")
    types = _content_types(xml, file_name)
    if any(n.lower().endswith("vbaproject.bin") for n in names) or any(
            "vbaproject" in t or "macroenabled" in t for _, t in types):
        macro = next((_OOXML_MACRO[t] for _, t in types if t in _OOXML_MACRO), None)
        what = macro or "an Office file containing macros (a VBA project)"
        raise Refused(file_name, f"is {what}, which is not allowed")
    mains = {(part, _OOXML_MAIN[t]) for part, t in types if t in _OOXML_MAIN}
    if len(mains) != 1:
        other = next((d for key, d in _OOXML_OTHER.items() for _, t in types if key in t), None)
        what = other or "an Office Open XML file that is neither a Word document nor a workbook"
        if len(mains) > 1:
            what = "an Office file claiming to be more than one document"
        raise Refused(file_name, f"is {what}, which is not allowed; allowed are {ALLOWED}")
    part, kind = mains.pop()
    if unquote(part).lstrip("/").lower() not in {n.lower() for n in names}:
        raise Refused(file_name, f"is a damaged {kind.upper()} file: its main part {part} "
                                 "is missing")
    return kind


def _content_types(xml: bytes, file_name: str) -> list[tuple[str, str]]:
    """(part name or '*.ext', lower-cased content type) pairs from [Content_Types].xml."""
    try:
        root = SafeET.fromstring(xml)
    except (ParseError, DefusedXmlException, ValueError) as e:
        raise Refused(file_name, f"is an Office file with an unreadable content-type list ({e})"
                      ) from None
    pairs = []
    for el in root:
        ctype = el.get("ContentType", "").strip().lower()
        if el.tag == f"{_CT_NS}Override":
            pairs.append((el.get("PartName", ""), ctype))
        elif el.tag == f"{_CT_NS}Default":
            pairs.append(("*." + el.get("Extension", ""), ctype))
    return pairs


def _ole_kind(data: bytes, file_name: str) -> str:
    try:
        names = _ole_root_names(data)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as e:
        raise Refused(file_name, f"is a damaged Office 97–2003 file ({e})") from None
    streams = {n.casefold() for n, is_stream in names if is_stream}
    storages = {n.casefold() for n, is_stream in names if not is_stream}
    if "encryptedpackage" in streams:
        raise Refused(file_name, "is a password-protected Office document, which cannot be "
                                 "checked; attach an unprotected copy")
    if "macros" in storages or "_vba_project_cur" in storages:
        raise Refused(file_name, "is an Office 97–2003 file containing macros, "
                                 "which is not allowed")
    is_doc = "worddocument" in streams
    is_xls = "workbook" in streams or "book" in streams
    if is_doc != is_xls:
        return "doc" if is_doc else "xls"
    what = ("a PowerPoint 97–2003 presentation" if "powerpoint document" in streams
            else "an OLE compound file that is neither a Word document nor an Excel workbook")
    if is_doc and is_xls:
        what = "an Office 97–2003 file claiming to be both a document and a workbook"
    raise Refused(file_name, f"is {what}, which is not allowed; allowed are {ALLOWED}")


_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def _ole_root_names(data: bytes) -> list[tuple[str, bool]]:
    """(name, is_stream) of the entries directly under the root storage of an OLE2 file."""
    shift, = struct.unpack_from("<H", data, 0x1E)
    if shift not in (9, 12):
        raise ValueError(f"sector size 2^{shift} is not 512 or 4096")
    size = 1 << shift
    nsectors = (len(data) - 1) // size  # sector n starts at (n + 1) * size

    def sector(n: int) -> bytes:
        if n >= nsectors:
            raise ValueError(f"sector {n} lies beyond the end of the file; it may be cut short")
        return data[(n + 1) * size:(n + 2) * size].ljust(size, b"\0")  # last one may be short

    first_dir, = struct.unpack_from("<I", data, 0x30)
    first_difat, num_difat = struct.unpack_from("<II", data, 0x44)
    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    seen: set[int] = set()
    n = first_difat
    while n not in (_END, _FREE) and len(seen) < num_difat:
        if n in seen:
            raise ValueError("the sector allocation table loops")
        seen.add(n)
        difat = struct.unpack(f"<{size // 4}I", sector(n))
        fat_sectors.extend(difat[:-1])
        n = difat[-1]
    fat: list[int] = []
    for n in fat_sectors:
        if n < _END - 2 and len(fat) < nsectors:
            fat.extend(struct.unpack(f"<{size // 4}I", sector(n)))
    chunks = []
    seen = set()
    n = first_dir
    while n != _END:
        if n in seen or n >= len(fat):
            raise ValueError("the directory chain is broken")
        seen.add(n)
        chunks.append(sector(n))
        n = fat[n]
    directory = b"".join(chunks)
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries or entries[0][66] != 5:
        raise ValueError("there is no root entry")
    names: list[tuple[str, bool]] = []
    todo = [struct.unpack_from("<I", entries[0], 76)[0]]
    visited: set[int] = set()
    while todo:
        i = todo.pop()
        if i == _FREE or i in visited or i >= len(entries):
            continue
        visited.add(i)
        e = entries[i]
        name_len = min(struct.unpack_from("<H", e, 64)[0], 64)
        if e[66] in (1, 2):
            names.append((e[:max(name_len - 2, 0)].decode("utf-16-le"), e[66] == 2))
        todo.extend(struct.unpack_from("<II", e, 68))  # left and right siblings
    return names
