"""Reading import files: CSV (any common dialect) or XLSX, each table recognised by its header."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from orderdesk.exchange.columns import (
    LINE_COLUMNS, LINE_COMPUTED, MAX_FILE_BYTES, ORDER_COLUMNS, ORDER_COMPUTED, ExchangeError,
)

ORDERS, LINES = "orders", "lines"
_KNOWN = {
    ORDERS: {c.lower(): c for c in ORDER_COLUMNS + ORDER_COMPUTED},
    LINES: {c.lower(): c for c in LINE_COLUMNS + LINE_COMPUTED},
}
_REQUIRED = {ORDERS: ("CustomerCode", "OrderDate"), LINES: ("ItemCode", "Quantity")}
# Magic numbers of files people drop by mistake: refused with a clear message, not parsed.
_BINARY = ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
           (b"GIF8", "a GIF image"), (b"\xd0\xcf\x11\xe0", "an old Office (XLS/DOC) file"),
           (b"\x1f\x8b", "a gzip archive"), (b"SQLite format 3", "an SQLite database"),
           (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an import: where (file, row, column) and why."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


class FileRefused(ExchangeError):
    """A whole file that cannot be imported (too large, binary, unsafe, unreadable)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Table:
    """One recognised table: its canonical column names by position and its data rows."""

    source: str
    kind: str
    columns: list[str | None]  # None: a column that is not read
    rows: Iterator[tuple[int, list[Any]]] = field(repr=False)
    closer: Callable[[], None] | None = field(default=None, repr=False)

    def close(self) -> None:
        """Releases the open file (call when done, also after an error)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        if self.closer is not None:
            self.closer()


def _refuse(source: str, reason: str, row: int = 0, column: str = "") -> FileRefused:
    return FileRefused(Problem(source, row, column, reason))


def check_size(path: Path, source: str) -> None:
    size = path.stat().st_size
    if size >= MAX_FILE_BYTES:
        raise _refuse(source, f"the file is {size / 1e6:.1f} MB; import files must be smaller "
                              f"than {MAX_FILE_BYTES / 1e6:.0f} MB (split it into several "
                              "imports)")


def recognise(source: str, header: list[Any], *, strict: bool = True
              ) -> tuple[str | None, list[str | None], list[Problem]]:
    """The table kind of a header row and its canonical columns, or the problems found."""
    names = ["" if h is None else str(h).strip() for h in header]
    while names and not names[-1]:
        names.pop()
    lowered = {n.lower() for n in names}
    kind = None
    if "customercode" in lowered:
        kind = ORDERS
    elif "itemcode" in lowered and "quantity" in lowered:
        kind = LINES
    if kind is None:
        if not strict:
            return None, [], []
        return None, [], [Problem(source, 1, "", "not an orders or lines table: the header needs "
                                  "CustomerCode (orders) or ItemCode and Quantity (lines); found "
                                  + (", ".join(repr(n) for n in names[:12]) or "nothing"))]
    known = _KNOWN[kind]
    problems: list[Problem] = []
    columns: list[str | None] = []
    seen: set[str] = set()
    for n in names:
        canon = known.get(n.lower())
        if canon is None:
            columns.append(None)
            problems.append(Problem(source, 1, n or "(blank)", f"unknown column {n!r} in an "
                                    f"{kind} file (known: {', '.join(known.values())})"))
            continue
        if canon in seen:
            problems.append(Problem(source, 1, canon, f"column {canon} appears twice"))
        seen.add(canon)
        columns.append(canon)
    for need in _REQUIRED[kind]:
        if need not in seen:
            problems.append(Problem(source, 1, need, f"required column {need} is missing"))
    if kind == LINES and not seen & {"OrderId", "OrderReference"}:
        problems.append(Problem(source, 1, "OrderId", "a lines file needs an OrderId or an "
                                "OrderReference column to link each line to its order"))
    return kind, columns, problems


def _sniff_head(path: Path, source: str) -> bytes:
    with open(path, "rb") as f:
        head = f.read(65536)
    for magic, what in _BINARY:
        if head.startswith(magic):
            raise _refuse(source, f"this is {what}, not a CSV or XLSX file")
    return head


def _delimiter(first_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of outside quotes."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ","


def _csv_rows(path: Path, source: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    row = 1
    with open(path, encoding="utf-8-sig", newline="", errors="strict") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            next(reader)
            for row, values in enumerate(reader, 2):
                if any(values):
                    yield row, values
        except UnicodeDecodeError as e:
            raise _refuse(source, f"the file is not UTF-8 text (bad byte 0x{e.object[e.start]:02x} "
                          f"after row {row}); save it as 'CSV UTF-8'", row + 1) from None
        except csv.Error as e:
            raise _refuse(source, f"the file is not readable CSV ({e})", row + 1) from None


def read_csv(path: Path, source: str, head: bytes) -> Table | list[Problem]:
    if b"\0" in head:
        raise _refuse(source, "the file holds binary data (NUL bytes), not CSV text")
    text = head.decode("utf-8", errors="ignore") if head else ""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if len(head) < 65536 or e.start < len(head) - 4:  # not a character cut by the sample
            raise _refuse(source, f"the file is not UTF-8 text (bad byte 0x{head[e.start]:02x} "
                          f"at offset {e.start}); save it as 'CSV UTF-8'", 1) from None
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        raise _refuse(source, "the file is empty or its first line (the header) is blank", 1)
    delimiter = _delimiter(first)
    with open(path, encoding="utf-8-sig", newline="", errors="replace") as f:
        header = next(csv.reader(f, delimiter=delimiter), [])
    kind, columns, problems = recognise(source, header)
    if problems or kind is None:
        return problems
    return Table(source, kind, columns, _csv_rows(path, source, delimiter))


_defused = False


def read_xlsx(path: Path, source: str) -> list[Table] | list[Problem]:
    """Every sheet whose header is an orders or lines header; other sheets (Totals) skipped."""
    global _defused
    from orderdesk.exchange import safety

    try:
        safety.check_xlsx(path, source)
    except safety.UnsafeFile as e:
        raise _refuse(source, f"refused: {e.reason}") from None
    if not _defused:
        safety.ensure_defused()
        _defused = True
    import openpyxl

    # Our own handle, so a workbook openpyxl fails on half-way is still closed at once.
    fh = open(path, "rb")
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for damaged workbooks
        fh.close()
        raise _refuse(source, f"the workbook cannot be read ({type(e).__name__}: {e})") from None

    def close() -> None:
        wb.close()
        fh.close()

    tables: list[Table] = []
    problems: list[Problem] = []
    for ws in wb.worksheets:
        label = f"{source}[{ws.title}]"
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            continue
        kind, columns, found = recognise(label, list(header), strict=False)
        problems += found
        if kind is not None and not found:
            tables.append(Table(label, kind, columns, _xlsx_rows(rows), close))
    if problems or not tables:
        close()
    if problems:
        return problems
    if not tables:
        return [Problem(source, 1, "", "no sheet has an orders header (with CustomerCode) or "
                        "a lines header (with ItemCode and Quantity)")]
    return tables


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[Any]]]:
    for n, values in enumerate(rows, 2):
        if any(v is not None and v != "" for v in values):
            yield n, list(values)


def open_tables(paths: list[str | os.PathLike[str]]) -> tuple[list[Table], list[Problem]]:
    """The tables of the given files, or the problems that stop them being read.

    A whole-file refusal (size, binary, unsafe archive) is returned as a problem too.
    """
    tables: list[Table] = []
    problems: list[Problem] = []
    for p in paths:
        path = Path(p)
        source = path.name
        try:
            if not path.is_file():
                raise _refuse(source, "no such file")
            check_size(path, source)
            head = _sniff_head(path, source)
            if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
                got: Any = read_xlsx(path, source)
            else:
                got = read_csv(path, source, head)
                got = [got] if isinstance(got, Table) else got
        except FileRefused as e:
            problems.append(e.problem)
            continue
        for item in got:
            (tables if isinstance(item, Table) else problems).append(item)
    return tables, problems
