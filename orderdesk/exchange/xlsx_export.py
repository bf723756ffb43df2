"""XLSX export: Orders, Lines and Totals sheets, typed cells, streamed in write-only mode."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from orderdesk.core.bulk import LineRecord, OrderRecord
from orderdesk.core.money import ZERO
from orderdesk.exchange.columns import (
    Progress, atomic_output, format_taxes, money_format, neutralise,
)
from orderdesk.exchange.export import LINE_HEADER, ORDER_HEADER, Selection, iter_records

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
_ORDER_MONEY = ("ProductsTotal", "SurchargesTotal", "TaxTotal", "GrandTotal", "Paid", "Balance")
_LINE_MONEY = ("UnitPrice", "Subtotal", "TaxAmount", "Total")


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

    def date(self, value: Any, fmt: str) -> Cell | None:
        if value is None:
            return None
        c = Cell(self.ws, row=1, column=1, value=value)
        style = self.styles.get(fmt)
        if style is None:
            c.number_format = fmt
            self.styles[fmt] = c._style
        else:
            c._style = style
        return c


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


def _order_row(ws: Any, st: _Styled, o: OrderRecord) -> list[Any]:
    t = lambda s: text_cell(ws, s)  # noqa: E731
    money = money_format(o.currency)
    return [
        o.id, t(o.number), t(o.reference), t(o.customer_reference), t(o.customer_code),
        t(o.customer_name), st.date(o.order_date, DATE_FORMAT),
        st.date(o.delivery_date, DATE_FORMAT), t(o.site), o.currency, o.stage, t(o.status),
        t(o.notes), o.active, o.line_count, st.cell(excel_number(o.total_quantity), QUANTITY_FORMAT),
        *(st.cell(excel_number(v), money) for v in (
            o.products_total, o.surcharges_total, o.tax_total, o.grand_total, o.paid, o.balance)),
        st.date(excel_time(o.created_at), TIME_FORMAT),
        st.date(excel_time(o.updated_at), TIME_FORMAT),
    ]


def _line_row(ws: Any, st: _Styled, ln: LineRecord) -> list[Any]:
    t = lambda s: text_cell(ws, s)  # noqa: E731
    money = money_format(ln.currency)
    return [
        ln.id, ln.order_id, t(ln.order_reference), ln.position, t(ln.item_code),
        t(ln.description), st.cell(excel_number(ln.quantity), QUANTITY_FORMAT), t(ln.unit),
        st.cell(excel_number(ln.unit_price), money), excel_number(ln.discount),
        t(format_taxes(ln.taxes)), ln.active,
        st.cell(excel_number(ln.subtotal), money), st.cell(excel_number(ln.tax_amount), money),
        st.cell(excel_number(ln.total), money),
    ]


def export_xlsx(desk: Desk, selection: Selection, out_path: str | os.PathLike[str],
                progress: Progress | None = None) -> tuple[int, int]:
    """Orders, Lines and Totals sheets; returns (orders, lines)."""
    wb = Workbook(write_only=True)
    ws_o = _sheet(wb, "Orders", ORDER_HEADER, _ORDER_WIDTHS)
    ws_l = _sheet(wb, "Lines", LINE_HEADER, _LINE_WIDTHS)
    ws_t = _sheet(wb, "Totals", TOTALS_HEADER, (10,) + (14,) * 9)
    st_o, st_l, st_t = _Styled(ws_o), _Styled(ws_l), _Styled(ws_t)
    counts = [0, 0]
    try:
        with desk.store.reading(), atomic_output(out_path) as tmp:
            _fill(desk, selection, progress, (ws_o, ws_l, ws_t), (st_o, st_l, st_t), counts)
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


def _fill(desk: Desk, selection: Selection, progress: Progress | None, sheets: tuple[Any, ...],
          styled: tuple[_Styled, ...], counts: list[int]) -> None:
    ws_o, ws_l, ws_t = sheets
    st_o, st_l, st_t = styled
    sums: dict[str, list[Any]] = {}
    n_orders = n_lines = 0
    for orders, lines in iter_records(desk, selection, progress):
        for o in orders:
            ws_o.append(_order_row(ws_o, st_o, o))
            s = sums.setdefault(o.currency, [0, 0] + [ZERO] * 7)
            s[0] += 1
            s[1] += o.line_count
            for i, v in enumerate((o.total_quantity, o.products_total, o.surcharges_total,
                                   o.tax_total, o.grand_total, o.paid, o.balance), 2):
                s[i] += v
        for ln in lines:
            ws_l.append(_line_row(ws_l, st_l, ln))
        n_orders += len(orders)
        n_lines += len(lines)
    for cur in sorted(sums):
        s = sums[cur]
        money = money_format(cur)
        ws_t.append([cur, s[0], s[1], st_t.cell(excel_number(s[2]), QUANTITY_FORMAT),
                     *(st_t.cell(excel_number(v), money) for v in s[3:])])
    for ws, header, rows in ((ws_o, ORDER_HEADER, n_orders), (ws_l, LINE_HEADER, n_lines),
                             (ws_t, TOTALS_HEADER, len(sums))):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
    counts[:] = [n_orders, n_lines]


__all__ = ["export_xlsx", "excel_number", "excel_time", "text_cell", "TOTALS_HEADER"]
