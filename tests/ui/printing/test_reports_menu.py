"""The Reports menu: the selection's documents in list order, packs, the list report; and the
inventory and traceability entries of the main window."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import QItemSelection, QItemSelectionModel

from orderdesk.core.inventory import Lot
from orderdesk.reports.samples import make_certificate_pdf
from orderdesk.ui.actions import A
from orderdesk.ui.inventory import InventoryWindow, TraceDialog
from orderdesk.ui.mainwindow import MainWindow
from tests.ui.conftest import Answers, make_orders


def select(window: MainWindow, rows: list[int]) -> None:
    sm = window.table.selectionModel()
    sm.clearSelection()
    for r in rows:
        ix = window.model.index(r, 0)
        sm.select(QItemSelection(ix, window.model.index(r, window.model.columnCount() - 1)),
                  QItemSelectionModel.SelectionFlag.Select)
    sm.setCurrentIndex(window.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)


def text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_menu_is_there(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Reports" in titles and titles.index("&Reports") < titles.index("&Help")
    assert [a.text() for a in window.reports.menu.actions() if a.text()] == [
        "Order &confirmation", "&Delivery note", "&Invoice", "Certificate &pack",
        "Order &list report"]


def test_batch_of_the_selection_in_list_order(window: MainWindow, ui_desk: Any) -> None:
    make_orders(ui_desk, 5)
    window.refresh()
    numbers = [window.model.row(r).number for r in range(5)]  # type: ignore[union-attr]
    select(window, [3, 0, 4])  # selected out of order: the batch follows the list
    window.actions_[A.REPORT_CONFIRMATION].trigger()
    w = window.reports.last
    assert w is not None and w.windowTitle() == "Order confirmations (3)"
    r = PdfReader(io.BytesIO(w.data))
    assert [o.title.split(" · ")[0] for o in r.outline] == [numbers[0], numbers[3], numbers[4]]
    body = text(w.data)
    assert body.index(numbers[0]) < body.index(numbers[3]) < body.index(numbers[4])
    assert numbers[1] not in body
    assert not window.reports.handle and window.actions_[A.REPORT_CONFIRMATION].isEnabled()


def test_single_documents_and_invoice(window: MainWindow, ui_desk: Any,
                                      answers: Answers) -> None:
    ids = make_orders(ui_desk, 2)
    window.refresh()
    select(window, [1])
    number = window.model.row(1).number  # type: ignore[union-attr]
    window.actions_[A.REPORT_DELIVERY_NOTE].trigger()
    w = window.reports.last
    assert w.windowTitle() == f"Delivery note {number}" and w.file_name == \
        f"delivery-note-{number}.pdf"
    assert "Delivery note" in text(w.data) and number in text(w.data)
    window.actions_[A.REPORT_INVOICE].trigger()  # not upgraded yet: said, not crashed
    assert answers.errors and "upgrade it to an invoice first" in answers.errors[-1]
    ui_desk.lifecycle.upgrade_to_invoice(window.model.uuid(1))
    window.actions_[A.REPORT_INVOICE].trigger()
    assert window.reports.last.windowTitle() == f"Invoice {number}"
    assert "Invoice" in text(window.reports.last.data)
    assert len(ids) == 2


def test_certificate_pack_new_then_reused(window: MainWindow, ui_desk: Any) -> None:
    make_orders(ui_desk, 1, item="BAR-40")
    window.refresh()
    lot = ui_desk.inventory.save(Lot("BAR-40", "Bar Ø40", Decimal(50), lot="H-77", unit="m"))
    ui_desk.attachments.add("H-77.pdf", make_certificate_pdf("Bar Ø40", "H-77", pages=2),
                            lot=lot.id, type="Certificate")
    order = ui_desk.orders.get(window.model.uuid(0))
    ui_desk.inventory.reserve(order.lines[0].id, lot.id, None)
    select(window, [0])
    window.actions_[A.CERTIFICATE_PACK].trigger()
    first = window.reports.last
    assert "(new)" in first.windowTitle()
    r = PdfReader(io.BytesIO(first.data))
    assert len(r.pages) >= 3 and "H-77" in text(first.data)
    window.actions_[A.CERTIFICATE_PACK].trigger()
    again = window.reports.last
    assert "reused" in again.windowTitle() and again.data == first.data


def test_order_list_report_of_the_current_filter(window: MainWindow, ui_desk: Any) -> None:
    make_orders(ui_desk, 4)
    make_orders(ui_desk, 2, customer="Z9", name="Zeta Metals")
    window.refresh()
    window.search.setText("Zeta")
    window.apply_filters()
    assert window.model.rowCount() == 2
    window.actions_[A.ORDER_LIST_REPORT].trigger()
    w = window.reports.last
    body = text(w.data)
    assert "Zeta Metals" in body and "Acme Steel" not in body
    assert "2 orders" in body


def test_inventory_and_traceability_entries(window: MainWindow, ui_desk: Any) -> None:
    make_orders(ui_desk, 1)
    window.refresh()
    select(window, [0])
    window.actions_[A.INVENTORY].trigger()
    inv = window._windows.get("inventory")
    assert isinstance(inv, InventoryWindow) and inv.isVisible()
    window.actions_[A.TRACEABILITY].trigger()
    trace = next(w for k, w in window._windows.items() if k.startswith("trace:"))
    assert isinstance(trace, TraceDialog) and trace.model.rowCount() == 1
    assert "not reserved: line 1" in trace.summary.text()
