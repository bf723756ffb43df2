"""Exports read back with the csv module and openpyxl, cell by cell."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from orderdesk.core import Desk, OrderQuery
from orderdesk.exchange import Cancelled, export_csv, export_xlsx, export_zip
from orderdesk.exchange.columns import LINE_COLUMNS, ORDER_COLUMNS, neutralise
from orderdesk.exchange.export import LINE_HEADER, ORDER_HEADER
from tests.exchange.conftest import read_csv


def _orders(desk: Desk) -> list:
    return [desk.orders.get(u) for u in desk.listing.uuids(OrderQuery(stages=(), sort="number",
                                                                      descending=False))]


def test_csv_cells_match_the_orders(filled: Desk, tmp_path: Path) -> None:
    out = tmp_path / "orders.csv"
    assert export_csv(filled, OrderQuery(stages=(), sort="number", descending=False), out) == 3
    rows = read_csv(out)
    assert tuple(rows[0]) == ORDER_HEADER
    for row, o in zip(rows[1:], _orders(filled), strict=True):
        cell = dict(zip(rows[0], row))
        assert cell["OrderId"] == o.id and cell["OrderNumber"] == o.number
        assert cell["OrderReference"] == o.reference
        assert cell["CustomerReference"] == neutralise(o.customer_reference)
        assert cell["CustomerName"] == o.customer_name
        assert cell["OrderDate"] == o.order_date.isoformat()
        assert cell["DeliveryDate"] == o.delivery_date.isoformat()
        assert cell["Notes"] == neutralise(o.notes) and cell["Site"] == neutralise(o.site)
        assert (cell["Stage"], cell["Status"], cell["Active"]) == ("draft", "pending", "true")
        assert Decimal(cell["GrandTotal"]) == o.totals.grand_total
        assert Decimal(cell["TaxTotal"]) == o.totals.tax_total
        assert Decimal(cell["TotalQuantity"]) == o.totals.total_quantity
        assert int(cell["LineCount"]) == len(o.lines)
        assert cell["CreatedAt"].endswith("Z") and "T" in cell["CreatedAt"]
    assert not list(tmp_path.glob(".*part"))


def test_formula_text_is_neutralised_and_negative_numbers_stay_numbers(
        filled: Desk, tmp_path: Path) -> None:
    export_zip(filled, None, tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        assert sorted(zf.namelist()) == ["order-line-items.csv", "orders.csv"]
        lines = read_csv(zf.read("order-line-items.csv"))
    assert tuple(lines[0]) == LINE_HEADER
    texts = [r[5] for r in lines[1:]]
    assert "'=SUM(A1:A9)" in texts and "'-minus first" in texts and "''=already quoted" not in texts
    assert "two\nlines" in texts and 'Quote " inside, comma' in texts
    for row in lines[1:]:
        for value in row:
            assert value[:1] not in ("=", "+", "@", "\t", "\r") or value == ""
    prices = [r[8] for r in lines[1:]]
    assert "-2.25" in prices  # a real negative number is written as a number


def test_zip_lines_follow_their_orders(filled: Desk, tmp_path: Path) -> None:
    assert export_zip(filled, None, tmp_path / "x.zip") == (3, 9)
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        lines = read_csv(zf.read("order-line-items.csv"))
    by_id = {o.id: o for o in _orders(filled)}
    for row in lines[1:]:
        cell = dict(zip(lines[0], row))
        line = next(ln for ln in by_id[cell["OrderId"]].lines if ln.id == cell["LineId"])
        assert cell["OrderReference"] == by_id[cell["OrderId"]].reference
        assert int(cell["Position"]) == line.position
        assert Decimal(cell["Quantity"]) == line.quantity
        assert Decimal(cell["UnitPrice"]) == line.unit_price
        assert Decimal(cell["DiscountPercent"]) == line.discount
        assert cell["Taxes"] == "; ".join(f"{t.name} {t.rate.normalize():f}%" for t in line.taxes)
        assert (Decimal(cell["Subtotal"]), Decimal(cell["TaxAmount"]), Decimal(cell["Total"])) == \
            (line.subtotal, line.tax_amount, line.total)


def test_xlsx_is_typed_formatted_and_holds_no_formula(filled: Desk, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert export_xlsx(filled, None, out) == (3, 9)
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Orders", "Lines", "Totals"]
    ws = wb["Orders"]
    assert [c.value for c in ws[1]] == list(ORDER_HEADER)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:X4"
    assert ws.column_dimensions["A"].width > 30
    orders = {o.id: o for o in _orders(filled)}
    col = {name: i for i, name in enumerate(ORDER_HEADER)}
    for row in ws.iter_rows(min_row=2):
        o = orders[row[0].value]
        assert row[col["OrderDate"]].value == datetime.combine(o.order_date, datetime.min.time())
        assert row[col["OrderDate"]].is_date and row[col["OrderDate"]].number_format == "yyyy-mm-dd"
        total = row[col["GrandTotal"]]
        assert total.data_type == "n" and Decimal(repr(total.value)) == o.totals.grand_total
        assert total.number_format == "#,##0.00"
        assert row[col["Notes"]].data_type == "s"
        assert row[col["Notes"]].value == neutralise(o.notes)
        assert row[col["Active"]].value is True
    lines = wb["Lines"]
    lcol = {name: i for i, name in enumerate(LINE_HEADER)}
    values = list(lines.iter_rows(min_row=2))
    assert len(values) == 9
    prices = [r[lcol["UnitPrice"]] for r in values]
    assert any(c.value == -2.25 and c.data_type == "n" for c in prices)
    texts = {r[lcol["Description"]].value for r in values}
    assert "'=SUM(A1:A9)" in texts and "'-minus first" in texts
    sites = [r[col["Site"]] for r in ws.iter_rows(min_row=2)]
    na = next(c for c in sites if c.value == "#N/A")
    assert na.data_type == "s"  # text, not an error cell
    totals = wb["Totals"]
    assert [c.value for c in totals[2]][:3] == ["EUR", 3, 9]
    grand = sum(o.totals.grand_total for o in orders.values())
    assert Decimal(repr(totals[2][7].value)) == grand


def test_selection_and_filter(filled: Desk, tmp_path: Path) -> None:
    first = _orders(filled)[0]
    export_csv(filled, [first.id], tmp_path / "one.csv")
    rows = read_csv(tmp_path / "one.csv")
    assert [r[0] for r in rows[1:]] == [first.id]
    export_csv(filled, OrderQuery(text="Zákazník", stages=()), tmp_path / "q.csv")
    assert [r[2] for r in read_csv(tmp_path / "q.csv")[1:]] == ["REF-1"]


@pytest.mark.parametrize("run", [export_csv, export_zip, export_xlsx])
def test_cancel_leaves_no_file(filled: Desk, tmp_path: Path, run: object) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "out.file"
    out.write_bytes(b"previous export")
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done == 0  # cancel after the first page

    with pytest.raises(Cancelled):
        run(filled, None, out, progress)  # type: ignore[operator]
    assert out.read_bytes() == b"previous export"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.file"]
    assert calls[0] == (0, 3)


def test_headers_are_the_documented_columns() -> None:
    assert ORDER_HEADER[:len(ORDER_COLUMNS)] == ORDER_COLUMNS
    assert LINE_HEADER[:len(LINE_COLUMNS)] == LINE_COLUMNS
    assert date  # imported for readers of this module
