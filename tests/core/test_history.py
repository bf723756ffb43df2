"""History: field-level events by any path, interleaved by time, with who and what."""

from __future__ import annotations

from decimal import Decimal

from orderdesk.core import Actor, Desk
from orderdesk.core.docs import Surcharge
from orderdesk.core.history import HistoryFilter
from tests.conftest import make_order


def test_a_sequence_of_edits_gives_exactly_those_events(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=2))
    doc = desk.orders.get(o.id)
    doc.site = "Yard B"
    doc.lines[1].unit_price = Decimal("3.10")
    doc.surcharges.append(Surcharge(Decimal("25"), "Shipping"))
    desk.orders.update(doc)
    bob = desk.as_actor(Actor("bob", "Bob Builder"))
    doc = bob.orders.get(o.id)
    doc.surcharges[0].amount = Decimal("30")
    bob.orders.update(doc)
    events = desk.history.timeline(o.id)
    got = [(e.actor_name, e.change, e.entity_label, e.field, e.old, e.new) for e in events]
    assert got[:4] == [
        ("Bob Builder", "updated", "Surcharge · Shipping", "amount", "25", "30"),
        ("Alice Example", "created", "Surcharge · Shipping", None, None, None),
        ("Alice Example", "updated", "Line 2 · PLANK-2x4", "unit_price", "2.5", "3.1"),
        ("Alice Example", "updated", f"Order {o.number}", "site", "", "Yard B"),
    ]
    assert [e.entity_type for e in events[4:]] == ["order", "line", "line"] or \
        {e.entity_type for e in events[4:]} == {"order", "line"}
    assert all(a.at >= b.at for a, b in zip(events, events[1:]))  # newest first
    assert events[0].describe() == "Surcharge · Shipping: amount 25 → 30"


def test_timeline_filters_and_pages(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))
    for i in range(5):
        doc = desk.orders.get(o.id)
        doc.notes = f"note {i}"
        desk.orders.update(doc)
    notes = desk.history.timeline(o.id, flt=HistoryFilter(field="notes"))
    assert [e.new for e in notes] == [f"note {i}" for i in reversed(range(5))]
    first = desk.history.timeline(o.id, limit=3)
    rest = desk.history.timeline(o.id, before=(first[-1].at, first[-1].id))
    assert [e.id for e in first + rest] == [e.id for e in desk.history.timeline(o.id)]
    hits = desk.history.timeline(o.id, flt=HistoryFilter(text="NOTE 3"))
    assert [(e.old, e.new) for e in hits] == [("note 3", "note 4"), ("note 2", "note 3")]
    assert desk.history.timeline(o.id, flt=HistoryFilter(actor="nobody")) == []


def test_the_actor_defaults_to_the_os_login() -> None:
    import getpass

    assert Actor.from_os().id == getpass.getuser()


def test_changes_since_a_revision(desk: Desk) -> None:
    rev = desk.company().revision
    o = desk.orders.create(make_order())
    assert {e.entity_id for e in desk.history.since(rev) if e.entity_type == "order"} == {o.id}
