"""Export from the window: each format through its File menu action, scopes, selection, cancel."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel as SM

from orderdesk.core import Desk, Order
from orderdesk.ui.actions import A
from orderdesk.ui.exchange import ExportDialog
from orderdesk.ui.mainwindow import MainWindow
from tests.ui.conftest import Answers, make_orders

from .conftest import Given, awkward_order, cancel_when, export_with


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel recognises UTF-8 by the BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def select_rows(w: MainWindow, rows: list[int]) -> list[str]:
    sm = w.table.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(w.model.index(r, 0), SM.SelectionFlag.Select | SM.SelectionFlag.Rows)
    return [w.model.uuid(r) for r in rows]  # type: ignore[misc]


def check_order_row(row: dict[str, str], doc: Order) -> None:
    """One exported orders row against the core's own document."""
    assert row["OrderNumber"] == doc.number
    assert row["CustomerCode"] == doc.customer_code
    assert row["OrderDate"] == doc.order_date.isoformat()
    assert Decimal(row["GrandTotal"]) == doc.totals.grand_total
    assert int(row["LineCount"]) == len([ln for ln in doc.lines if ln.active])


@pytest.fixture
def filled(window: MainWindow, ui_desk: Desk) -> list[str]:
    ids = make_orders(ui_desk, 6) + [awkward_order(ui_desk)]
    window.refresh()
    return ids


def test_orders_to_csv_exports_the_whole_company(window: MainWindow, ui_desk: Desk,
                                                 answers: Answers, given: Given,
                                                 filled: list[str], out_dir: Path) -> None:
    ui_desk.lifecycle.send(filled[0])  # a sent order is outside no scope of "company"
    answers.on_dialog = export_with(scope="company")
    given.save = str(out_dir / "everything")  # no suffix typed: .csv is added
    window.actions_[A.EXPORT_CSV].trigger()
    out = out_dir / "everything.csv"
    rows = read_csv(out.read_bytes())
    assert {r["OrderId"] for r in rows} == set(filled)
    for r in rows:
        check_order_row(r, ui_desk.orders.get(r["OrderId"]))
    odd = next(r for r in rows if r["OrderId"] == filled[-1])
    # Formula-looking text is neutralised, real text survives untouched.
    assert (odd["OrderReference"], odd["Notes"]) == ("'=SUM(A1:A9)", "'-minus first")
    assert (odd["CustomerReference"], odd["Site"]) == ("two\nlines", "Ελληνικά · 中文")
    assert answers.infos == [f"7 orders written to\n{out}"]
    assert not answers.errors
    assert list(out_dir.glob("*.part")) == []


def test_zip_of_the_current_filter_holds_only_the_listed_orders(
        qtbot: Any, window: MainWindow, ui_desk: Desk, answers: Answers, given: Given,
        filled: list[str], out_dir: Path) -> None:
    window.search.setText("quote")  # the awkward order's customer name
    window.apply_filters()
    assert window.model.rowCount() == 1
    seen: list[ExportDialog] = []
    answers.on_dialog = export_with(seen=seen)  # the filter is the default scope
    given.save = str(out_dir / "listed.zip")
    window.actions_[A.EXPORT_ZIP].trigger()
    assert seen[0].choice() == ("zip", "filter")
    assert "— 1 order" in seen[0].scopes.checkedButton().text()
    with zipfile.ZipFile(out_dir / "listed.zip") as zf:
        assert sorted(zf.namelist()) == ["order-line-items.csv", "orders.csv"]
        orders = read_csv(zf.read("orders.csv"))
        lines = read_csv(zf.read("order-line-items.csv"))
    doc = ui_desk.orders.get(filled[-1])
    assert [r["OrderId"] for r in orders] == [doc.id]
    check_order_row(orders[0], doc)
    assert [r["LineId"] for r in lines] == [ln.id for ln in doc.lines]
    for r, ln in zip(lines, doc.lines):
        assert (Decimal(r["Quantity"]), Decimal(r["UnitPrice"]), Decimal(r["DiscountPercent"])) \
            == (ln.quantity, ln.unit_price, ln.discount)
        assert r["OrderId"] == doc.id
    assert [r["Description"] for r in lines] == ["'@at", "'+plus", "plain"]
    assert [r["Taxes"] for r in lines] == ["VAT 21%", "VAT 21%; Eco 0.5%", "VAT 21%; Eco 0.5%"]
    assert answers.infos == [f"1 order and 3 lines written to\n{out_dir / 'listed.zip'}"]


