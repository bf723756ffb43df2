"""Orders with nested lines: atomic create, update, soft delete and restore, numbers."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.core import (
    Actor, ConflictError, Desk, Line, LockedError, Order, OrderQuery, Tax, ValidationError,
    open_store,
)
from orderdesk.core.docs import Address, Contact, Payment, Surcharge
from tests.conftest import make_order


def fingerprint(desk: Desk) -> tuple[int, ...]:
    q = desk.store.execute
    return tuple(q(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in (
        "orders", "order_line", "line_tax", "history_event", "address", "order_search"))


def test_create_many_with_nested_lines_and_parties(desk: Desk) -> None:
    doc = make_order(lines=2, reference="EXT-1", customer_reference="PO 77",
                     addresses=[Address("Delivery", name="Dock 4", city="Brno", country="cz")],
                     contacts=[Contact("orders@example.com")],
                     surcharges=[Surcharge(Decimal("10"), "Shipping",
                                           taxes=[Tax("VAT", Decimal(21))])],
                     attributes={"incoterm": "DAP"})
    [uid] = desk.orders.create_many([doc])
    o = desk.orders.get(uid)
    assert o.number == "2026-0001" and o.version == 1 and o.stage == "draft"
    assert o.status == "pending" and o.customer_name == "Customer One"
    assert [ln.position for ln in o.lines] == [1, 2]
    assert o.lines[0].weight == Decimal("0.002")  # item unit weight × quantity
    assert o.addresses[0].country == "CZ" and o.attributes == {"incoterm": "DAP"}
    t = o.totals
    assert t is not None
    assert t.products_subtotal == Decimal("7.50") and t.products_tax == Decimal("1.58")
    assert t.surcharges_total == Decimal("12.10") and t.grand_total == Decimal("21.18")
    assert t.balance == Decimal("21.18") and not t.is_paid
    assert t.tax_breakdown[0].name == "VAT" and t.tax_breakdown[0].amount == Decimal("3.68")


def test_a_bad_order_in_a_batch_writes_nothing(desk: Desk) -> None:
    before = fingerprint(desk)
    bad = make_order()
    bad.lines[1].quantity = Decimal("-1")
    with pytest.raises(ValidationError) as e:
        desk.orders.create_many([make_order(), bad])
    assert e.value.field == "quantity" and "line 2" in str(e.value)
    assert fingerprint(desk) == before


@pytest.mark.parametrize("change,field", [
    (lambda o: setattr(o, "customer_code", "NOPE"), "customer_code"),
    (lambda o: setattr(o, "currency", "EURO"), "currency"),
    (lambda o: setattr(o, "order_date", "2026-13-45"), "order_date"),
    (lambda o: setattr(o, "status", "teleported"), "status"),
    (lambda o: setattr(o, "site", "x" * 101), "site"),
    (lambda o: setattr(o.lines[0], "unit_price", Decimal("1.123456")), "unit_price"),
    (lambda o: setattr(o.lines[0], "discount", Decimal("101")), "discount"),
    (lambda o: setattr(o.lines[0], "item_code", ""), "item_code"),
    (lambda o: setattr(o, "delivery_date", date(2020, 1, 1)), "delivery_date"),
])
def test_bad_input_names_the_field_and_writes_nothing(desk: Desk, change: object,
                                                      field: str) -> None:
    before = fingerprint(desk)
    doc = make_order()
    change(doc)  # type: ignore[operator]
    with pytest.raises(ValidationError) as e:
        desk.orders.create(doc)
    assert e.value.field == field
    assert field in str(e.value)
    assert fingerprint(desk) == before


def test_update_diffs_fields_and_soft_deletes_left_out_lines(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=3))
    keep_ids = [o.lines[0].id, o.lines[2].id]
    o.lines[0].quantity = Decimal("7")
    o.notes = "Deliver by crane"
    del o.lines[1]
    o.lines.append(Line("NEW-1", Decimal("1"), Decimal("100"), description="Free line"))
    saved = desk.orders.update(o)
    assert saved.version == 2
    assert [ln.id for ln in saved.lines][:2] == keep_ids
    assert [ln.position for ln in saved.lines] == [1, 2, 3]
    assert saved.lines[2].in_catalogue is False and saved.lines[0].in_catalogue
    inactive = desk.store.execute("SELECT COUNT(*) FROM order_line WHERE active = 0").fetchone()[0]
    assert inactive == 1  # soft, not physically deleted
    fields = {(e.entity_type, e.field) for e in desk.history.timeline(o.id)}
    assert ("line", "quantity") in fields and ("order", "notes") in fields
    assert ("line", "active") in fields and ("line", None) in fields


def test_saving_an_unchanged_document_changes_nothing(desk: Desk) -> None:
    o = desk.orders.create(make_order())
    events = len(desk.history.timeline(o.id))
    again = desk.orders.update(o)
    assert again.version == o.version
    assert len(desk.history.timeline(o.id)) == events


def test_stale_save_is_refused_with_who_and_when(desk: Desk) -> None:
    o = desk.orders.create(make_order())
    bob = desk.as_actor(Actor("bob", "Bob Builder"))
    mine, theirs = desk.orders.get(o.id), bob.orders.get(o.id)
    theirs.notes = "Bob's note"
    bob.orders.update(theirs)
    mine.notes = "Alice's note"
    with pytest.raises(ConflictError) as e:
        desk.orders.update(mine)
    assert e.value.changed_by == "Bob Builder" and e.value.changed_at is not None
    assert "Bob Builder" in str(e.value) and "nothing was overwritten" in str(e.value)
    assert desk.orders.get(o.id).notes == "Bob's note"


def test_delete_and_restore_bring_back_exactly_the_lines_deleted_with_it(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=3))
    o.lines.pop(0)  # deleted earlier by an edit: must stay deleted after restore
    o = desk.orders.update(o)
    res = desk.orders.delete([o.id])
    assert res.count == 1 and res.orders == ((o.id, o.number),)
    assert desk.listing.count(OrderQuery()) == 0
    deleted = desk.listing.page(OrderQuery(deleted=True)).rows
    assert [r.number for r in deleted] == [o.number]
    assert len(desk.orders.get(o.id).lines) == 2  # the deleted view shows its lines
    again = desk.orders.delete([o.id])
    assert again.count == 0 and again.skipped == ((o.id, o.number),)
    desk.orders.restore([o.id])
    back = desk.orders.get(o.id)
    assert back.active and [ln.item_code for ln in back.lines] == ["PLANK-2x4"] * 2
    assert [ln.id for ln in back.lines] == [ln.id for ln in o.lines]
    changes = [e.change for e in desk.history.timeline(o.id)]
    assert "deleted" in changes and "restored" in changes


def test_numbers_are_unique_per_company_yearly_and_skip_imported(desk: Desk) -> None:
    a = desk.orders.create(make_order())
    desk.orders.create_many([make_order(number="2026-0005")], imported=True)
    b = desk.orders.create(make_order())
    c = desk.orders.create(make_order(order_date=date(2027, 1, 2)))
    assert (a.number, b.number, c.number) == ("2026-0001", "2026-0006", "2027-0001")
    with pytest.raises(ValidationError):
        desk.orders.create(make_order(number="2026-0005"))
    desk.orders.delete([b.id])
    assert desk.orders.create(make_order()).number == "2026-0007"  # never reused


def test_concurrent_creation_never_duplicates_numbers(db_path: Path, desk: Desk) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(15):
                desk.orders.create_many([make_order(lines=1), make_order(lines=1)])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    other = open_store(db_path)  # a second connection sees the same
    numbers = [r[0] for r in other.execute("SELECT number FROM orders")]
    assert len(numbers) == 120 == len(set(numbers))


def test_payments_drive_balance_and_paid_flag(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))  # 2.50 + 0.53 VAT = 3.03
    desk.finance.save_payment(o.id, Payment(Decimal("1.00"), date(2026, 11, 3)))
    desk.finance.save_payment(o.id, Payment(Decimal("5.00"), date(2026, 11, 3), testing=True))
    desk.finance.save_payment(o.id, Payment(Decimal("5.00"), date(2026, 11, 3), status="failed"))
    t = desk.orders.get(o.id).totals
    assert t is not None and t.paid == Decimal("1.00") and t.balance == Decimal("2.03")
    pid = desk.finance.save_payment(o.id, Payment(Decimal("2.03"), date(2026, 11, 4)))
    t = desk.orders.get(o.id).totals
    assert t is not None and t.is_paid and t.balance == 0
    with pytest.raises(ValidationError, match="currency"):
        desk.finance.save_payment(o.id, Payment(Decimal("1"), date(2026, 11, 4), currency="USD"))
    desk.finance.remove(o.id, "payment", pid)
    t = desk.orders.get(o.id).totals
    assert t is not None and not t.is_paid
    row = desk.listing.rows([o.id])[0]
    assert row.balance == Decimal("2.03")  # the list's stored figures follow


def test_duplicate_makes_a_new_draft(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=2, reference="R-1"))
    d = desk.orders.duplicate(o.id)
    assert d.id != o.id and d.number != o.number and d.reference is None
    assert [ln.quantity for ln in d.lines] == [ln.quantity for ln in o.lines]
    assert {ln.id for ln in d.lines}.isdisjoint({ln.id for ln in o.lines})


def test_shipments_keep_tracking_numbers(desk: Desk) -> None:
    from orderdesk.core.docs import Shipment

    o = desk.orders.create(make_order())
    sid = desk.finance.save_shipment(o.id, Shipment("DHL", "JD0001", date(2026, 11, 5)))
    desk.finance.save_shipment(o.id, Shipment("DHL", "JD0002", date(2026, 11, 5), id=sid))
    [s] = desk.orders.get(o.id).shipments
    assert s.tracking_number == "JD0002"
    assert any(e.field == "tracking_number" for e in desk.history.timeline(o.id))
