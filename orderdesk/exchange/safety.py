"""Checks that refuse unsafe spreadsheets and ZIP archives before anything is unpacked."""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import PurePath
from typing import IO
from xml.parsers import expat

__all__ = [
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL",
    "UnsafeFile",
    "check_xlsx",
    "check_zip",
    "ensure_defused",
]

MAX_ENTRIES = 1000
MAX_TOTAL = 100 * 1024 * 1024
MAX_RATIO = 100

# Entries that unpack to at most this much are exempt from the ratio rule: a few KB of
# zeros (printer settings, empty parts) legitimately compress better than 100:1, and
# MAX_ENTRIES * RATIO_EXEMPT_SIZE stays below MAX_TOTAL, so the total bound still holds.
RATIO_EXEMPT_SIZE = 64 * 1024
# The central directory is read into memory whole; a legitimate one for MAX_ENTRIES
# entries is far smaller than this.
MAX_DIRECTORY = 4 * 1024 * 1024
# [Content_Types].xml is read whole and parsed with defusedxml.
MAX_CONTENT_TYPES = 4 * 1024 * 1024

# An XML prolog (declaration, comments, DOCTYPE) longer than this is refused unread.
MAX_PROLOG = 1024 * 1024

_SNIFF_SIZE = 512
_CHUNK = 64 * 1024

# ZIP records (APPNOTE.TXT 4.3): signatures and layouts.
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_END_STRUCT = "<4s4H2LH"  # 22 bytes
_END64 = b"PK\x06\x06"
_END64_STRUCT = "<4sQ2H2L4Q"  # 56 bytes
_END64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_SIZE = 56 + 20  # ZIP64 end record plus its locator

# Stored and deflated only: zipfile inflates in bounded steps, but it unpacks each 4 KB
# read of a bzip2 or LZMA entry whole, which a lying entry can turn into a bomb.
_ACCEPTED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_FLAG_ENCRYPTED = 0x01
_FLAG_STRONG_ENCRYPTION = 0x40

_ARCHIVE_SUFFIXES = frozenset(
    {
        ".zip", ".zipx", ".jar", ".war", ".ear", ".apk", ".ipa", ".epub",
        ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xlam",
        ".docx", ".docm", ".dotx", ".dotm", ".pptx", ".pptm",
        ".odt", ".ods", ".odp", ".odg",
        ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz",
        ".lz", ".lzma", ".zst", ".z", ".cab", ".arj", ".lzh", ".cpio", ".iso",
    }
)
_DRIVE = re.compile(r"^[A-Za-z]:")

# Content types of an XLSX workbook part, in the order openpyxl looks for them.
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CONTENT_TYPES = "[Content_Types].xml"
_XML_SUFFIXES = (".xml", ".rels", ".vml")

_ENTITY_REASON = "XML entity declarations are not allowed"

Source = str | os.PathLike[str] | IO[bytes]


