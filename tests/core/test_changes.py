"""Writes report what they changed; the core works from worker threads."""

from __future__ import annotations

import threading
from decimal import Decimal

from orderdesk.core import ChangeSet, Desk
from orderdesk.core.inventory import Lot
from tests.conftest import make_order


def test_each_write_publishes_exactly_what_it_changed(desk: Desk) -> None:
    got: list[ChangeSet] = []
    desk.store.subscribe(got.append)
    o = desk.orders.create(make_order(lines=2))
    assert got[-1].orders == {o.id} and got[-1].created_orders == {o.id}
    assert got[-1].company_id == desk.company_id and got[-1].actor == "Alice Example"
    doc = desk.orders.get(o.id)
    doc.lines[1].quantity = Decimal(5)
    desk.orders.update(doc)
    assert got[-1].orders == {o.id} and got[-1].lines == {doc.lines[1].id}
    lot = desk.inventory.save(Lot("PLANK-2x4", "L", Decimal(3)))
    desk.inventory.reserve(doc.lines[0].id, lot.id)  # type: ignore[arg-type]
    assert got[-1].lots == {lot.id} and got[-1].orders == {o.id}
    desk.orders.delete([o.id])
    assert got[-1].removed_orders == {o.id}
    assert [c.revision for c in got] == sorted(c.revision for c in got)


def test_listeners_run_in_the_writing_thread(desk: Desk) -> None:
    threads: list[str] = []
    desk.store.subscribe(lambda c: threads.append(threading.current_thread().name))
    t = threading.Thread(target=lambda: desk.orders.create(make_order()), name="worker-1")
    t.start()
    t.join()
    assert threads == ["worker-1"]
    assert desk.listing.count(__import__("orderdesk.core", fromlist=["OrderQuery"]).OrderQuery()) == 1


def test_a_failed_write_publishes_nothing(desk: Desk) -> None:
    got: list[ChangeSet] = []
    desk.store.subscribe(got.append)
    bad = make_order(customer="NOPE")
    try:
        desk.orders.create(bad)
    except Exception:  # noqa: BLE001
        pass
    assert got == []
