"""Reservations: whole or split, never more than a lot holds, also under concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from orderdesk.core import Desk, LockedError, StockError, ValidationError
from orderdesk.core.inventory import Lot
from tests.conftest import make_order


@pytest.fixture
def lot(desk: Desk) -> Lot:
    return desk.inventory.save(Lot("PLANK-2x4", "Pine planks", Decimal(100), lot="HEAT-77",
                                   unit="m", location="Hall A"))


def test_reserve_whole_takes_all_that_is_available(desk: Desk, lot: Lot) -> None:
    o = desk.orders.create(make_order(lines=1))
    rid = desk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    got = desk.inventory.get(lot.id)  # type: ignore[arg-type]
    assert got.reserved == 100 and got.available == 0
    assert desk.orders.get(o.id).lines[0].reserved == 100
    with pytest.raises(StockError, match="nothing available"):
        desk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    desk.inventory.unreserve(rid)
    assert desk.inventory.get(lot.id).reserved == 0  # type: ignore[arg-type]


def test_split_creates_a_named_lot_sharing_certificates(desk: Desk, lot: Lot) -> None:
    from tests.core.test_scoping import tiny_pdf

    desk.attachments.add("cert.pdf", tiny_pdf(), lot=lot.id, type="Certificate")
    o = desk.orders.create(make_order(lines=1))
    desk.inventory.reserve(o.lines[0].id, lot.id, Decimal("30"))  # type: ignore[arg-type]
    orig = desk.inventory.get(lot.id)  # type: ignore[arg-type]
    assert orig.quantity == 70 and orig.reserved == 0
    [res] = desk.inventory.reservations(order=o.id)
    split = desk.inventory.get(res.lot_id)
    assert split.name == f"Pine planks · {o.number}" and split.quantity == 30
    assert split.reserved == 30 and split.origin == lot.id
    assert (split.item_code, split.lot, split.unit, split.location) == \
        ("PLANK-2x4", "HEAT-77", "m", "Hall A")
    assert split.certificates == orig.certificates and len(split.certificates) == 1
    desk.inventory.unreserve(res.id)  # does not undo the split
    assert desk.inventory.get(lot.id).quantity == 70  # type: ignore[arg-type]
    assert desk.inventory.get(res.lot_id).reserved == 0
    events = {e.entity_type for e in desk.history.timeline(o.id)}
    assert "reservation" in events


def test_over_reserving_is_refused_and_nothing_goes_negative(desk: Desk, lot: Lot) -> None:
    o = desk.orders.create(make_order(lines=1))
    with pytest.raises(StockError, match="only 100 m available"):
        desk.inventory.reserve(o.lines[0].id, lot.id, Decimal(101))  # type: ignore[arg-type]
    desk.inventory.reserve(o.lines[0].id, lot.id, Decimal(60))  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        desk.inventory.save(Lot("PLANK-2x4", "Pine planks", Decimal(-1), id=lot.id))
    desk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]  # the other 40
    with pytest.raises(StockError, match="reserved"):  # on hand below what is reserved
        desk.inventory.save(Lot("PLANK-2x4", "Pine planks", Decimal(30), id=lot.id))
    assert desk.inventory.get(lot.id).quantity == 40  # type: ignore[arg-type]


def test_deleting_an_order_releases_its_reservations(desk: Desk, lot: Lot) -> None:
    o = desk.orders.create(make_order(lines=1))
    desk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    desk.orders.delete([o.id])
    assert desk.inventory.get(lot.id).reserved == 0  # type: ignore[arg-type]
    with pytest.raises(LockedError):
        desk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]


def test_concurrent_reservations_never_take_the_same_stock_twice(desk: Desk) -> None:
    lot = desk.inventory.save(Lot("PLANK-2x4", "Ten planks", Decimal(10), lot="T10"))
    orders = [desk.orders.create(make_order(lines=1)) for _ in range(20)]
    ok: list[int] = []
    refused: list[str] = []

    def take(line_id: str) -> None:
        try:
            ok.append(desk.inventory.reserve(line_id, lot.id, Decimal(1)))  # type: ignore[arg-type]
        except StockError as e:
            refused.append(str(e))

    threads = [threading.Thread(target=take, args=(o.lines[0].id,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ok) == 10 and len(refused) == 10
    total = desk.store.execute("SELECT SUM(reserved), SUM(quantity) FROM inventory_item").fetchone()
    res = desk.store.execute("SELECT SUM(quantity) FROM reservation WHERE active = 1").fetchone()
    assert total[0] == res[0] == total[1]  # all ten reserved, on hand unchanged in sum