class UnsafeFile(Exception):
    """A spreadsheet or archive that is refused before anything is unpacked."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{PurePath(self.path).name or self.path}: refused: {self.reason}"


# -- formatting ----------------------------------------------------------------------


def _size(n: int) -> str:
    """Return n bytes as a short human size: '512 bytes', '1.5 KB', '100 MB', '2.1 GB'."""
    if n < 1024:
        return f"{n} byte" if n == 1 else f"{n:,} bytes"
    value = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text} {unit}"


def _over(n: int, limit: int) -> tuple[str, str]:
    """Return n and limit as sizes, in exact bytes when rounding would make them look equal."""
    a, b = _size(n), _size(limit)
    if a == b:
        return f"{n:,} bytes", f"{limit:,} bytes"
    return a, b


def _entry(name: str) -> str:
    """Quote an entry name for a message, shortening very long names."""
    if len(name) > 80:
        name = name[:60] + "…" + name[-19:]
    return repr(name)


# -- the archive ---------------------------------------------------------------------


def _label(source: Source, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    file_name = getattr(source, "name", None)
    return file_name if isinstance(file_name, str) and file_name else "archive"


def _end_record(fp: IO[bytes]) -> tuple[int, int, int] | None:
    """Return (entry count, directory size, directory start) as the end record declares them.

    Mirrors how zipfile finds the end record, but reads only its few bytes, so a huge
    declared directory is refused before zipfile reads it into memory.
    """
    fp.seek(0, io.SEEK_END)
    file_size = fp.tell()
    if file_size < 22:
        return None
    fp.seek(file_size - 22)
    tail = fp.read(22)
    if tail[:4] == _END and tail[-2:] == b"\0\0":
        where = file_size - 22
        record = tail
    else:
        start = max(file_size - (1 << 16) - 22, 0)
        fp.seek(start)
        data = fp.read()
        found = data.rfind(_END)
        if found < 0 or len(data) - found < 22:
            return None
        where = start + found
        record = data[found : found + 22]
    (_sig, _disk, _disk_cd, _this_disk, count, cd_size, _cd_offset, _comment) = struct.unpack(
        _END_STRUCT, record
    )
    # A ZIP64 end record (located just before the classic one) overrides the values.
    directory_end = where
    if where >= _ZIP64_END_SIZE:
        fp.seek(where - 20)
        locator = fp.read(20)
        if locator[:4] == _END64_LOCATOR:
            fp.seek(where - 20 - 56)
            record64 = fp.read(56)
            if record64[:4] == _END64:
                fields = struct.unpack(_END64_STRUCT, record64)
                count, cd_size = fields[7], fields[8]
                directory_end = where - _ZIP64_END_SIZE
    # Like zipfile, place the directory just before the end records, which also copes
    # with data prepended to the archive.
    return count, cd_size, directory_end - cd_size


def _directory_holds_too_many(fp: IO[bytes], start: int, size: int) -> bool:
    """Walk the central directory header by header and tell whether it lists more than
    MAX_ENTRIES entries; reads 46 bytes per entry and stops at the first one too many."""
    fp.seek(start)
    walked = entries = 0
    while walked < size:
        header = fp.read(46)
        if len(header) != 46 or header[:4] != _CENTRAL:
            return False  # damaged: zipfile will say how
        entries += 1
        if entries > MAX_ENTRIES:
            return True
        name_len, extra_len, comment_len = struct.unpack("<3H", header[28:34])
        skip = name_len + extra_len + comment_len
        fp.seek(skip, io.SEEK_CUR)
        walked += 46 + skip
    return False


def _name_problem(info: zipfile.ZipInfo) -> str | None:
    """Return why an entry's name is unsafe to unpack, or None."""
    for raw in (info.orig_filename, info.filename):
        if "\0" in raw:
            return "contains a NUL character"
        if "\\" in raw:
            return "contains a backslash"
        if raw.startswith("/"):
            return "is an absolute path"
        if _DRIVE.match(raw):
            return "names a drive"
        if ".." in raw.split("/"):
            return "climbs out of the folder with '..'"
    if not info.filename.strip("/"):
        return "has an empty name"
    return None


def _is_archive_name(name: str) -> bool:
    return PurePath(name.rstrip("/")).suffix.lower() in _ARCHIVE_SUFFIXES


def _is_archive_data(head: bytes) -> bool:
    """Tell whether an entry's first bytes are those of an archive or compressed stream."""
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return True
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\xfd7zXZ\x00")):
        return True
    if head.startswith((b"\x28\xb5\x2f\xfd", b"MSCF\0\0\0\0", b"\x60\xea")):
        return True
    if re.match(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)", head):
        return True
    return head[257:262] == b"ustar"


def _header_offset(info: zipfile.ZipInfo) -> int:
    return info.header_offset


def _local_header_floor(info: zipfile.ZipInfo) -> int:
    """Return the fewest bytes an entry's local header and data can take in the file."""
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        name_len = len(info.orig_filename.encode(encoding))
    except UnicodeEncodeError:
        name_len = 0
    return 30 + name_len + info.compress_size