def test_xlsx_has_typed_cells_that_match_the_core(window: MainWindow, ui_desk: Desk,
                                                  answers: Answers, given: Given,
                                                  filled: list[str], out_dir: Path) -> None:
    answers.on_dialog = export_with(scope="company")
    given.save = str(out_dir / "book.xlsx")
    window.actions_[A.EXPORT_XLSX].trigger()
    wb = openpyxl.load_workbook(out_dir / "book.xlsx")
    assert wb.sheetnames == ["Orders", "Lines", "Totals"]
    ws = wb["Orders"]
    header = [c.value for c in ws[1]]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    rows = [dict(zip(header, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
    assert {r["OrderId"] for r in rows} == set(filled)
    for r in rows:
        doc = ui_desk.orders.get(r["OrderId"])
        assert isinstance(r["OrderDate"], datetime)  # a real date cell, not text
        assert r["OrderDate"].date() == doc.order_date
        assert isinstance(r["GrandTotal"], (int, float))
        assert Decimal(str(r["GrandTotal"])) == doc.totals.grand_total
    lines = list(wb["Lines"].iter_rows(min_row=2, values_only=True))
    assert len(lines) == sum(len(ui_desk.orders.get(i).lines) for i in filled)
    assert answers.infos == [f"7 orders and {len(lines)} lines written to\n{out_dir / 'book.xlsx'}"]
    assert date.today().isoformat() in given.asked[0]  # the suggested name carries the date


def test_export_selection_exports_exactly_the_selected_orders(
        window: MainWindow, ui_desk: Desk, answers: Answers, given: Given, filled: list[str],
        out_dir: Path) -> None:
    act = window.actions_[A.EXPORT_SELECTION]
    window.table.selectionModel().clearSelection()
    assert not act.isEnabled()
    chosen = select_rows(window, [1, 4, 5])
    assert act.isEnabled()
    seen: list[ExportDialog] = []
    answers.on_dialog = export_with(fmt="csv", seen=seen)  # the format is asked
    given.save = str(out_dir / "picked.csv")
    act.trigger()
    assert seen[0].choice() == ("csv", "selection")
    assert "3 orders" in seen[0].scopes.checkedButton().text()
    rows = read_csv((out_dir / "picked.csv").read_bytes())
    assert [r["OrderId"] for r in rows] == chosen  # the selection, in list order
    # Select all: the selection is the whole filtered list, exported through its query.
    window.table.selectAll()
    answers.on_dialog = export_with(fmt="csv")
    act.trigger()
    rows = read_csv((out_dir / "picked.csv").read_bytes())
    assert sorted(r["OrderId"] for r in rows) == sorted(
        ui_desk.listing.uuids(window.model.query))


def test_the_dialog_refuses_a_selection_scope_without_a_selection(
        window: MainWindow, answers: Answers, given: Given, filled: list[str]) -> None:
    window.table.selectionModel().clearSelection()
    seen: list[ExportDialog] = []
    answers.on_dialog = lambda d: seen.append(d) or False  # Cancel
    given.save = "/nonexistent/never-asked.csv"
    window.actions_[A.EXPORT_CSV].trigger()
    dlg = seen[0]
    assert not dlg.findChild(type(dlg.scopes.buttons()[2]), "scope_selection").isEnabled()
    assert dlg.choice() == ("csv", "filter")
    assert given.asked == []  # cancelled before the file dialog


@pytest.mark.parametrize("fmt", ["csv", "zip", "xlsx"])
def test_cancel_during_export_leaves_no_file(window: MainWindow, ui_desk: Desk,
                                             answers: Answers, given: Given, out_dir: Path,
                                             fmt: str) -> None:
    make_orders(ui_desk, 1100)  # three pages of 500: cancelled after the first is written
    window.refresh()
    runs = cancel_when(window, lambda done, total: done > 0)
    answers.on_dialog = export_with(scope="company")
    given.save = str(out_dir / f"big.{fmt}")
    window.actions_[{"csv": A.EXPORT_CSV, "zip": A.EXPORT_ZIP, "xlsx": A.EXPORT_XLSX}[fmt]].trigger()
    assert runs and runs[0].cancelled
    assert list(out_dir.iterdir()) == []  # neither the file nor a temporary part of it
    assert answers.infos == [] and answers.errors == []
    assert "cancelled" in window.statusBar().currentMessage()


def test_an_export_that_fails_says_so_and_leaves_the_old_file(
        window: MainWindow, answers: Answers, given: Given, filled: list[str],
        out_dir: Path) -> None:
    target = out_dir / "orders.csv"
    target.mkdir()  # a directory where the file should go: the rename fails
    answers.on_dialog = export_with(scope="company")
    given.save = str(target)
    window.actions_[A.EXPORT_CSV].trigger()
    assert len(answers.errors) == 1 and "No file was written" in answers.errors[0]
    assert target.is_dir() and sorted(p.name for p in out_dir.iterdir()) == ["orders.csv"]
