"""Tests for the pre-unpack checks on spreadsheets and ZIP archives."""

from __future__ import annotations

import gzip
import io
import os
import pickle
import stat
import struct
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from orderdesk.exchange import safety
from orderdesk.exchange.safety import (
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_TOTAL,
    UnsafeFile,
    check_xlsx,
    check_zip,
    ensure_defused,
)

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
ENTITY_PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY boom "boom">]>\n'


# -- helpers ---------------------------------------------------------------------------


def make_xlsx(path: Path) -> Path:
    """Save a small but realistic openpyxl workbook: two sheets, numbers, text, a comment."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "orders"
    ws.append(["number", "customer", "total", "note"])
    for n in range(200):
        ws.append([f"2026-{n:04d}", f"C{n % 7}", n * 1.25, "<!DOCTYPE html> &amp; <!ENTITY x>"])
    ws["A1"].comment = Comment("order number", "desk")
    lines = wb.create_sheet("lines")
    lines.append(["order", "item", "qty"])
    lines.append(["2026-0001", "BOLT-M8", 12])
    wb.save(path)
    return path


def rewrite(
    src: Path,
    dst: Path,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
) -> Path:
    """Copy a ZIP, replacing, dropping or adding entries."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def make_zip(path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, method)
    return path


def central_headers(data: bytes) -> list[int]:
    """Return the offsets of the central directory headers of a ZIP without a comment."""
    count, _size, start = struct.unpack("<HII", data[-12:-2])
    offsets = []
    at = start
    for _ in range(count):
        assert data[at : at + 4] == b"PK\x01\x02"
        offsets.append(at)
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[at + 28 : at + 34])
        at += 46 + name_len + extra_len + comment_len
    return offsets


def patch_central(path: Path, index: int, field_offset: int, fmt: str, value: int) -> Path:
    """Overwrite one field of one central directory header in place."""
    data = bytearray(path.read_bytes())
    at = central_headers(bytes(data))[index] + field_offset
    struct.pack_into(fmt, data, at, value)
    path.write_bytes(bytes(data))
    return path


CD_FLAGS, CD_METHOD, CD_COMPRESSED, CD_SIZE, CD_OFFSET = 8, 10, 20, 24, 42


def crafted_directory(path: Path, entries: int, declared: int | None = None) -> Path:
    """Write only a central directory of `entries` empty entries and an end record.

    `declared` is the entry count the end record claims (default: the real count).
    """
    records = []
    for n in range(entries):
        name = f"f{n:07d}".encode()
        records.append(
            struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0,
                        len(name), 0, 0, 0, 0, 0, 0)
            + name
        )
    directory = b"".join(records)
    count = entries if declared is None else declared
    zip64 = b""
    if count > 0xFFFF:  # too many for the classic end record: add the ZIP64 records
        zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                            len(directory), 0)
        zip64 += struct.pack("<4sLQL", b"PK\x06\x07", 0, len(directory), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                      len(directory), 0, 0)
    path.write_bytes(directory + zip64 + end)
    return path


def zeros_entry(zf: zipfile.ZipFile, name: str, size: int) -> None:
    """Stream `size` zero bytes into a deflated entry without holding them in memory."""
    chunk = bytes(MB)
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as out:
        left = size
        while left:
            out.write(chunk[: min(left, MB)])
            left -= min(left, MB)


def peak_memory(check: Callable[[], None]) -> tuple[int, BaseException | None]:
    """Run a check under tracemalloc; return the peak and what it raised."""
    tracemalloc.start()
    error: BaseException | None = None
    try:
        check()
    except BaseException as exc:  # noqa: BLE001 - handed back to the test
        error = exc
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, error


