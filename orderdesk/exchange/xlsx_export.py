"""XLSX export: Orders, Lines and Totals sheets, typed cells, streamed in write-only mode."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from orderdesk.exchange.columns import Progress, atomic_output, money_format, neutralise
from orderdesk.exchange.export import LINE_HEADER, ORDER_HEADER, Selection
from orderdesk.exchange.raw_cells import day, fixed_number, iter_rows, taxes_text, ts_cell

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk

TOTALS_HEADER = ("Currency", "Orders", "Lines", "TotalQuantity", "ProductsTotal",
                 "SurchargesTotal", "TaxTotal", "GrandTotal", "Paid", "Balance")
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
QUANTITY_FORMAT = "#,##0.####"

# Characters the XLSX format cannot hold at all (control characters except tab, CR, LF).
REPLACEMENT = "\ufffd"

_ORDER_WIDTHS = (38, 12, 16, 16, 12, 28, 11, 11, 14, 9, 9, 10, 30, 7, 9, 13, 14, 15, 12, 13,
                 12, 12, 19, 19)
_LINE_WIDTHS = (38, 38, 16, 8, 16, 40, 10, 7, 11, 15, 18, 7, 12, 11, 12)


def excel_number(d: Decimal) -> int | float:
    """Whole numbers as int, others as float: exact, since stored values have ≤ 15 digits."""
    i = int(d)
    return i if i == d else float(d)


def excel_time(value: datetime | None) -> datetime | None:
    # Excel has no time zones: UTC, written without one.
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value else None


class _Styled:
    """Cells sharing one precomputed style per number format (cheap in write-only mode)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.styles: dict[str, Any] = {}

    def cell(self, value: Any, fmt: str) -> Cell:
        c = Cell(self.ws, row=1, column=1)
        c._value = value
        c.data_type = "n"
        style = self.styles.get(fmt)
        if style is None:
            c.number_format = fmt
            self.styles[fmt] = style = c._style
        else:
            c._style = style
        return c


class _ColumnCell(Cell):
    """One reusable styled cell per number or date column of a sheet.

    A write-only sheet writes each appended row at once, so the same object can carry
    the column's next value; its style id is looked up once, not hashed for every cell.
    """

    __slots__ = ("style_id",)

    def __repr__(self) -> str:  # openpyxl formats it into a message for every styled cell
        return "<column cell>"


def _column_cells(ws: Any, formats: dict[int, tuple[str, str]]) -> dict[int, _ColumnCell]:
    """A styled cell for each 0-based column: {column: (number format, data type)}."""
    out = {}
    for col, (fmt, data_type) in formats.items():
        c = _ColumnCell(ws, row=1, column=col + 1)
        c.number_format = fmt
        c.style_id = Cell.style_id.fget(c)  # type: ignore[attr-defined]
        c.data_type = data_type
        out[col] = c
    return out


def _take_column_cells(ws: Any) -> None:
    """Lets the sheet's rows hand over column cells without a failed assignment each.

    openpyxl 3.1's write-only sheet tries every appended item as a value and takes a
    Cell only from the ValueError that raises; with 11 styled cells per order and line that
    is 3 million exceptions in a 500,000-line export. This generator is openpyxl's own
    `_values_to_row` with column cells passed straight through; anything else is treated
    exactly as openpyxl treats it. (Should a later openpyxl stop calling it, rows still go
    through openpyxl's path: slower, the same file.)
    """
    if not callable(getattr(ws, "_values_to_row", None)):
        return

    def values_to_row(values: Any, row_idx: int) -> Iterator[Any]:
        cell = WriteOnlyCell(ws)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if value.__class__ is _ColumnCell:
                value.column = col_idx
                value.row = row_idx
                yield value
                continue
            try:
                cell.value = value
            except ValueError:
                if not isinstance(value, Cell):
                    raise
                cell = value
            cell.column = col_idx
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell
            if cell.has_style or cell.hyperlink:
                cell = WriteOnlyCell(ws)

    ws._values_to_row = values_to_row


def _fill_cells(cells: dict[int, _ColumnCell], values: list[Any]) -> list[Any]:
    for col, c in cells.items():
        v = values[col]
        if v is None:
            continue
        c._value = v
        values[col] = c
    return values


def text_cell(ws: Any, value: str) -> Any:
    """A cell that is text, never a formula or an error code; unstorable characters replaced."""
    value = neutralise(value)
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if value in ERROR_CODES or value.startswith("="):
        c = Cell(ws, row=1, column=1)
        c._value, c.data_type = value, "s"
        return c
    return value or None


def _sheet(wb: Workbook, title: str, header: tuple[str, ...], widths: tuple[int, ...]) -> Any:
    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in header:
        c = Cell(ws, row=1, column=1, value=name)
        c.font = bold
        cells.append(c)
    ws.append(cells)
    return ws


_ORDER_FORMATS = {6: DATE_FORMAT, 7: DATE_FORMAT, 15: QUANTITY_FORMAT, 22: TIME_FORMAT,
                  23: TIME_FORMAT}
_LINE_FORMATS = {6: QUANTITY_FORMAT}
_ORDER_MONEY_COLS = range(16, 22)
_LINE_MONEY_COLS = (8, 12, 13, 14)


