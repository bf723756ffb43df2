"""Stock in the order editor: Reserve stock… for the current line and the grid's flags."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from orderdesk.ui.bridge import ChangeBridge
from orderdesk.ui.editor.window import OrderEditor
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.inventory import ReserveDialog
from tests.ui.conftest import Answers
from tests.ui.inventory.conftest import Stock

QTY = 2  # the Quantity column of the lines grid


def editor(qtbot: Any, stock: Stock, answers: Answers, bridge: Any = None) -> OrderEditor:
    e = OrderEditor(stock.desk, stock.desk.orders.get(stock.order.id), fmt=Formatter("en_US"),
                    ui=answers, bridge=bridge)
    qtbot.addWidget(e)
    return e


def flag(e: OrderEditor, row: int) -> str | None:
    return e.doc.lines.index(row, QTY).data(Qt.ItemDataRole.ToolTipRole)


def test_flags_and_reserve_from_the_editor(qtbot: Any, stock: Stock, answers: Answers) -> None:
    e = editor(qtbot, stock, answers)
    assert e.doc.lines.headerData(QTY, Qt.Orientation.Horizontal) == "Quantity"
    assert flag(e, 0) == "Stock: no stock reserved (Lines › Reserve stock…)"
    assert e.doc.lines.index(0, QTY).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert e.doc.lines.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "line 1: no stock reserved" in e.stock.label.text()

    def reserve(dlg: ReserveDialog) -> bool:
        assert dlg.line_id == stock.order.lines[1].id
        row = next(i for i, lot in enumerate(dlg.lots.rows) if lot.lot == "H-101")
        dlg.lot_table.selectRow(row)
        dlg.quantity.setText("3")
        dlg.reserve_typed()
        return True

    answers.on_dialog = reserve
    e.grid.setCurrentIndex(e.doc.lines.index(1, 0))
    e.reserve_action.trigger()
    assert [r.quantity for r in stock.desk.inventory.reservations(order=stock.order.id)] == \
        [Decimal(3)]
    assert flag(e, 1) == ("Stock: 3 of 4 m reserved; lot H-101 has no certificate "
                          "(Lines › Reserve stock…)")
    stock.desk.inventory.reserve(stock.order.lines[0].id, stock.lots["H-100"].id, Decimal(10))
    e.stock.reload()
    assert flag(e, 0) is None  # fully reserved from a certified lot
    assert "line 1" not in e.stock.label.text() and "line 2: 3 of 4 m" in e.stock.label.text()


def test_a_new_order_asks_to_save_first(qtbot: Any, stock: Stock, answers: Answers) -> None:
    e = OrderEditor(stock.desk, None, fmt=Formatter("en_US"), ui=answers)
    qtbot.addWidget(e)
    assert not e.reserve_action.isEnabled()
    assert not e.stock.label.isVisibleTo(e)
    from orderdesk.ui.inventory.editor_hook import reserve_current

    assert reserve_current(e, e.stock) is False
    assert answers.infos and "Save the order first" in answers.infos[-1]


def test_flags_follow_other_desks(qtbot: Any, stock: Stock, answers: Answers) -> None:
    bridge = ChangeBridge(stock.desk.store)
    e = editor(qtbot, stock, answers, bridge)
    assert flag(e, 2) is not None
    stock.desk.inventory.reserve(stock.order.lines[2].id, stock.lots["H-200"].id, Decimal(2))
    qtbot.waitUntil(lambda: flag(e, 2) is None)
    bridge.close()