def _check_entries(zf: zipfile.ZipFile, label: str) -> None:
    """Refuse an archive on what its central directory declares; nothing is decompressed."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsafeFile(label, f"the archive holds {len(infos):,} entries (limit {MAX_ENTRIES:,})")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL:
        size, limit = _over(total, MAX_TOTAL)
        raise UnsafeFile(label, f"the archive declares {size} when unpacked (limit {limit})")

    seen: set[str] = set()
    for info in infos:
        name = info.filename
        problem = _name_problem(info)
        if problem:
            raise UnsafeFile(label, f"the entry {_entry(info.orig_filename)} {problem}")
        if name in seen:
            raise UnsafeFile(label, f"the archive holds two entries named {_entry(name)}")
        seen.add(name)
        if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
            raise UnsafeFile(label, f"the entry {_entry(name)} is encrypted")
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise UnsafeFile(label, f"the entry {_entry(name)} is a symbolic link")
        if _is_archive_name(name):
            raise UnsafeFile(
                label, f"the entry {_entry(name)} is an archive inside the archive "
                "(nested archives are not allowed)"
            )
        if info.compress_type not in _ACCEPTED_METHODS:
            raise UnsafeFile(
                label, f"the entry {_entry(name)} uses a compression method other than "
                f"stored or deflated ({info.compress_type})"
            )
        if info.file_size > 0 and info.compress_size == 0:
            raise UnsafeFile(
                label, f"the entry {_entry(name)} declares {_size(info.file_size)} "
                "unpacked from no data at all"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise UnsafeFile(label, f"the archive is damaged (sizes of {_entry(name)} disagree)")
        if (
            info.file_size > RATIO_EXEMPT_SIZE
            and info.file_size > MAX_RATIO * info.compress_size
        ):
            ratio = info.file_size // info.compress_size
            raise UnsafeFile(
                label, f"the entry {_entry(name)} would unpack {_size(info.file_size)} from "
                f"{_size(info.compress_size)}, a ratio of {ratio:,}:1 (limit {MAX_RATIO}:1)"
            )

    # Entries whose data overlap let a small file unpack many times over.
    placed = sorted(infos, key=_header_offset)
    directory_start: int = getattr(zf, "start_dir", 0) or 0
    for index, here in enumerate(placed):
        if index + 1 < len(placed):
            after = placed[index + 1]
            bound, what = after.header_offset, f"the entry {_entry(after.filename)}"
        else:
            bound, what = directory_start, "the table of contents"
        if here.header_offset + _local_header_floor(here) > bound:
            raise UnsafeFile(
                label, f"the entry {_entry(here.filename)} overlaps {what} (a zip-bomb trick)"
            )


def _sniff(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Return at most _SNIFF_SIZE first bytes of an entry; decompression is bounded."""
    with zf.open(info) as stream:
        return stream.read(_SNIFF_SIZE)


_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    struct.error,
    ValueError,
    NotImplementedError,
    RuntimeError,
    LookupError,
    OSError,
)


@contextmanager
def _checked_archive(source: Source, name: str | None) -> Iterator[tuple[zipfile.ZipFile, str]]:
    """Open an archive after refusing it on its end record and central directory."""
    label = _label(source, name)
    with ExitStack() as cleanup:
        fp: IO[bytes]
        if isinstance(source, (str, os.PathLike)):
            fp = cleanup.enter_context(open(source, "rb"))
        else:
            fp = source
            cleanup.callback(fp.seek, fp.tell())
        try:
            end = _end_record(fp)
        except (OSError, struct.error) as exc:
            raise UnsafeFile(label, f"not a ZIP archive ({exc})") from None
        if end is None:
            raise UnsafeFile(label, "not a ZIP archive")
        count, directory, start = end
        if count > MAX_ENTRIES:
            raise UnsafeFile(label, f"the archive holds {count:,} entries (limit {MAX_ENTRIES:,})")
        if directory > MAX_DIRECTORY:
            size, limit = _over(directory, MAX_DIRECTORY)
            raise UnsafeFile(label, f"the archive's table of contents is {size} (limit {limit})")
        if start >= 0 and _directory_holds_too_many(fp, start, directory):
            raise UnsafeFile(
                label, f"the archive holds more than {MAX_ENTRIES:,} entries "
                f"(its end record claims {count:,})"
            )
        fp.seek(0)
        try:
            zf = zipfile.ZipFile(fp)
        except _DAMAGE as exc:
            raise UnsafeFile(label, f"the archive is damaged ({exc})") from None
        with zf:
            _check_entries(zf, label)
            for info in zf.infolist():
                if info.file_size == 0 or info.is_dir():
                    continue
                try:
                    head = _sniff(zf, info)
                except _DAMAGE as exc:
                    raise UnsafeFile(label, f"the archive is damaged ({exc})") from None
                if _is_archive_data(head):
                    raise UnsafeFile(
                        label, f"the entry {_entry(info.filename)} is an archive inside the "
                        "archive (nested archives are not allowed)"
                    )
            yield zf, label


