"""Focus order, duplicate, save and new, refused lifecycle actions, one window per order."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from orderdesk.core import Desk
from orderdesk.core.recovery import RecoveryStore
from orderdesk.ui.editor.actions import E
from orderdesk.ui.editor.host import EditorHost
from orderdesk.ui.editor.window import OrderEditor
from orderdesk.ui.fmt import Formatter

from ..conftest import Answers
from .conftest import sample_order


@pytest.fixture
def host(qtbot: Any, edesk: Desk, answers: Answers, recovery: RecoveryStore
         ) -> Iterator[EditorHost]:
    h = EditorHost(lambda: edesk, fmt=Formatter("en_US"), ui=answers, recovery=recovery)
    yield h
    for e in list(h.editors.values()):
        e.doc.stack.setClean()
        e.doc.restored = False
        e.close()


def test_tab_walks_the_header_fields_then_the_grid(qtbot: Any,
                                                   open_editor: Callable[..., OrderEditor],
                                                   edesk: Desk) -> None:
    e = open_editor(edesk.orders.create(sample_order()).id)
    e.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is e)
    h = e.header
    h.customer.setFocus()
    qtbot.waitUntil(h.customer.hasFocus)
    seen = [QApplication.focusWidget()]
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [h.customer, h.reference, h.customer_reference, h.order_date,
                    h.delivery_date, h.site, h.currency, h.notes, e.grid]
    assert e.grid.currentIndex().row() == 0 and e.grid.currentIndex().column() == 0
    qtbot.keyClick(e.grid, Qt.Key.Key_Tab)  # within the grid Tab walks the cells
    assert e.grid.currentIndex().column() == 1
    e.actions_[E.FOCUS_HEADER].trigger()  # Alt+1 / Alt+2 jump between the two
    assert h.customer.hasFocus()
    e.actions_[E.FOCUS_LINES].trigger()
    assert e.grid.hasFocus()


def test_duplicate_order_opens_a_new_draft(host: EditorHost, edesk: Desk) -> None:
    uid = edesk.orders.create(sample_order(lines=3)).id
    assert uid is not None
    edesk.lifecycle.send(uid)  # a sent order duplicates too: the copy is a draft
    e = host.open(uid)
    assert e is not None
    e.actions_[E.DUPLICATE_ORDER].trigger()
    (dup,) = [x for x in host.editors.values() if x.doc.is_new]
    assert dup.doc.order.stage == "draft" and dup.doc.order.number is None
    assert dup.doc.editable("line") and dup.doc.dirty and dup.isWindowModified()
    src = edesk.orders.get(uid)
    assert [(ln.item_code, ln.quantity) for ln in dup.doc.order.lines] == [
        (ln.item_code, ln.quantity) for ln in src.lines]
    assert {ln.id for ln in dup.doc.order.lines}.isdisjoint({ln.id for ln in src.lines})
    assert dup.save(), dup.ui.errors  # type: ignore[attr-defined]
    copy = edesk.orders.get(dup.doc.order.id)  # type: ignore[arg-type]
    assert copy.number != src.number and copy.stage == "draft" and len(copy.lines) == 3
    assert host.editors[copy.id] is dup  # type: ignore[index]
    assert edesk.orders.get(uid).stage == "sent"  # the original is untouched


def test_save_and_new_starts_the_next_order(host: EditorHost, edesk: Desk) -> None:
    e = host.new()
    e.header.customer.setText("C1")
    e.header.customer.editingFinished.emit()
    assert e.ops.paste("BOLT-M12\t\t4\n") == 1
    e.actions_[E.SAVE_NEW].trigger()
    assert not e.doc.is_new and not e.doc.dirty
    assert len(edesk.orders.get(e.doc.order.id).lines) == 1  # type: ignore[arg-type]
    fresh = [x for x in host.editors.values() if x.doc.is_new]
    assert len(fresh) == 1 and fresh[0] is not e and fresh[0].doc.order.lines == []


def test_refused_lifecycle_actions_say_why(open_editor: Callable[..., OrderEditor],
                                           edesk: Desk, answers: Answers) -> None:
    uid = edesk.orders.create(sample_order(lines=0)).id
    e = open_editor(uid)
    e.actions_[E.SEND].trigger()  # no lines: the core refuses, the reason is shown
    assert "at least one active line" in answers.errors[-1]
    assert edesk.orders.get(uid).stage == "draft"  # type: ignore[arg-type]
    assert "not allowed from Pending" in e.actions_[E.MARK_DELIVERED].toolTip()
    e.actions_[E.MARK_DELIVERED].trigger()  # pending → delivered is not in the workflow
    assert "delivered" in answers.errors[-1].lower() and edesk.orders.get(
        uid).status == "pending"  # type: ignore[arg-type]
    e.actions_[E.MARK_PAID].trigger()  # allowed: done, shown at once
    assert edesk.orders.get(uid).status == "paid" and e.doc.order.status == "paid"  # type: ignore[arg-type]
    assert "PAID" in e.title_label.text().upper()
    assert not e.actions_[E.BACK_TO_DRAFT].isEnabled()  # only a sent order goes back


def test_opening_an_order_already_open_focuses_its_window(qtbot: Any, host: EditorHost,
                                                          edesk: Desk) -> None:
    a = edesk.orders.create(sample_order()).id
    b = edesk.orders.create(sample_order(lines=1)).id
    assert a is not None and b is not None
    first = host.open(a)
    second = host.open(b)
    assert first is not None and second is not None and first is not second
    qtbot.waitUntil(lambda: QApplication.activeWindow() is second)
    assert host.open(a) is first and len(host.editors) == 2
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first)


def test_closing_with_unsaved_changes_asks(open_editor: Callable[..., OrderEditor],
                                           edesk: Desk, recovery: RecoveryStore) -> None:
    uid = edesk.orders.create(sample_order()).id
    assert uid is not None
    e = open_editor(uid)
    asked: list[str] = []

    def answer(reply: str) -> None:
        e.prompts.unsaved = lambda _p, title: asked.append(title) or reply  # type: ignore[method-assign]

    e.header.site.textEdited.emit("Gate 9")
    e.write_recovery()
    assert recovery.load(uid) is not None
    answer("cancel")
    assert not e.close() and e.isVisible() and e.doc.order.site == "Gate 9"
    assert asked and asked[-1].startswith("Order ")
    answer("save")
    assert e.close() and not e.isVisible()
    assert edesk.orders.get(uid).site == "Gate 9" and recovery.load(uid) is None
    e2 = open_editor(uid)
    e2.header.site.textEdited.emit("Gate 10")
    e2.write_recovery()
    e2.prompts.unsaved = lambda *_a: "discard"  # type: ignore[method-assign]
    assert e2.close()
    assert edesk.orders.get(uid).site == "Gate 9" and recovery.load(uid) is None
