"""Company scoping: one company's data never appears in another's."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from orderdesk.core import Desk, NotFound, OrderQuery, Store, create_company
from orderdesk.core.inventory import Lot
from tests.conftest import make_order


def tiny_pdf(text: str = "Certificate 3.1") -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_companies_never_see_each_others_data(store: Store, desk: Desk) -> None:
    other = Desk(store, create_company(store, "Other GmbH", "EUR").id, desk.actor)
    other.catalog.create_customers([("C1", "Other's customer")])
    mine = desk.orders.create(make_order(reference="SAME-REF", notes="mine"))
    theirs = other.orders.create(make_order(reference="SAME-REF", notes="theirs"))
    # same number and reference in both companies: each has its own series
    assert mine.number == theirs.number == "2026-0001"
    desk.attachments.add("a.pdf", tiny_pdf(), order=mine.id, type="Invoice")
    other.attachments.add("b.pdf", tiny_pdf("other"), order=theirs.id, type="Invoice")
    assert [r.id for r in desk.listing.page(OrderQuery(text="plank")).rows] == [mine.id]
    assert desk.listing.count(OrderQuery()) == 1 == other.listing.count(OrderQuery())
    assert desk.orders.get(mine.number).notes == "mine"  # by number: this company's
    assert other.orders.get(mine.number).notes == "theirs"
    with pytest.raises(NotFound):
        other.orders.get(mine.id)
    with pytest.raises(NotFound):
        other.history.timeline(mine.id)
    assert [a.file_name for a in desk.attachments.list()] == ["a.pdf"]
    assert [a.file_name for a in other.attachments.list()] == ["b.pdf"]
    with pytest.raises(NotFound):
        other.attachments.content(desk.attachments.list()[0].id)
    labels = {e.entity_id for e in desk.history.timeline(mine.id)}
    assert theirs.id not in labels and not (labels & {ln.id for ln in theirs.lines})
    assert other.catalog.customer("C1").name == "Other's customer"
    lot = desk.inventory.save(Lot("PLANK-2x4", "Mine", Decimal(5), lot="L1"))
    assert other.inventory.lots() == []
    with pytest.raises(NotFound):
        other.inventory.reserve(theirs.lines[0].id, lot.id)  # type: ignore[arg-type]
    assert desk.listing.uuids(OrderQuery(ids=(theirs.id,))) == []