@pytest.fixture(scope="module")
def xlsx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real workbook whose first sheet is 150 MB of zeros, about 150 KB on disk."""
    base = tmp_path_factory.mktemp("bomb")
    good = make_xlsx(base / "good.xlsx")
    bomb = base / "orders.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                zeros_entry(zout, info.filename, 150 * MB)
            else:
                zout.writestr(info.filename, zin.read(info))
    return bomb


# -- UnsafeFile -----------------------------------------------------------------------


def test_unsafe_file_message_and_attributes() -> None:
    exc = UnsafeFile("/home/desk/orders.xlsx", "the archive declares 2.1 GB when unpacked")
    assert exc.path == "/home/desk/orders.xlsx"
    assert exc.reason == "the archive declares 2.1 GB when unpacked"
    assert str(exc) == "orders.xlsx: refused: the archive declares 2.1 GB when unpacked"
    again = pickle.loads(pickle.dumps(exc))
    assert (again.path, again.reason, str(again)) == (exc.path, exc.reason, str(exc))


def test_limits() -> None:
    assert (MAX_ENTRIES, MAX_TOTAL, MAX_RATIO) == (1000, 100 * 1024 * 1024, 100)
    # Entries exempt from the ratio rule cannot add up past the total limit on their own.
    assert MAX_ENTRIES * safety.RATIO_EXEMPT_SIZE < MAX_TOTAL


# -- files that pass ----------------------------------------------------------------------


def test_openpyxl_workbook_passes(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "orders.xlsx")
    names = zipfile.ZipFile(path).namelist()
    assert any(name.endswith(".vml") for name in names)  # the comment's legacy drawing
    check_zip(path)
    check_zip(str(path))
    check_xlsx(path)
    check_xlsx(str(path))
    openpyxl.load_workbook(path)


def test_file_object_passes_and_keeps_its_position(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "orders.xlsx").read_bytes()
    stream = io.BytesIO(b"junk" + data)
    stream.seek(4)
    check_xlsx(stream)
    assert stream.tell() == 4
    check_zip(io.BytesIO(data))
    with open(tmp_path / "orders.xlsx", "rb") as handle:
        check_xlsx(handle)
        assert handle.tell() == 0


def test_zip_of_csv_files_passes(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "orders.zip",
        {"orders.csv": b"number,customer\n2026-0001,C1\n" * 500,
         "order-line-items.csv": b"order,item,qty\n2026-0001,BOLT,1\n"},
    )
    check_zip(path)


def test_zip64_end_record_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 3)
    small = make_zip(tmp_path / "small.zip", {f"{n}.csv": b"a,b\n" for n in range(5)})
    many = make_zip(tmp_path / "many.zip", {f"{n}.csv": b"" for n in range(MAX_ENTRIES + 1)})
    monkeypatch.undo()
    assert b"PK\x06\x06" in small.read_bytes()[-120:]
    check_zip(small)
    with pytest.raises(UnsafeFile, match="1,001 entries"):
        check_zip(many)


def test_small_entries_are_exempt_from_the_ratio_rule(tmp_path: Path) -> None:
    check_zip(make_zip(tmp_path / "ok.zip", {"printer.bin": bytes(safety.RATIO_EXEMPT_SIZE)}))
    with pytest.raises(UnsafeFile, match=r"ratio of [\d,]+:1 \(limit 100:1\)"):
        check_zip(make_zip(tmp_path / "no.zip", {"a.bin": bytes(safety.RATIO_EXEMPT_SIZE + 1)}))


# -- bombs --------------------------------------------------------------------------


def test_zip_bomb_disguised_as_xlsx_is_refused_without_unpacking(xlsx_bomb: Path) -> None:
    assert xlsx_bomb.stat().st_size < 2 * MB
    for check in (check_xlsx, check_zip):
        peak, error = peak_memory(partial(check, xlsx_bomb))
        assert isinstance(error, UnsafeFile)
        assert str(error) == (
            "orders.xlsx: refused: the archive declares 150 MB when unpacked (limit 100 MB)"
        )
        assert peak < 2 * MB, f"{check.__name__} peaked at {peak:,} bytes"


def test_declared_size_is_refused_from_the_directory_alone(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "orders.xlsx", {"xl/worksheets/sheet1.xml": b"<x/>" * 100})
    patch_central(path, 0, CD_SIZE, "<L", int(2.1 * 1024**3))
    with pytest.raises(UnsafeFile) as caught:
        check_xlsx(path)
    assert str(caught.value) == (
        "orders.xlsx: refused: the archive declares 2.1 GB when unpacked (limit 100 MB)"
    )


def test_ratio_bomb_under_the_total_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zeros_entry(zf, "orders.csv", 40 * MB)
    peak, error = peak_memory(lambda: check_zip(path))
    assert isinstance(error, UnsafeFile)
    assert "'orders.csv' would unpack 40 MB from" in error.reason
    assert "(limit 100:1)" in error.reason
    assert peak < 2 * MB


def test_entry_declaring_data_from_nothing_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"a,b\n" * 10})
    patch_central(path, 0, CD_COMPRESSED, "<L", 0)
    with pytest.raises(UnsafeFile, match="unpacked from no data"):
        check_zip(path)


def test_overlapping_entries_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"1" * 100, "b.csv": b"2" * 100},
                    zipfile.ZIP_STORED)
    patch_central(path, 1, CD_OFFSET, "<L", 0)
    with pytest.raises(UnsafeFile, match="overlaps"):
        check_zip(path)


# -- entry counts -------------------------------------------------------------------------


def test_1000_entries_pass_and_1001_are_refused(tmp_path: Path) -> None:
    check_zip(make_zip(tmp_path / "ok.zip", {f"{n}.csv": b"x" for n in range(MAX_ENTRIES)}))
    many = make_zip(tmp_path / "many.zip", {f"{n}.csv": b"x" for n in range(MAX_ENTRIES + 1)})
    with pytest.raises(UnsafeFile) as caught:
        check_zip(many)
    assert caught.value.reason == "the archive holds 1,001 entries (limit 1,000)"


def test_huge_directory_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = crafted_directory(tmp_path / "many.zip", 200_000)
    assert path.stat().st_size > 10 * MB
    peak, error = peak_memory(lambda: check_zip(path))
    assert isinstance(error, UnsafeFile)
    assert error.reason == "the archive holds 200,000 entries (limit 1,000)"
    assert peak < 512 * 1024


def test_end_record_understating_the_count_is_caught(tmp_path: Path) -> None:
    path = crafted_directory(tmp_path / "lying.zip", 60_000, declared=1)
    peak, error = peak_memory(lambda: check_zip(path))
    assert isinstance(error, UnsafeFile)
    assert error.reason == "the archive holds more than 1,000 entries (its end record claims 1)"
    assert peak < 512 * 1024


def test_oversized_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    path.write_bytes(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 3, 3, 60 * MB, 0, 0))
    with pytest.raises(UnsafeFile, match=r"table of contents is 60 MB \(limit 4 MB\)"):
        check_zip(path)


# -- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil", "climbs out of the folder"),
        ("orders/../../evil.csv", "climbs out of the folder"),
        ("/abs", "absolute path"),
        ("/etc/cron.d/x", "absolute path"),
        ("C:/Windows/evil.dll", "names a drive"),
        ("c:evil", "names a drive"),
        ("..\\evil", "backslash"),
        ("orders\\x.csv", "backslash"),
    ],
)
def test_unsafe_names_are_refused(tmp_path: Path, name: str, why: str) -> None:
    path = make_zip(tmp_path / "a.zip", {"ok.csv": b"a", name: b"b"})
    assert name in zipfile.ZipFile(path).namelist()
    with pytest.raises(UnsafeFile, match=why) as caught:
        check_zip(path)
    assert repr(name) in caught.value.reason


def test_nul_in_name_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"evil.csvX.txt": b"a"})
    path.write_bytes(path.read_bytes().replace(b"evil.csvX.txt", b"evil.csv\0.txt"))
    with pytest.raises(UnsafeFile, match="NUL"):
        check_zip(path)


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns "Duplicate name"
        make_zip(path, {"a.csv": b"1"})
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("a.csv", b"2")
    with pytest.raises(UnsafeFile, match="two entries named 'a.csv'"):
        check_zip(path)


def test_symbolic_link_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    info = zipfile.ZipInfo("link.csv", (2026, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeFile, match="symbolic link"):
        check_zip(path)


# -- nested archives, encryption, damage ---------------------------------------------------


def inner_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.csv", b"a,b\n")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["inner.zip", "xl/embeddings/book.XLSX", "data.tar.gz", "x.7z"])
def test_nested_archive_by_name_is_refused(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "a.zip", {"ok.csv": b"a", name: inner_zip()})
    with pytest.raises(UnsafeFile, match="nested archives are not allowed"):
        check_zip(path)


@pytest.mark.parametrize(
    "payload",
    [inner_zip(), gzip.compress(b"a,b\n" * 100), b"7z\xbc\xaf\x27\x1c" + bytes(40)],
    ids=["zip", "gzip", "7z"],
)
def test_nested_archive_by_content_is_refused(tmp_path: Path, payload: bytes) -> None:
    path = make_zip(tmp_path / "a.zip", {"ok.csv": b"a", "notes.txt": payload})
    with pytest.raises(UnsafeFile, match="'notes.txt' is an archive inside the archive"):
        check_zip(path)


def test_encrypted_entry_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"secret"})
    patch_central(path, 0, CD_FLAGS, "<H", 0x01)
    with pytest.raises(UnsafeFile, match="'a.csv' is encrypted"):
        check_zip(path)


def test_unknown_compression_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"a,b\n"})
    patch_central(path, 0, CD_METHOD, "<H", 9)  # Deflate64, which zipfile cannot read
    with pytest.raises(UnsafeFile, match=r"other than stored or deflated \(9\)"):
        check_zip(path)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_bzip2_and_lzma_are_refused(tmp_path: Path, method: int) -> None:
    # zipfile unpacks each 4 KB read of these whole: a lying entry could be a bomb.
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"a,b\n" * 100}, method)
    with pytest.raises(UnsafeFile, match=f"other than stored or deflated \\({method}\\)"):
        check_zip(path)


def test_stored_sizes_that_disagree_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"a,b\n"}, zipfile.ZIP_STORED)
    patch_central(path, 0, CD_SIZE, "<L", 5000)
    with pytest.raises(UnsafeFile, match="damaged"):
        check_zip(path)


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 16, b"", b"number,customer\n2026-0001,C1\n", b"PK\x03\x04" + bytes(40)],
    ids=["binary", "empty", "csv", "zip-start-only"],
)
def test_non_zip_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(content)
    for check in (check_zip, check_xlsx):
        with pytest.raises(UnsafeFile) as caught:
            check(path)
        assert str(caught.value) == "orders.xlsx: refused: not a ZIP archive"


def test_damaged_directory_is_refused(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "orders.xlsx")
    data = bytearray(path.read_bytes())
    at = central_headers(bytes(data))[2]
    data[at : at + 4] = b"XXXX"
    path.write_bytes(bytes(data))
    with pytest.raises(UnsafeFile, match="the archive is damaged"):
        check_xlsx(path)


def test_local_header_disagreeing_with_directory_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.csv": b"a,b\n"}, zipfile.ZIP_STORED)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"a.csv", b"b.csv", 1))  # only the local header
    with pytest.raises(UnsafeFile, match="damaged"):
        check_zip(path)


def test_name_is_used_in_the_message() -> None:
    with pytest.raises(UnsafeFile) as caught:
        check_zip(io.BytesIO(b"not a zip"), name="upload.zip")
    assert str(caught.value) == "upload.zip: refused: not a ZIP archive"
    with pytest.raises(UnsafeFile) as caught:
        check_zip(io.BytesIO(b"not a zip"))
    assert caught.value.path == "archive"


# -- XLSX contents ------------------------------------------------------------------------


def with_prolog(xml: bytes, prolog: bytes = ENTITY_PROLOG) -> bytes:
    """Put a DOCTYPE prolog in front of a document's root element."""
    if xml.startswith(b"<?xml"):
        xml = xml[xml.index(b"?>") + 2 :].lstrip()
    return prolog + xml


