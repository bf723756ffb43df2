"""Stale save: two desks open one order; the later save is refused, naming who and when."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from orderdesk.core import ConflictError, Desk

from tests.conftest import make_order
from tests.reliability.conftest import Children


def test_a_stale_save_is_refused_with_who_and_when(desk: Desk, children: Children) -> None:
    created = desk.orders.create(make_order(lines=2, notes="as created"))
    before = {e.id for e in desk.history.timeline(created.id, limit=1000)}
    revision = desk.company().revision

    mine = desk.orders.get(created.id)  # session B (this process) opens the order …
    # … session A, another process, opens it too and saves first
    [a] = children.finish(children.start("save", desk.store.target, desk.company_id,
                                         created.id, mine.version, "changed by Anna"))

    mine.site = "Dock 4"
    mine.lines[1].description = "B's description"
    with pytest.raises(ConflictError) as refused:
        desk.orders.update(mine, mine.version)
    err = refused.value
    assert err.changed_by == "Anna Other-Desk"
    assert err.changed_at == datetime.fromisoformat(a["updated_at"])
    assert (err.expected_version, err.actual_version) == (mine.version, a["version"])
    assert "Anna Other-Desk" in str(err) and err.changed_at.isoformat(timespec="seconds") \
        in str(err) and "nothing was overwritten" in str(err)

    # A's values stand, none of B's were written
    now = desk.orders.get(created.id)
    assert (now.notes, now.site, now.version) == ("changed by Anna", "", a["version"])
    assert now.lines[0].quantity == Decimal(1 + 5)
    assert now.lines[1].description == "Plank 2"
    assert desk.company().revision == revision + 1  # A's transaction only; B's rolled back

    # history gained exactly A's events: one per field A changed, all by A
    new = [e for e in desk.history.timeline(created.id, limit=1000) if e.id not in before]
    assert sorted((e.entity_type, e.field, e.old, e.new) for e in new) == [
        ("line", "quantity", "1", "6"), ("order", "notes", "as created", "changed by Anna")]
    assert {e.actor_name for e in new} == {"Anna Other-Desk"}

    # B reloads, reapplies, and now saves on top of A's change
    fresh = desk.orders.get(created.id)
    fresh.site = "Dock 4"
    saved = desk.orders.update(fresh, fresh.version)
    assert (saved.notes, saved.site) == ("changed by Anna", "Dock 4")