class _Sheets:
    """The three sheets and, per currency, their reusable styled cells."""

    def __init__(self, wb: Workbook) -> None:
        self.orders = _sheet(wb, "Orders", ORDER_HEADER, _ORDER_WIDTHS)
        self.lines = _sheet(wb, "Lines", LINE_HEADER, _LINE_WIDTHS)
        _take_column_cells(self.orders)
        _take_column_cells(self.lines)
        self.totals = _sheet(wb, "Totals", TOTALS_HEADER, (10,) + (14,) * 9)
        self.st_totals = _Styled(self.totals)
        self._cells: dict[tuple[str, str], dict[int, _ColumnCell]] = {}

    def cells(self, sheet: str, currency: str) -> dict[int, _ColumnCell]:
        got = self._cells.get((sheet, currency))
        if got is None:
            money = money_format(currency)
            if sheet == "orders":
                ws, fixed, money_cols = self.orders, _ORDER_FORMATS, _ORDER_MONEY_COLS
            else:
                ws, fixed, money_cols = self.lines, _LINE_FORMATS, _LINE_MONEY_COLS
            formats = {c: (f, "d" if f in (DATE_FORMAT, TIME_FORMAT) else "n")
                       for c, f in fixed.items()}
            formats.update({c: (money, "n") for c in money_cols})
            got = self._cells[(sheet, currency)] = _column_cells(ws, dict(sorted(formats.items())))
        return got


def _order_values(ws: Any, r: tuple[Any, ...]) -> list[Any]:
    """An Orders row from a `bulk.EXPORT_ORDER_COLS` row (styled cells filled in later)."""
    t = lambda s: text_cell(ws, s or "")  # noqa: E731
    n = fixed_number
    return [
        r[1], t(r[2]), t(r[3]), t(r[4]), t(r[5]), t(r[6]), day(r[7]), day(r[8]), t(r[9]),
        r[10], r[11], t(r[12]), t(r[13]), bool(r[14]), int(r[15]), n(r[16]), n(r[17]),
        n(r[18]), n(r[19]), n(r[20]), n(r[21]), n(r[22]), ts_cell(r[23]), ts_cell(r[24]),
    ]


def _line_values(ws: Any, r: tuple[Any, ...], taxes: dict[int, list[tuple[str, int]]]
                 ) -> list[Any]:
    t = lambda s: text_cell(ws, s or "")  # noqa: E731
    n = fixed_number
    return [
        r[1], r[2], t(r[3]), int(r[5]), t(r[6]), t(r[7]), n(r[8]), t(r[9]), n(r[10]), n(r[11]),
        t(taxes_text(taxes.get(r[0]))), bool(r[12]), n(r[13]), n(r[14]), n(r[15]),
    ]


def export_xlsx(desk: Desk, selection: Selection, out_path: str | os.PathLike[str],
                progress: Progress | None = None) -> tuple[int, int]:
    """Orders, Lines and Totals sheets; returns (orders, lines)."""
    wb = Workbook(write_only=True)
    sheets = _Sheets(wb)
    counts = [0, 0]
    try:
        with desk.store.reading(), atomic_output(out_path) as tmp:
            _fill(desk, selection, progress, sheets, counts)
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise
    return counts[0], counts[1]


def _discard(wb: Workbook) -> None:
    """Closes the sheets' streaming writers and deletes their temporary files."""
    for ws in wb.worksheets:
        try:
            if not ws.closed:
                ws.close()
        except Exception:  # a half-written sheet: only its file matters now
            pass
        out = getattr(ws._writer, "out", None)
        if isinstance(out, str) and os.path.exists(out):
            os.remove(out)


def _fill(desk: Desk, selection: Selection, progress: Progress | None, sheets: _Sheets,
          counts: list[int]) -> None:
    ws_o, ws_l, ws_t = sheets.orders, sheets.lines, sheets.totals
    sums: dict[str, list[int]] = {}  # per currency: orders, lines, then fixed-point sums
    n_orders = n_lines = 0
    for orders, lines, taxes in iter_rows(desk, selection, progress):
        for r in orders:
            ws_o.append(_fill_cells(sheets.cells("orders", r[10]), _order_values(ws_o, r)))
            s = sums.get(r[10])
            if s is None:
                s = sums[r[10]] = [0] * 9
            s[0] += 1
            s[1] += r[15]
            for i in range(2, 9):
                s[i] += r[i + 14] or 0
        for r in lines:
            ws_l.append(_fill_cells(sheets.cells("lines", r[4]), _line_values(ws_l, r, taxes)))
        n_orders += len(orders)
        n_lines += len(lines)
    st_t = sheets.st_totals
    for cur in sorted(sums):
        s = sums[cur]
        money = money_format(cur)
        ws_t.append([cur, s[0], s[1], st_t.cell(fixed_number(s[2]), QUANTITY_FORMAT),
                     *(st_t.cell(fixed_number(v), money) for v in s[3:])])
    for ws, header, rows in ((ws_o, ORDER_HEADER, n_orders), (ws_l, LINE_HEADER, n_lines),
                             (ws_t, TOTALS_HEADER, len(sums))):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
    counts[:] = [n_orders, n_lines]


__all__ = ["export_xlsx", "excel_number", "excel_time", "text_cell", "TOTALS_HEADER"]