@pytest.mark.parametrize(
    "entry",
    ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "_rels/.rels", "xl/styles.xml",
     "xl/drawings/commentsDrawing1.vml"],
)
def test_entity_declaration_in_an_xml_entry_is_refused(tmp_path: Path, entry: str) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    original = zipfile.ZipFile(good).read(entry)
    bad = rewrite(good, tmp_path / "orders.xlsx", replace={entry: with_prolog(original)})
    with pytest.raises(UnsafeFile) as caught:
        check_xlsx(bad)
    assert caught.value.reason.startswith("XML entity declarations are not allowed")
    assert repr(entry) in caught.value.reason
    check_zip(bad)  # a plain ZIP check does not look inside the XML


def test_billion_laughs_in_workbook_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    lol = b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n else b"lol")
        for n in range(10)
    )
    workbook = zipfile.ZipFile(good).read("xl/workbook.xml")
    bad = rewrite(good, tmp_path / "lol.xlsx", replace={
        "xl/workbook.xml": with_prolog(workbook, b"<!DOCTYPE lolz [" + lol + b"]>")})
    with pytest.raises(UnsafeFile, match="XML entity declarations are not allowed"):
        check_xlsx(bad)


def test_external_doctype_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    workbook = zipfile.ZipFile(good).read("xl/workbook.xml")
    prolog = b'<!DOCTYPE x SYSTEM "http://example.invalid/evil.dtd">\n'
    bad = rewrite(good, tmp_path / "x.xlsx", replace={"xl/workbook.xml": with_prolog(workbook,
                                                                                     prolog)})
    with pytest.raises(UnsafeFile, match="XML entity declarations are not allowed"):
        check_xlsx(bad)


