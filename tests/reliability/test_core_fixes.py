"""Core bugs the state machine found, pinned down one by one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from orderdesk.core import Desk, Payment, Shipment

from tests.conftest import make_order


def test_duplicating_an_order_with_a_payment_and_a_shipment_copies_neither(desk: Desk) -> None:
    # was: sqlite3.IntegrityError, UNIQUE constraint failed: payment.uuid
    src = desk.orders.create(make_order(lines=2))
    assert src.id is not None
    desk.finance.save_payment(src.id, Payment(Decimal("5.00"), date(2026, 11, 3)))
    desk.finance.save_shipment(src.id, Shipment("DHL", "JD0001"))
    copy = desk.orders.duplicate(src.id)
    assert (copy.payments, copy.shipments) == ([], [])
    assert copy.totals and copy.totals.paid == 0 and copy.totals.balance == copy.totals.grand_total
    assert len(desk.orders.get(src.id).payments) == 1


def test_duplicating_a_deleted_order_gives_live_lines(desk: Desk) -> None:
    # was: the copy's lines were stored inactive, so the new draft looked empty
    src = desk.orders.create(make_order(lines=3))
    desk.orders.delete([src.id])  # type: ignore[list-item]
    copy = desk.orders.duplicate(src.id)  # type: ignore[arg-type]
    assert [(ln.item_code, ln.quantity, ln.active) for ln in copy.lines] == \
        [(ln.item_code, ln.quantity, True) for ln in src.lines]
    assert copy.totals and src.totals and copy.totals.grand_total == src.totals.grand_total
    assert desk.check() == []


def test_a_deleted_order_stores_the_totals_its_document_shows(desk: Desk) -> None:
    # was: stored totals dropped the deleted lines (kept only surcharges), while opening
    # the deleted order showed and totalled them: the deleted-orders list disagreed
    from orderdesk.core import Surcharge, Tax
    from orderdesk.core.money import from_fixed

    src = desk.orders.create(make_order(lines=2, surcharges=[
        Surcharge(Decimal("4.00"), taxes=[Tax("VAT", Decimal(21))])]))
    assert src.id is not None and src.totals is not None
    desk.finance.save_payment(src.id, Payment(Decimal("1.00"), date(2026, 11, 3)))
    desk.orders.delete([src.id])

    def stored() -> tuple[object, ...]:
        row = desk.store.execute("SELECT grand_total, paid, balance, line_count FROM orders "
                                 "WHERE uuid = ?", [src.id]).fetchone()
        return (*(from_fixed(x) for x in row[:3]), row[3])

    shown = desk.orders.get(src.id).totals
    assert shown is not None and shown.grand_total == src.totals.grand_total
    assert stored() == (shown.grand_total, Decimal(1), shown.grand_total - 1, 2)
    desk.orders.restore([src.id])
    assert stored() == (shown.grand_total, Decimal(1), shown.grand_total - 1, 2)
