"""The editor driven from the keyboard alone: header, five lines, save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from orderdesk.core import Desk
from orderdesk.ui.editor.window import OrderEditor

from .conftest import sample_order

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> Any:
    return QApplication.focusWidget()


def type_into_focus(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def key(qtbot: Any, k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
        ) -> None:
    qtbot.keyClick(focused(), k, mod)


def test_five_lines_from_the_keyboard_and_save(qtbot: Any, open_editor: Callable[..., OrderEditor],
                                               edesk: Desk) -> None:
    e = open_editor(None)
    e.activateWindow()
    e.header.customer.setFocus()
    qtbot.waitUntil(lambda: e.header.customer.hasFocus())
    type_into_focus(qtbot, "C2")
    key(qtbot, K.Key_Tab)
    assert e.doc.order.customer_code == "C2" and e.doc.order.customer_name == "Zebra Werkzeug"
    type_into_focus(qtbot, "REF-77")  # order reference
    key(qtbot, K.Key_Tab)
    type_into_focus(qtbot, "PO 4711")  # customer's PO
    for _ in range(20):  # through the date pickers (a Tab per date section), site, currency
        if e.grid.hasFocus():
            break
        key(qtbot, K.Key_Tab)
    assert e.grid.hasFocus(), focused()
    wanted = [("BOLT-M12", "100"), ("PLANK-2x4", "12,5"), ("PIPE-CU-22", "3"),
              ("FREE-1", "2"), ("BOLT-M12", "7")]
    for code, qty in wanted:
        key(qtbot, K.Key_Return)  # Enter on the last row (or an empty grid) adds a line
        assert isinstance(focused(), QLineEdit), "the new line's item cell is being edited"
        type_into_focus(qtbot, code)
        key(qtbot, K.Key_Tab)  # → description (filled from the catalogue)
        key(qtbot, K.Key_Tab)  # → quantity
        assert e.grid.currentIndex().column() == 2
        focused().selectAll()
        type_into_focus(qtbot, qty)
        key(qtbot, K.Key_Return)  # commits the cell (Qt closes the editor on the next turn)
        # The offscreen platform leaves the completer's popup the active window: take it back
        # (a window manager does this on a desktop).
        e.activateWindow()
        qtbot.waitUntil(lambda: e.grid.hasFocus() and not isinstance(focused(), QLineEdit))
    assert e.doc.lines.rowCount() == 5
    key(qtbot, K.Key_S, CTRL)
    assert not e.doc.dirty, e.ui.errors
    stored = edesk.orders.get(e.doc.order.id)  # type: ignore[arg-type]
    assert stored.customer_code == "C2" and stored.reference == "REF-77"
    assert stored.customer_reference == "PO 4711"
    assert [(ln.item_code, ln.quantity) for ln in stored.lines] == [
        (c, Decimal(q.replace(",", "."))) for c, q in wanted]
    plank = stored.lines[1]
    assert plank.description == "Pine plank 2×4" and plank.unit == "m"
    assert plank.unit_price == Decimal("3.2") and [t.name for t in plank.taxes] == ["VAT", "Eco"]
    assert not stored.lines[3].in_catalogue and stored.lines[0].in_catalogue
    assert e.windowTitle().startswith(f"Order {stored.number}")


def test_escape_cancels_a_cell_edit_and_f2_edits(qtbot: Any,
                                                 open_editor: Callable[..., OrderEditor],
                                                 edesk: Desk) -> None:
    uid = edesk.orders.create(sample_order()).id
    e = open_editor(uid)
    e.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is e)
    e.focus_lines()
    e.grid.setCurrentIndex(e.doc.lines.index(0, 2))
    key(qtbot, K.Key_F2)
    assert isinstance(focused(), QLineEdit)
    focused().selectAll()
    type_into_focus(qtbot, "999")
    key(qtbot, K.Key_Escape)
    e.activateWindow()
    qtbot.waitUntil(lambda: e.grid.hasFocus())
    assert e.doc.lines.obj(0).quantity == Decimal(10) and not e.doc.dirty
    # Ctrl+Down moves the line; Ctrl+Z puts it back
    first = e.doc.lines.obj(0)
    key(qtbot, K.Key_Down, CTRL)
    assert e.doc.lines.obj(1) is first and e.grid.currentIndex().row() == 1
    key(qtbot, K.Key_Z, CTRL)
    assert e.doc.lines.obj(0) is first
