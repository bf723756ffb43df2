"""Stages (draft → sent → archived), invoices and the status workflow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderdesk.core import Desk, LockedError, TransitionError, ValidationError
from orderdesk.core.docs import Address, Payment, Shipment
from orderdesk.core.inventory import Lot
from tests.conftest import make_order


def test_send_locks_the_document_and_keeps_an_archived_copy(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=2))
    desk.lifecycle.send(o.id)
    sent = desk.orders.get(o.id)
    assert sent.stage == "sent" and sent.locked
    copy = desk.lifecycle.archived_copy(o.id)
    assert copy is not None and copy["number"] == o.number and len(copy["lines"]) == 2
    for edit in (lambda d: setattr(d, "notes", "x"),
                 lambda d: setattr(d.lines[0], "quantity", Decimal(9)),
                 lambda d: d.lines.pop(),
                 lambda d: d.addresses.append(Address("Invoice", city="Brno")),
                 lambda d: d.attributes.update(k="v")):
        doc = desk.orders.get(o.id)
        edit(doc)
        with pytest.raises(LockedError, match="sent"):
            desk.orders.update(doc)
    assert desk.orders.get(o.id).version == sent.version  # nothing written
    # what stays allowed on a sent order
    desk.finance.save_payment(o.id, Payment(Decimal("1"), sent.order_date))
    desk.finance.save_shipment(o.id, Shipment("DHL", "JD1"))
    desk.lifecycle.set_status([o.id], "shipped")
    desk.attachments.add_log(o.id, "Called customer")
    lot = desk.inventory.save(Lot("PLANK-2x4", "Plank lot", Decimal(10), lot="H1"))
    desk.inventory.reserve(sent.lines[0].id, lot.id, Decimal(1))  # type: ignore[arg-type]


def test_back_to_draft_unlocks_and_drops_the_copy(desk: Desk) -> None:
    o = desk.orders.create(make_order())
    desk.lifecycle.send(o.id)
    desk.lifecycle.back_to_draft(o.id)
    assert desk.lifecycle.archived_copy(o.id) is None
    doc = desk.orders.get(o.id)
    doc.notes = "editable again"
    assert desk.orders.update(doc).notes == "editable again"
    titles = [e.entity_label for e in desk.history.timeline(o.id) if e.entity_type == "log"]
    assert "Log · Sent" in titles and "Log · Back to draft" in titles


def test_sending_needs_an_active_line(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=0))
    with pytest.raises(ValidationError, match="at least one active line"):
        desk.lifecycle.send(o.id)
    assert desk.orders.get(o.id).stage == "draft"


def test_upgrade_to_invoice_once_and_archive(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=2, addresses=[Address("Invoice", city="Wien")]))
    number = desk.lifecycle.upgrade_to_invoice(o.id)
    assert number == "INV-" + str(desk.orders.get(o.id).created_at.year) + "-0001"  # type: ignore[union-attr]
    up = desk.orders.get(o.id)
    assert up.stage == "archived" and up.status == "invoiced" and up.invoice_number == number
    inv = desk.lifecycle.invoice(o.id)
    assert inv is not None and len(inv["document"]["lines"]) == 2  # type: ignore[index]
    assert inv["document"]["addresses"][0]["city"] == "Wien"  # type: ignore[index]
    with pytest.raises(LockedError):
        desk.lifecycle.upgrade_to_invoice(o.id)
    with pytest.raises(LockedError):  # archived: only attachments and log entries
        desk.finance.save_payment(o.id, Payment(Decimal("1"), up.order_date))
    with pytest.raises(LockedError):
        desk.lifecycle.set_status([o.id], "paid")
    desk.attachments.add_log(o.id, "Invoice mailed")


def test_deleting_a_sent_order_archives_it_and_restore_returns_it_to_sent(desk: Desk) -> None:
    o = desk.orders.create(make_order())
    desk.lifecycle.send(o.id)
    desk.orders.delete([o.id])
    d = desk.orders.get(o.id)
    assert d.stage == "archived" and not d.active
    assert desk.lifecycle.archived_copy(o.id) is not None
    desk.orders.restore([o.id])
    assert desk.orders.get(o.id).stage == "sent"


def test_refused_transitions_name_both_statuses(desk: Desk) -> None:
    o = desk.orders.create(make_order())
    with pytest.raises(TransitionError) as e:
        desk.lifecycle.set_status([o.id], "done")
    assert e.value.from_status == "pending" and e.value.to_status == "done"
    assert "'pending' to 'done'" in str(e.value)
    desk.lifecycle.set_status([o.id], "cancelled")
    with pytest.raises(TransitionError, match="final"):
        desk.lifecycle.set_status([o.id], "paid")
    ev = [e for e in desk.history.timeline(o.id) if e.field == "status"]
    assert [(e.old, e.new) for e in ev] == [("pending", "cancelled")]


def test_marking_paid_warns_about_a_balance(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))
    res = desk.lifecycle.set_status([o.id], "paid")
    assert res.changed == (o.number,) and "balance of 3.03 EUR" in res.warnings[0]


def test_cancelling_releases_reservations(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))
    lot = desk.inventory.save(Lot("PLANK-2x4", "Plank lot", Decimal(10), lot="H1"))
    desk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    assert desk.inventory.get(lot.id).reserved == 10  # type: ignore[arg-type]
    desk.lifecycle.set_status([o.id], "cancelled")
    assert desk.inventory.get(lot.id).reserved == 0  # type: ignore[arg-type]
    assert desk.inventory.reservations(order=o.id) == []


def test_users_add_statuses_and_transitions(desk: Desk) -> None:
    desk.statuses.add("on-hold", "On hold")
    pairs = desk.statuses.transitions() | {("pending", "on-hold"), ("on-hold", "pending")}
    desk.statuses.set_transitions(pairs)
    o = desk.orders.create(make_order())
    desk.lifecycle.set_status([o.id], "on-hold")
    assert desk.orders.get(o.id).status == "on-hold"
    desk.statuses.rename("on-hold", "Waiting for customer")
    assert desk.statuses.name("on-hold") == "Waiting for customer"
    with pytest.raises(ValidationError):
        desk.statuses.add("on-hold", "Again")
    with pytest.raises(ValidationError):
        desk.statuses.set_transitions({("pending", "nowhere")})
    with pytest.raises(ValidationError):
        desk.lifecycle.set_status([o.id], "nowhere")


def test_status_change_is_all_or_nothing(desk: Desk) -> None:
    a = desk.orders.create(make_order())
    b = desk.orders.create(make_order())
    desk.lifecycle.set_status([b.id], "cancelled")
    with pytest.raises(TransitionError):
        desk.lifecycle.set_status([a.id, b.id], "paid")
    assert desk.orders.get(a.id).status == "pending"


def test_an_invoiced_order_is_not_deleted_and_a_cancelled_one_takes_no_stock(desk: Desk) -> None:
    a = desk.orders.create(make_order())
    desk.lifecycle.upgrade_to_invoice(a.id)
    res = desk.orders.delete([a.id])
    assert res.count == 0 and res.skipped == ((a.id, a.number),)
    assert desk.orders.get(a.id).active
    b = desk.orders.create(make_order(lines=1))
    desk.lifecycle.set_status([b.id], "cancelled")
    lot = desk.inventory.save(Lot("PLANK-2x4", "Plank lot", Decimal(10), lot="H2"))
    with pytest.raises(LockedError, match="cancelled"):
        desk.inventory.reserve(b.lines[0].id, lot.id)  # type: ignore[arg-type]


def test_a_failing_listener_does_not_turn_a_committed_save_into_an_error(desk: Desk) -> None:
    def broken(_changes: object) -> None:
        raise RuntimeError("view bug")

    desk.store.subscribe(broken)
    o = desk.orders.create(make_order())  # no exception reaches the caller
    assert desk.orders.get(o.id).number == o.number