def check_zip(path_or_file: Source, name: str | None = None) -> None:
    """Refuse a ZIP archive that is unsafe to unpack; raise UnsafeFile, else return.

    Refused: not a ZIP or damaged, more than MAX_ENTRIES entries, more than MAX_TOTAL
    declared unpacked, an entry over MAX_RATIO:1, overlapping entries, names with '..',
    absolute or drive paths or backslashes, duplicate names, symbolic links, encrypted
    entries, compression other than stored or deflated, and archives nested inside. Only
    the end record and the central directory are read, plus at most 512 bytes of each
    entry to spot nested archives. ``name`` is what messages call the file (default: the
    path). An OSError opening a path is not caught.
    """
    with _checked_archive(path_or_file, name):
        pass


# -- XLSX ----------------------------------------------------------------------------


class _Doctype(Exception):
    """Raised from the expat handler when a document type declaration starts."""


class _RootStarted(Exception):
    """Raised from the expat handler when the root element starts: the prolog is over."""


def _looks_like_xml(head: bytes) -> bool:
    """Tell whether bytes could start an XML document in any encoding a parser accepts."""
    text = head.replace(b"\0", b"")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if text.startswith(bom):
            return True
    return text.lstrip(b" \t\r\n").startswith(b"<")


def _raise_doctype(*_args: object) -> None:
    raise _Doctype


def _raise_root(*_args: object) -> None:
    raise _RootStarted


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> None:
    """Refuse an XML entry whose prolog declares a DOCTYPE, reading only up to its root.

    Entity declarations can only live in a document type declaration, and that must come
    before the root element, so the rest of the document need not be read.
    """
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _raise_doctype
    parser.EntityDeclHandler = _raise_doctype
    parser.StartElementHandler = _raise_root
    fed = 0
    try:
        with zf.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
                fed += len(chunk)
                if fed > MAX_PROLOG:
                    raise UnsafeFile(
                        label, f"the entry {_entry(info.filename)} has no XML element in its "
                        f"first {_size(MAX_PROLOG)}"
                    )
    except _RootStarted:
        return
    except _Doctype:
        raise UnsafeFile(
            label, f"{_ENTITY_REASON} ({_entry(info.filename)} declares a document type)"
        ) from None
    except expat.ExpatError as exc:
        raise UnsafeFile(
            label, f"the entry {_entry(info.filename)} is not XML that can be checked "
            f"({exc})"
        ) from None
    except _DAMAGE as exc:
        raise UnsafeFile(label, f"the archive is damaged ({exc})") from None
    raise UnsafeFile(label, f"the entry {_entry(info.filename)} holds no XML element")


