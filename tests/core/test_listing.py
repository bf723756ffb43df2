"""The order list: keyset pages under every sort, search, filters, counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from orderdesk.core import Desk, Line, OrderQuery, Tax, ValidationError
from orderdesk.core.schema import SORTABLE
from tests.conftest import make_order


@pytest.fixture
def many(desk: Desk) -> Desk:
    docs = []
    for i in range(57):
        d = make_order(customer="C1" if i % 3 else "C2", lines=1 + i % 4,
                       order_date=date(2026, 1, 1) + timedelta(days=i % 20),
                       reference=f"REF-{i:03d}" if i % 2 else None,
                       delivery_date=date(2026, 3, 1) + timedelta(days=i % 7) if i % 5 else None,
                       site=("Yard", "Hall", "")[i % 3])
        d.lines[0].quantity = Decimal(i % 9)
        docs.append(d)
    desk.orders.create_many(docs)
    return desk


@pytest.mark.parametrize("sort", SORTABLE)
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_visit_every_row_once_in_order(many: Desk, sort: str,
                                                    descending: bool) -> None:
    q = OrderQuery(sort=sort, descending=descending)
    seen, after = [], None
    while True:
        page = many.listing.page(q, limit=10, after=after)
        seen += page.rows
        if not page.more:
            break
        after = page.rows[-1].key
    assert len(seen) == len({r.id for r in seen}) == many.listing.count(q) == 57
    keys = [(r.sort_key, r.rowid) for r in seen]
    assert keys == sorted(keys, reverse=descending)
    assert many.listing.at_offset(q, 50, 10).rows == seen[50:]
    last = many.listing.page(q, limit=7, reverse=True).rows  # the end of the list
    assert last == seen[-7:]


def test_search_matches_numbers_references_customers_lines(desk: Desk) -> None:
    a = desk.orders.create(make_order(reference="ACME-77", customer_reference="PO-5521"))
    b = desk.orders.create(make_order(customer="C2"))
    doc = desk.orders.get(b.id)
    doc.lines.append(Line("BOLT-M12", Decimal(4), Decimal("0.40"), description="Šroub pozinkovaný",
                          taxes=[Tax("VAT", Decimal(21))]))
    desk.orders.update(doc)

    def hits(text: str) -> set[str]:
        return {r.number for r in desk.listing.page(OrderQuery(text=text)).rows}

    assert hits("ACME") == {a.number}
    assert hits("po-55") == {a.number}
    assert hits(a.number) == {a.number}
    assert hits("zakaznik") == {b.number}  # diacritics folded: Zákazník
    assert hits("bolt m12") == {b.number}
    assert hits("sroub") == {b.number}
    assert hits("plank") == {a.number, b.number}
    assert hits("nothing-like-this") == set()
    assert desk.listing.count(OrderQuery(text="bolt")) == 1


def test_filters_are_inclusive_and_combine(many: Desk) -> None:
    def n(**kw: object) -> int:
        return many.listing.count(OrderQuery(**kw))  # type: ignore[arg-type]

    assert n(customer_code="C2") == 19
    assert n(order_date_from=date(2026, 1, 1), order_date_to=date(2026, 1, 1)) == 3
    assert n(order_date_from=date(2026, 1, 19)) == len([i for i in range(57) if i % 20 >= 18])
    assert n(delivery_date_from=date(2026, 3, 7), delivery_date_to=date(2026, 3, 7)) == \
        len([i for i in range(57) if i % 5 and i % 7 == 6])
    today = datetime.now(timezone.utc).date()
    assert n(created_from=today, created_to=today) == 57
    assert n(statuses=("paid",)) == 0
    assert n(stages=("sent",)) == 0
    rev = many.company().revision
    o = many.listing.page(OrderQuery(), limit=1).rows[0]
    many.lifecycle.send(o.id)
    assert n(stages=("sent",)) == 1 and n(stages=("draft", "sent")) == 57
    assert [r.id for r in many.listing.page(OrderQuery(changed_since_revision=rev)).rows] == [o.id]
    assert n(changed_since=datetime.now(timezone.utc) - timedelta(minutes=5)) == 57


def test_unknown_sort_column_is_refused(desk: Desk) -> None:
    with pytest.raises(ValidationError):
        desk.listing.page(OrderQuery(sort="notes; DROP TABLE orders"))


def test_customer_summary(many: Desk) -> None:
    s = many.catalog.customer_summary("C2")
    assert s["orders"] == 19 and s["drafts"] == 19
    assert s["by_currency"]["EUR"]["total"] > 0  # type: ignore[index]


@pytest.mark.parametrize("few", [0, 10**6])
def test_both_search_plans_give_the_same_pages(many: Desk, few: int) -> None:
    """Few hits are read from the index and sorted; many walk the sort index."""
    many.listing.FEW_HITS = few
    every = many.listing.rows(many.listing.uuids(OrderQuery(stages=())))
    for text, expected in (("plank", every), ("ref", [r for r in every if r.reference]),
                           ("2026-0001", [r for r in every if r.number == "2026-0001"])):
        q = OrderQuery(text=text, sort="number", descending=False)
        seen, after = [], None
        while True:
            page = many.listing.page(q, limit=7, after=after)
            seen += [r.number for r in page.rows]
            if not page.more:
                break
            after = page.rows[-1].key
        assert seen == sorted(r.number for r in expected)
        assert many.listing.count(q) == len(expected) == len(many.listing.uuids(q))
