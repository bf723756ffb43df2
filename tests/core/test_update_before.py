"""orders.update(before=): an editor's loaded copy stands in for the reads, same result."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Callable

import pytest

from orderdesk.core import Desk, Line, Order, Tax, ValidationError
from orderdesk.core.docs import (
    Address, Contact, Payment, Surcharge, header_fields, line_fields,
)
from orderdesk.core.inventory import Lot
from orderdesk.core.orders import clean_order
from orderdesk.core.saving import finance_edits, save_order
from tests.conftest import make_order


def _order(desk: Desk) -> str:
    doc = make_order(lines=4, addresses=[Address("Delivery", name="Dock", city="Brno")],
                     contacts=[Contact("a@example.com")],
                     surcharges=[Surcharge(Decimal(5), "Shipping", taxes=[Tax("VAT", Decimal(21))])],
                     attributes={"incoterm": "DAP"})
    return desk.orders.create(doc).id  # type: ignore[return-value]


def _proj(o: Order) -> tuple[Any, ...]:
    """The stored content without the ids and numbers that differ between two orders."""
    return (header_fields(o), o.version, o.stage, o.status, o.attributes,
            [(line_fields(ln), ln.weight, ln.subtotal, ln.tax_amount, ln.total, ln.in_catalogue,
              ln.reserved) for ln in o.lines],
            [replace(a, id=None) for a in o.addresses], [replace(c, id=None) for c in o.contacts],
            [replace(s, id=None) for s in o.surcharges], o.totals)


def _events(desk: Desk, uid: str) -> list[tuple[Any, ...]]:
    oid = desk.orders.order_head(uid)["id"]
    rev = desk.store.execute("SELECT MAX(revision) FROM history_event WHERE order_id = ?",
                             [oid]).fetchone()[0]
    return sorted(desk.store.execute(
        "SELECT change, entity_type, field, old_value, new_value FROM history_event WHERE "
        "order_id = ? AND revision = ?", [oid, rev]).fetchall(), key=repr)


def _notes(o: Order) -> None:
    o.notes = "changed"


def _quantity(o: Order) -> None:
    o.lines[1].quantity = Decimal("7.5")


def _delete(o: Order) -> None:
    del o.lines[2]


def _add(o: Order) -> None:
    o.lines.insert(1, Line("FREE-1", Decimal(2), Decimal("1.10"), "A free line"))


def _reorder(o: Order) -> None:
    o.lines[0], o.lines[3] = o.lines[3], o.lines[0]


def _parties(o: Order) -> None:
    o.addresses[0].city = "Praha"
    o.contacts.append(Contact("+420 123", "PhoneNumber"))
    o.attributes["colour"] = "red"


def _customer(o: Order) -> None:
    o.customer_code = "C2"


def _nothing(o: Order) -> None:
    pass


def _padded(o: Order) -> None:
    o.lines[0].item_code = " PLANK-2x4 "  # equal once cleaned: stored as before


@pytest.mark.parametrize("edit", [_notes, _quantity, _delete, _add, _reorder, _parties,
                                  _customer, _nothing, _padded])
def test_update_with_before_stores_and_returns_what_a_plain_update_does(
        desk: Desk, edit: Callable[[Order], None]) -> None:
    a, b = _order(desk), _order(desk)
    base_a = desk.orders.get(a)
    doc_a, doc_b = base_a.copy(), desk.orders.get(b)
    edit(doc_a)
    edit(doc_b)
    got_a = desk.orders.update(doc_a, doc_a.version, before=base_a)
    got_b = desk.orders.update(doc_b, doc_b.version)
    assert got_a == desk.orders.get(a)  # the lines taken from `before` are the stored ones
    assert _proj(got_a) == _proj(got_b)
    assert _events(desk, a) == _events(desk, b)


def test_a_stale_before_is_not_trusted(desk: Desk) -> None:
    uid = _order(desk)
    v1 = desk.orders.get(uid)
    theirs = desk.orders.get(uid)
    theirs.notes = "theirs"
    theirs.lines[0].quantity = Decimal(99)
    v2 = desk.orders.update(theirs, theirs.version)
    mine = v1.copy()  # keep mine: v1's content written over v2 knowingly
    got = desk.orders.update(mine, v2.version, before=v1)
    assert got.notes == v1.notes and got.lines[0].quantity == v1.lines[0].quantity
    assert got == desk.orders.get(uid)


def test_before_that_is_the_saved_document_itself_is_not_trusted(desk: Desk) -> None:
    uid = _order(desk)
    doc = desk.orders.get(uid)
    doc.notes = "mine"
    doc.lines[0].quantity = Decimal(3)
    assert desk.orders.update(doc, doc.version, before=doc).notes == "mine"
    shared = desk.orders.get(uid)
    before = desk.orders.get(uid)
    shared.lines = before.lines  # the same Line objects edited in place
    shared.lines[0].quantity = Decimal(4)
    got = desk.orders.update(shared, shared.version, before=before)
    assert desk.orders.get(uid).lines[0].quantity == 4 == got.lines[0].quantity


def test_reused_lines_refresh_their_reservation_and_are_reread_when_moved(desk: Desk) -> None:
    uid = _order(desk)
    base = desk.orders.get(uid)
    lot = desk.inventory.save(Lot("PLANK-2x4", "Pine planks", Decimal(100), lot="H-1", unit="m"))
    desk.inventory.reserve(base.lines[0].id, lot.id, Decimal(1))  # type: ignore[arg-type]
    known = {ln.id: ln for ln in base.lines if ln.id}
    fresh = desk.orders.get(uid)
    assert fresh.lines[0].reserved == 1
    assert desk.orders.get(uid, reuse_lines=known).lines == fresh.lines
    moved = dict(known)
    first = base.lines[0]
    moved[first.id] = replace(first, position=9, description="not what is stored")  # type: ignore[index]
    assert desk.orders.get(uid, reuse_lines=moved) == fresh


def test_clean_order_checks_a_line_equal_to_the_stored_one_only_when_typed_loosely(
        desk: Desk) -> None:
    stored = desk.orders.get(_order(desk))
    known = {ln.id: ln for ln in stored.lines if ln.id}
    doc = stored.copy()
    assert clean_order(doc, "EUR", known).lines == clean_order(doc, "EUR").lines
    doc.lines[0].quantity = 1.0  # type: ignore[assignment]  # equal to Decimal(1), a float
    with pytest.raises(ValidationError) as plain:
        clean_order(doc, "EUR")
    with pytest.raises(ValidationError) as with_known:
        clean_order(doc, "EUR", known)
    assert str(plain.value) == str(with_known.value)


def test_save_order_with_finance_edits_reuses_lines_and_returns_the_stored_order(
        desk: Desk) -> None:
    uid = _order(desk)
    base = desk.orders.get(uid)
    doc = base.copy()
    doc.lines[0].discount = Decimal(10)
    pay = Payment(Decimal(3), base.order_date)
    fin = finance_edits(base.payments, [pay])
    got = save_order(desk, doc, base.version, fin, before=base)
    assert got == desk.orders.get(uid)
    assert got.lines[0].discount == 10 and got.totals and got.totals.paid == 3
    assert got.lines[1] is base.lines[1]  # not read again: it was not written
