"""The inventory window: filters, add/edit/deactivate, CSV import, certificates, orders served."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from orderdesk.ui.fmt import Formatter
from orderdesk.ui.inventory import InventoryWindow, LotDialog
from orderdesk.ui.inventory.models import WITH, WITHOUT, LotFilter, LotTableModel
from orderdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Answers
from tests.ui.inventory.conftest import Stock


def window(qtbot: Any, stock: Stock, answers: Answers) -> InventoryWindow:
    w = InventoryWindow(stock.desk, TaskRunner(synchronous=True), fmt=Formatter("en_US"),
                        ui=answers)
    qtbot.addWidget(w)
    return w


def shown(w: InventoryWindow) -> list[str]:
    return [lot.lot for lot in w.model.rows]


def history(stock: Stock, lot_id: str) -> list[tuple[str, str | None, str | None]]:
    return [(r[0], r[1], r[2]) for r in stock.desk.store.execute(
        "SELECT h.change, h.field, h.new_value FROM history_event h JOIN inventory_item i ON "
        "i.id = h.lot_id WHERE i.uuid = ? ORDER BY h.id", [lot_id]).fetchall()]


def test_lot_model_passes_the_model_tester(qtmodeltester: Any, stock: Stock) -> None:
    model = LotTableModel(lambda f: stock.desk.inventory.lots(include_inactive=True),
                          Formatter("en_US"))
    model.reload()
    assert model.rowCount() == 4
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.DescendingOrder)
    assert [lot.lot for lot in model.rows] == ["H-300", "H-100", "H-200", "H-101"]
    qtmodeltester.check(model)


def test_filters(qtbot: Any, stock: Stock, answers: Answers) -> None:
    w = window(qtbot, stock, answers)
    assert shown(w) == ["H-100", "H-101", "H-200", "H-300"]
    w.item_filter.setText("bar")
    w.apply_filter()
    assert shown(w) == ["H-100", "H-101"]
    w.item_filter.clear()
    w.location_filter.setText("hall a")
    w.apply_filter()
    assert shown(w) == ["H-100", "H-101"]
    w.location_filter.clear()
    w.lot_filter.setText("H-2")
    w.apply_filter()
    assert shown(w) == ["H-200"]
    w.lot_filter.clear()
    w.cert_filter.setCurrentIndex(w.cert_filter.findData(WITHOUT))
    assert shown(w) == ["H-101", "H-300"]
    w.cert_filter.setCurrentIndex(w.cert_filter.findData(WITH))
    assert shown(w) == ["H-100", "H-200"]
    w.search.setText("tube")
    w.apply_filter()
    assert shown(w) == []
    w.cert_filter.setCurrentIndex(0)
    assert shown(w) == ["H-300"]
    assert "1 lot" in w.count.text() and "1 without certificate" in w.count.text()
    assert LotFilter(item_code="x").keep(stock.lots["H-100"]) is False


def test_add_edit_deactivate_with_history(qtbot: Any, stock: Stock, answers: Answers) -> None:
    w = window(qtbot, stock, answers)

    def fill(dlg: LotDialog) -> bool:
        dlg.item_code.setText("TUBE-20")
        dlg.name.setText("Tube 20 × 2 — Żółw")
        dlg.lot_number.setText("H-400")
        dlg.quantity.setText("12,5")  # a comma from a German keyboard
        dlg.unit.setCurrentText("m")
        dlg.location.setText("Hall C")
        dlg.save()
        return dlg.result() == LotDialog.DialogCode.Accepted

    answers.on_dialog = fill
    added = w.add_lot()
    assert added is not None and added.quantity == Decimal("12.5")
    current = w.current_lot()
    assert current is not None and current.id == added.id
    assert history(stock, added.id or "")[0][0] == "created"

    def bad(dlg: LotDialog) -> bool:  # a quantity below what is reserved is refused at the field
        dlg.quantity.setText("abc")
        dlg.save()
        assert dlg.error.isVisibleTo(dlg) and "Quantity" in dlg.error.text()
        dlg.quantity.setText("20")
        dlg.location.setText("Hall D")
        dlg.save()
        return dlg.result() == LotDialog.DialogCode.Accepted

    answers.on_dialog = bad
    edited = w.edit_current()
    assert edited is not None and (edited.quantity, edited.location) == (Decimal(20), "Hall D")
    changes = history(stock, added.id or "")
    assert ("updated", "quantity", "20") in changes and ("updated", "location", "Hall D") in changes

    w.toggle_active()
    assert answers.asked and "Deactivate lot H-400" in answers.asked[-1]
    assert stock.desk.inventory.get(added.id or "").active is False
    assert "H-400" not in shown(w)
    w.inactive.setChecked(True)
    assert "H-400" in shown(w)
    assert w.select_lot(added.id or "")
    assert w.acts["deactivate"].text() == "&Reactivate"
    w.toggle_active()
    assert stock.desk.inventory.get(added.id or "").active is True
    assert ("updated", "active", "yes") in history(stock, added.id or "")


def test_edit_refuses_quantity_below_reserved(qtbot: Any, stock: Stock, answers: Answers) -> None:
    line = stock.order.lines[0]
    stock.desk.inventory.reserve(line.id, stock.lots["H-101"].id, None)  # all 6 m
    w = window(qtbot, stock, answers)
    assert w.select_lot(stock.lots["H-101"].id or "")

    def lower(dlg: LotDialog) -> bool:
        dlg.quantity.setText("5")
        dlg.save()
        assert "reserved" in dlg.error.text()
        return False

    answers.on_dialog = lower
    assert w.edit_current() is None
    assert stock.desk.inventory.get(stock.lots["H-101"].id or "").quantity == Decimal(6)


def test_csv_import_good_and_bad(qtbot: Any, stock: Stock, answers: Answers,
                                 tmp_path: Path) -> None:
    w = window(qtbot, stock, answers)
    count = stock.desk.store.execute("SELECT COUNT(*) FROM inventory_item").fetchone()[0]
    bad = tmp_path / "bad-lots.csv"
    bad.write_text("LotNumber,ItemCode,Name,Quantity\nH-500,BAR-40,Bar,5\nH-501,,Bar,x\n",
                   encoding="utf-8")
    w.ask_import_path = lambda: str(bad)
    w.import_dialog()
    assert answers.errors and "bad-lots.csv:3:ItemCode" in answers.errors[-1]
    assert "bad-lots.csv:3:Quantity" in answers.errors[-1]
    assert stock.desk.store.execute("SELECT COUNT(*) FROM inventory_item").fetchone()[0] == count
    good = tmp_path / "lots.csv"
    good.write_text("LotNumber,ItemCode,Name,Quantity,Unit,Location\n"
                    "H-500,BAR-40,Bar Ø40,5,m,Hall A\nH-100,BAR-40,Round bar Ø40 S355,30,m,"
                    "Hall A / 1\n", encoding="utf-8")
    w.import_file(str(good))
    assert "1 lots added, 1 updated" in w.statusBar().currentMessage()
    assert "H-500" in shown(w)
    assert stock.desk.inventory.get(stock.lots["H-100"].id or "").quantity == Decimal(30)


def test_certificates_and_orders_served(qtbot: Any, stock: Stock, answers: Answers) -> None:
    line = stock.order.lines[0]
    stock.desk.inventory.reserve(line.id, stock.lots["H-100"].id, Decimal(10))
    w = window(qtbot, stock, answers)
    assert w.select_lot(stock.lots["H-100"].id or "")
    panel = w.cert_panel
    assert panel is not None and panel.lot == stock.lots["H-100"].id
    assert [a.file_name for a in panel.model.rows] == ["H-100.pdf"]
    assert [(r.order_number, r.line_label, r.quantity) for r in w.served.rows] == \
        [(stock.order.number, "Line 1 · BAR-40", Decimal(10))]
    assert w.tabs.tabText(1) == "Orders served (1)"
    # A certificate stored on a lot shows in the list and in the panel of that lot.
    from orderdesk.reports.samples import make_certificate_pdf

    stock.desk.attachments.add("H-101.pdf", make_certificate_pdf("Bar", "H-101"),
                               lot=stock.lots["H-101"].id, type="Certificate")
    w.reload()
    assert w.select_lot(stock.lots["H-101"].id or "")
    assert w.cert_panel is not None
    assert [a.file_name for a in w.cert_panel.model.rows] == ["H-101.pdf"]
    row = w.model.row_of(stock.lots["H-101"].id or "")
    assert w.model.index(row, 8).data() == "1"  # type: ignore[arg-type]