def _workbook_part(zf: zipfile.ZipFile, label: str) -> str:
    """Parse [Content_Types].xml with defusedxml and return the workbook part's name."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if _CONTENT_TYPES not in zf.NameToInfo:
        raise UnsafeFile(label, f"not an XLSX workbook (no {_CONTENT_TYPES})")
    try:
        with zf.open(_CONTENT_TYPES) as stream:
            data = stream.read(MAX_CONTENT_TYPES + 1)
    except _DAMAGE as exc:
        raise UnsafeFile(label, f"the archive is damaged ({exc})") from None
    if len(data) > MAX_CONTENT_TYPES:
        raise UnsafeFile(label, f"its {_CONTENT_TYPES} is larger than {_size(MAX_CONTENT_TYPES)}")
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UnsafeFile(label, f"{_ENTITY_REASON} (in {_CONTENT_TYPES})") from None
    except ParseError as exc:
        raise UnsafeFile(label, f"not an XLSX workbook ({_CONTENT_TYPES}: {exc})") from None
    if root.tag != f"{_CT_NS}Types":
        raise UnsafeFile(label, f"not an XLSX workbook ({_CONTENT_TYPES} lists no content types)")
    overrides = {
        el.get("ContentType"): el.get("PartName", "") for el in root.iter(f"{_CT_NS}Override")
    }
    defaults = {el.get("ContentType") for el in root.iter(f"{_CT_NS}Default")}
    part: str | None = next((overrides[ct] for ct in _WORKBOOK_TYPES if overrides.get(ct)), None)
    if part is None and defaults.intersection(_WORKBOOK_TYPES):
        part = "/xl/workbook.xml"
    if part is None:
        raise UnsafeFile(label, "not an XLSX workbook (it declares no workbook part)")
    part = part.lstrip("/")
    if part not in zf.NameToInfo:
        raise UnsafeFile(
            label, f"not an XLSX workbook (the workbook part {_entry(part)} is missing)"
        )
    return part


def check_xlsx(path_or_file: Source, name: str | None = None) -> None:
    """Refuse an XLSX workbook that is unsafe to open; raise UnsafeFile, else return.

    Everything check_zip refuses, plus: no [Content_Types].xml (parsed with defusedxml) or
    no workbook part (normally xl/workbook.xml), and any XML entry - by name (.xml, .rels,
    .vml) or by its first bytes - whose prolog declares a DOCTYPE or entities. XML entries
    are streamed only up to their root element (at most MAX_PROLOG bytes).
    """
    with _checked_archive(path_or_file, name) as (zf, label):
        _workbook_part(zf, label)
        for info in zf.infolist():
            if info.is_dir() or info.file_size == 0:
                continue  # zipfile reads no more than the declared size
            if not info.filename.lower().endswith(_XML_SUFFIXES):
                try:
                    head = _sniff(zf, info)
                except _DAMAGE as exc:
                    raise UnsafeFile(label, f"the archive is damaged ({exc})") from None
                if not _looks_like_xml(head):
                    continue
            _check_prolog(zf, info, label)


# -- start-up ------------------------------------------------------------------------

_BOMB = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "boom">]><x>&a;</x>'


def ensure_defused() -> None:
    """Verify at start-up that XML is read through defusedxml; raise RuntimeError if not.

    Checks that defusedxml imports, that openpyxl detected it (its DEFUSEDXML flag and the
    iterparse it reads worksheets with), then defuses the standard library's XML parsers
    with defusedxml.defuse_stdlib() and proves that entity declarations are refused.
    """
    try:
        import defusedxml
        import defusedxml.ElementTree
    except ImportError as exc:
        raise RuntimeError(
            "OrderDesk needs the defusedxml package to read spreadsheets safely; "
            "install defusedxml (pip install defusedxml)"
        ) from exc

    import openpyxl.xml
    import openpyxl.xml.functions

    if openpyxl.xml.DEFUSEDXML is not True:
        raise RuntimeError(
            "openpyxl is not using defusedxml (openpyxl.xml.DEFUSEDXML is False; "
            f"OPENPYXL_DEFUSEDXML={os.environ.get('OPENPYXL_DEFUSEDXML', '<unset>')!r}); "
            "unset OPENPYXL_DEFUSEDXML or set it to True"
        )
    reader = openpyxl.xml.functions.iterparse
    if not getattr(reader, "__module__", "").startswith("defusedxml"):
        raise RuntimeError(
            "openpyxl reads worksheets with a parser that is not defusedxml's "
            f"({getattr(reader, '__module__', '?')}.{getattr(reader, '__name__', '?')})"
        )

    def through_openpyxl(data: bytes) -> object:
        return list(reader(io.BytesIO(data)))

    def through_stdlib(data: bytes) -> object:
        from xml.etree import ElementTree

        return ElementTree.fromstring(data)

    parsers: list[Callable[[bytes], object]] = [through_openpyxl]
    defuse_stdlib = getattr(defusedxml, "defuse_stdlib", None)
    if defuse_stdlib is not None:
        # defuse_stdlib() imports defusedxml.cElementTree, which warns that it is deprecated.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            defuse_stdlib()
        parsers.append(through_stdlib)

    for parse in parsers:
        try:
            parse(_BOMB)
        except defusedxml.DefusedXmlException:
            continue
        raise RuntimeError(
            f"XML entity declarations are still accepted ({parse.__name__}) after defusing"
        )