def test_utf16_entity_declaration_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    workbook = zipfile.ZipFile(good).read("xl/workbook.xml").decode("utf-8")
    body = workbook.split("?>", 1)[1] if workbook.startswith("<?xml") else workbook
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>' + body
    bad = rewrite(good, tmp_path / "u16.xlsx",
                  replace={"xl/workbook.xml": text.encode("utf-16")})
    assert b"<!DOCTYPE" not in zipfile.ZipFile(bad).read("xl/workbook.xml")
    with pytest.raises(UnsafeFile, match="XML entity declarations are not allowed"):
        check_xlsx(bad)


def test_entity_declaration_under_another_name_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    sheet = zipfile.ZipFile(good).read("xl/worksheets/sheet1.xml")
    bad = rewrite(good, tmp_path / "x.xlsx", add={"xl/worksheets/sheet9.dat": with_prolog(sheet)})
    with pytest.raises(UnsafeFile, match="'xl/worksheets/sheet9.dat' declares a document type"):
        check_xlsx(bad)


def test_entity_declaration_in_content_types_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    types = zipfile.ZipFile(good).read("[Content_Types].xml")
    bad = rewrite(good, tmp_path / "x.xlsx", replace={"[Content_Types].xml": with_prolog(types)})
    with pytest.raises(UnsafeFile, match="XML entity declarations are not allowed"):
        check_xlsx(bad)


