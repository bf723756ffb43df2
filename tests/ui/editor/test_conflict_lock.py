"""Saving against a second real connection, and the lock of a sent order."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any, Callable

import pytest

from orderdesk.core import Actor, Desk, Line, Store, Tax, open_store
from orderdesk.ui.editor.conflict import KEEP_MINE, MERGE, RELOAD, ConflictDialog
from orderdesk.ui.editor.window import OrderEditor

from ..conftest import Answers
from .conftest import sample_order


def elsewhere(store: Store, company_id: int, uid: str, change: Callable[[Any], None]) -> None:
    """Another program on the same file: its own connection, in its own thread."""
    def work() -> None:
        other = open_store(store.target)
        try:
            d = Desk(other, company_id, Actor("bob", "Bob Other"))
            doc = d.orders.get(uid)
            change(doc)
            d.orders.update(doc, expected_version=doc.version)
        finally:
            other.close()
    t = threading.Thread(target=work)
    t.start()
    t.join()


def answer(answers: Answers, choice: str, seen: list[ConflictDialog]) -> None:
    def pick(dlg: Any) -> bool:
        assert isinstance(dlg, ConflictDialog)
        seen.append(dlg)
        if choice == MERGE and not dlg.merge_button.isEnabled():
            return False
        dlg._choose(choice)
        return True
    answers.on_dialog = pick


@pytest.fixture
def both(open_editor: Callable[..., OrderEditor], edesk: Desk, ui_store: Store
         ) -> tuple[OrderEditor, str]:
    uid = edesk.orders.create(sample_order(lines=3)).id
    assert uid is not None
    e = open_editor(uid)
    # mine: the notes and line 2's quantity; a new line at the end
    e.doc.set("order", e.doc.order, "notes", "call before delivery")
    m = e.doc.lines
    m.setData(m.index(1, 2), "99")
    e.ops.paste("PIPE-CU-22\t\t2\n")
    return e, uid


def theirs_other_fields(doc: Any) -> None:
    doc.site = "Dock 4"
    doc.lines[0].description = "Bolt, galvanised"
    doc.lines.append(Line("PLANK-2x4", Decimal(5), Decimal("3.2"), "Plank from Bob",
                          taxes=[Tax("VAT", Decimal(21))]))


@pytest.mark.parametrize("choice", [RELOAD, KEEP_MINE, MERGE])
def test_conflicting_save_each_choice(choice: str, both: tuple[OrderEditor, str], edesk: Desk,
                                      ui_store: Store, answers: Answers) -> None:
    e, uid = both
    elsewhere(ui_store, edesk.company_id, uid, theirs_other_fields)
    seen: list[ConflictDialog] = []
    answer(answers, choice, seen)
    assert e.save()
    dlg = seen[0]
    rows = {(dlg.table.item(r, 1).text(), dlg.table.item(r, 3).text(),
             dlg.table.item(r, 4).text()) for r in range(dlg.table.rowCount())}
    assert ("site", "(unchanged)", "Dock 4") in rows and ("notes", "call before delivery",
                                                          "(unchanged)") in rows
    assert dlg.merge_button.isEnabled() and not dlg.result.conflicts
    o = edesk.orders.get(uid)
    codes = [ln.item_code for ln in o.lines]
    if choice == RELOAD:
        assert o.notes == "" and o.site == "Dock 4" and codes[-1] == "PLANK-2x4"
        assert o.lines[1].quantity == 11
        assert e.doc.order.site == "Dock 4" and not e.doc.dirty
    elif choice == KEEP_MINE:
        assert o.notes == "call before delivery" and o.site == ""
        assert o.lines[0].description == "Bolt 1" and codes == ["BOLT-M12"] * 3 + ["PIPE-CU-22"]
        assert o.lines[1].quantity == 99
    else:
        assert o.notes == "call before delivery" and o.site == "Dock 4"
        assert o.lines[0].description == "Bolt, galvanised" and o.lines[1].quantity == 99
        assert codes == ["BOLT-M12"] * 3 + ["PLANK-2x4", "PIPE-CU-22"]
    assert e.doc.order.version == o.version and not e.doc.dirty


def test_same_field_on_both_sides_cannot_merge(both: tuple[OrderEditor, str], edesk: Desk,
                                               ui_store: Store, answers: Answers) -> None:
    e, uid = both
    elsewhere(ui_store, edesk.company_id, uid, lambda d: setattr(d, "notes", "Bob's note"))
    seen: list[ConflictDialog] = []
    answer(answers, MERGE, seen)
    assert not e.save()  # merge refused: the dialog offered only reload / keep mine
    dlg = seen[0]
    assert not dlg.merge_button.isEnabled() and dlg.result.conflicts[0].field == "notes"
    assert edesk.orders.get(uid).notes == "Bob's note" and e.doc.dirty
    answer(answers, KEEP_MINE, seen)
    assert e.save() and edesk.orders.get(uid).notes == "call before delivery"


def test_sent_order_locks_the_document_only(open_editor: Callable[..., OrderEditor],
                                            edesk: Desk, answers: Answers) -> None:
    uid = edesk.orders.create(sample_order(lines=2)).id
    assert uid is not None
    e = open_editor(uid)
    e.send()
    assert e.doc.order.stage == "sent" and e.banner.isVisible()
    assert "locked" in e.banner.text()
    h = e.header
    for w in (h.customer, h.reference, h.customer_reference, h.site, h.currency, h.notes,
              h.order_date, h.delivery_date):
        assert w.isReadOnly(), w.objectName()
    locked = ("line", "address", "contact", "surcharge", "attribute")
    for kind in locked:
        m = e.doc.models[kind]
        if m.rowCount():
            assert not m.flags(m.index(0, 0)) & m.flags(m.index(0, 0)).ItemIsEditable
        assert not e.panels.get(kind, e.panels["address"]).add_action.isEnabled() or \
            kind == "line"
    assert not e.ops.add() and not e.ops.paste("BOLT-M12\t1\n")
    # payments, shipments and status stay editable
    e.panels["payment"].add()
    e.panels["shipment"].add()
    sm = e.doc.models["shipment"]
    sm.setData(sm.index(0, 1), "TRACK-1")
    assert e.save(), answers.errors
    o = edesk.orders.get(uid)
    assert o.shipments[0].tracking_number == "TRACK-1" and o.totals and o.totals.is_paid
    e.set_status("shipped")
    assert edesk.orders.get(uid).status == "shipped" and e.title_label.text().endswith("Shipped")
    e.set_status("paid")  # refused: says why
    assert "allowed: delivered, returned" in answers.errors[-1]
    e.back_to_draft()
    assert e.doc.editable("line") and not e.banner.isVisible()
    e.upgrade()
    assert e.doc.order.stage == "archived" and e.doc.order.invoice_number
    assert not e.doc.editable("payment") and not e.panels["payment"].add_action.isEnabled()
    assert answers.dialogs[-1].objectName() == "invoice_view"