def test_unreadable_xml_entry_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    bad = rewrite(good, tmp_path / "x.xlsx", replace={"xl/styles.xml": b"this is not xml"})
    with pytest.raises(UnsafeFile, match="'xl/styles.xml' is not XML that can be checked"):
        check_xlsx(bad)


def test_endless_prolog_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    styles = zipfile.ZipFile(good).read("xl/styles.xml")
    # Hex noise does not compress past the ratio limit.
    comments = [b"<!-- %s -->\n" % os.urandom(500).hex().encode() for _ in range(2100)]

    def padded(padding: bytes) -> bytes:
        return with_prolog(styles, b'<?xml version="1.0"?>\n' + padding)

    bad = rewrite(good, tmp_path / "x.xlsx", replace={"xl/styles.xml": padded(b"".join(comments))})
    with pytest.raises(UnsafeFile, match="'xl/styles.xml' has no XML element in its first 1 MB"):
        check_xlsx(bad)
    half = b"".join(comments[:500])  # about 0.5 MB
    fine = rewrite(good, tmp_path / "y.xlsx", replace={"xl/styles.xml": padded(half)})
    check_xlsx(fine)


def test_empty_xml_entry_is_skipped(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    check_xlsx(rewrite(good, tmp_path / "x.xlsx", add={"customXml/item1.xml": b""}))


def test_missing_parts_are_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    no_types = rewrite(good, tmp_path / "a.xlsx", drop=("[Content_Types].xml",))
    with pytest.raises(UnsafeFile, match=r"not an XLSX workbook \(no \[Content_Types\].xml\)"):
        check_xlsx(no_types)
    no_book = rewrite(good, tmp_path / "b.xlsx", drop=("xl/workbook.xml",))
    with pytest.raises(UnsafeFile, match="the workbook part 'xl/workbook.xml' is missing"):
        check_xlsx(no_book)
    csvs = make_zip(tmp_path / "c.xlsx", {"orders.csv": b"a,b\n"})
    with pytest.raises(UnsafeFile, match="not an XLSX workbook"):
        check_xlsx(csvs)
    check_zip(csvs)


def test_content_types_without_workbook_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    types = zipfile.ZipFile(good).read("[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"spreadsheetml.other+xml")
    bad = rewrite(good, tmp_path / "x.xlsx", replace={"[Content_Types].xml": types})
    with pytest.raises(UnsafeFile, match="declares no workbook part"):
        check_xlsx(bad)


# -- start-up -------------------------------------------------------------------------


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ensure_defused_defuses_the_standard_library() -> None:
    # In a child process: defuse_stdlib() patches the standard library for good.
    result = run_python(
        "import xml.etree.ElementTree as ET\n"
        "from defusedxml import EntitiesForbidden\n"
        "from orderdesk.exchange.safety import ensure_defused\n"
        "ensure_defused(); ensure_defused()\n"
        "try:\n"
        "    ET.fromstring('<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>')\n"
        "except EntitiesForbidden:\n"
        "    print('refused')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused"


def test_ensure_defused_refuses_openpyxl_without_defusedxml() -> None:
    result = run_python(
        "from orderdesk.exchange.safety import ensure_defused\nensure_defused()\n",
        OPENPYXL_DEFUSEDXML="False",
    )
    assert result.returncode != 0
    assert "RuntimeError: openpyxl is not using defusedxml" in result.stderr


def test_ensure_defused_checks_openpyxl_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError, match="openpyxl is not using defusedxml"):
        ensure_defused()


def test_ensure_defused_needs_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "defusedxml", None)
    with pytest.raises(RuntimeError, match="needs the defusedxml package"):
        ensure_defused()


def test_module_is_qt_free() -> None:
    result = run_python(
        "import sys\nimport orderdesk.exchange.safety\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
