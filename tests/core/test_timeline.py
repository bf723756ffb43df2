"""Timeline presentation and attachment intake: human text, groups, pages, filters, duplicates."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from orderdesk.core import Actor, Desk
from orderdesk.core.docs import Address, Payment, Shipment
from orderdesk.core.filetypes import MAX_SIZE, Refused
from orderdesk.core.history import Event, HistoryFilter
from orderdesk.core.intake import attach_one, attach_paths, read_limited, suggest_type
from orderdesk.core.inventory import Lot
from orderdesk.core.timeline import TimelinePager, describe, facets, group_events
from tests.conftest import make_order


def pdf_bytes(text: str = "Certificate 3.1") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def png_bytes(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buf, "PNG")
    return buf.getvalue()


def edit_everything(desk: Desk) -> str:
    """One order taken through every kind of change the timeline shows; returns its id."""
    o = desk.orders.create(make_order(lines=2))
    doc = desk.orders.get(o.id)
    doc.site = "Yard B"
    doc.lines[1].unit_price = Decimal("3.10")
    doc.addresses.append(Address("Delivery", name="Dock 4", city="Brno"))
    desk.orders.update(doc)
    a = desk.attachments.add("cert.pdf", pdf_bytes(), order=o.id, type="Certificate")
    desk.attachments.update(a.id, file_name="certificate.pdf")
    desk.attachments.set_active(a.id, False)
    bob = desk.as_actor(Actor("bob", "Bob Builder"))
    bob.attachments.add_log(o.id, "Called customer", "Wants it Friday")
    bob.finance.save_payment(o.id, Payment(Decimal("5"), date(2026, 11, 3)))
    bob.finance.save_shipment(o.id, Shipment(carrier="DHL", tracking_number="JD0001"))
    desk.inventory.save(Lot("PLANK-2x4", "Planks", Decimal(100), lot="H-1"))
    rid = bob.inventory.reserve(doc.lines[0].id, "H-1", Decimal(1))  # type: ignore[arg-type]
    bob.inventory.unreserve(rid)
    bob.lifecycle.set_status([o.id], "paid")
    bob.lifecycle.send(o.id)
    return o.id  # type: ignore[return-value]


def test_a_sequence_of_edits_gives_exactly_those_events_in_order(desk: Desk) -> None:
    oid = edit_everything(desk)
    number = desk.orders.get(oid).number
    got = [(e.actor_id, describe(e).text) for e in desk.history.timeline(oid)]
    md5 = desk.attachments.list(oid, include_removed=True)[0].md5
    lot = f"Line 1 · PLANK-2x4 ← Planks · {number} (H-1)"
    assert got == [
        ("bob", f"Log entry “Sent”: Order {number}: sent"),
        ("bob", f"Order {number}: stage draft → sent"),
        ("bob", f"Order {number}: status pending → paid"),
        ("bob", f"{lot}: released 1"),
        ("bob", f"{lot}: reserved 1"),
        ("bob", "Shipment · DHL added"),
        ("bob", "Payment · 5 EUR added"),
        ("bob", "Log entry “Called customer”: Wants it Friday"),
        ("alice", "Attachment · certificate.pdf removed"),
        ("alice", "Attachment · cert.pdf: file name cert.pdf → certificate.pdf"),
        ("alice", f"Attachment · cert.pdf added (MD5 {md5})"),
        ("alice", "Address · Delivery added"),
        ("alice", "Line 2 · PLANK-2x4: unit price 2.5 → 3.1"),
        ("alice", f"Order {number}: site ∅ → Yard B"),
        ("alice", f"Order {number} added"),
        ("alice", "Line 2 · PLANK-2x4 added"),
        ("alice", "Line 1 · PLANK-2x4 added"),
    ]


def test_described_parts_name_entity_field_old_and_new(desk: Desk) -> None:
    oid = edit_everything(desk)
    by_text = {describe(e).text: describe(e) for e in desk.history.timeline(oid)}
    price = by_text["Line 2 · PLANK-2x4: unit price 2.5 → 3.1"]
    assert (price.entity, price.what, price.old, price.new) == (
        "Line 2 · PLANK-2x4", "unit price", "2.5", "3.1")
    log = by_text["Log entry “Called customer”: Wants it Friday"]
    assert (log.entity, log.what, log.new) == ("Log entry", "Called customer", "Wants it Friday")


def test_replacing_an_attachment_is_described_with_both_md5s(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))
    first = attach_one(desk, "delivery.pdf", pdf_bytes("v1"), order=o.id)
    second = attach_one(desk, "delivery.pdf", pdf_bytes("v2"), order=o.id)
    assert first.stored and second.stored and second.replaced == first.stored
    assert second.stored.type == "DeliveryNote"
    texts = [describe(e).text for e in desk.history.timeline(o.id, limit=2)]
    assert texts == [
        f"Attachment · delivery.pdf added (MD5 {second.stored.md5})",
        f"Attachment · delivery.pdf replaced by a new version (MD5 {first.stored.md5} → "
        f"{second.stored.md5})"]
    assert [a.id for a in desk.attachments.list(o.id)] == [second.stored.id]
    assert not desk.attachments.info(first.stored.id).active  # kept, restorable


def event(i: int, actor: str, at: datetime) -> Event:
    return Event(i, at, actor, actor.title(), "updated", "order", "x", "Order 1", "notes",
                 str(i), str(i + 1), i)


def test_groups_by_actor_and_minute_and_continue_across_pages() -> None:
    t = datetime(2026, 11, 2, 10, 15, 50, tzinfo=timezone.utc)
    events = [event(6, "bob", t), event(5, "bob", t - timedelta(seconds=20)),  # 10:15
              event(4, "bob", t - timedelta(seconds=55)),  # 10:14: new minute
              event(3, "ann", t - timedelta(seconds=56)), event(2, "bob", t - timedelta(
                  seconds=57)), event(1, "bob", t - timedelta(seconds=58))]
    groups = group_events(events)
    assert [(g.actor_id, g.minute.minute, [e.id for e in g.events]) for g in groups] == [
        ("bob", 15, [6, 5]), ("bob", 14, [4]), ("ann", 14, [3]), ("bob", 14, [2, 1])]
    paged = group_events(events[:3])
    group_events(events[3:5], paged)
    group_events(events[5:], paged)
    assert [[e.id for e in g.events] for g in paged] == [[e.id for e in g.events] for g in groups]
    assert groups[0].heading().startswith("Bob · ")


def test_pager_gives_the_whole_timeline_page_by_page(desk: Desk) -> None:
    oid = edit_everything(desk)
    whole = [e.id for e in desk.history.timeline(oid)]
    pager = TimelinePager(desk, oid, page_size=4)
    pages = []
    while pager.can_fetch_more:
        pages.append([e.id for e in pager.fetch_more()])
    assert [i for p in pages for i in p] == whole and all(len(p) <= 4 for p in pages)
    assert sum(len(g.events) for g in pager.groups) == len(whole)
    actors = [g.actor_id for g in pager.groups]  # a minute may turn between the edits
    assert [a for i, a in enumerate(actors) if i == 0 or actors[i - 1] != a] == ["bob", "alice"]
    whole_groups = group_events(desk.history.timeline(oid))
    assert [[e.id for e in g.events] for g in pager.groups] == [
        [e.id for e in g.events] for g in whole_groups]
    assert pager.fetch_more() == []
    pager.reset(HistoryFilter(actor="bob", entity_type="reservation"))
    assert [describe(e).what for e in pager.all()] == ["released", "reserved"]
    pager.reset(HistoryFilter(field="unit_price"))
    assert [(e.old, e.new) for e in pager.all()] == [("2.5", "3.1")]
    pager.reset(HistoryFilter(text="yard"))
    assert [e.new for e in pager.all()] == ["Yard B"]


def test_facets_offer_only_what_the_order_has(desk: Desk) -> None:
    oid = edit_everything(desk)
    f = facets(desk, oid)
    assert [k for k, _ in f.entity_types] == ["order", "line", "address", "payment", "shipment",
                                              "attachment", "reservation", "log"]
    assert ("log", "Log entry") in f.entity_types
    assert ("unit_price", "unit price") in f.fields and ("stage", "stage") in f.fields
    assert f.actors == [("alice", "Alice Example"), ("bob", "Bob Builder")]


@pytest.mark.parametrize(("name", "kind"), [
    ("Invoice_2026-17.pdf", "Invoice"), ("credit-note 4.pdf", "CreditNote"),
    ("Lieferschein.pdf", "DeliveryNote"), ("EN10204 3.1 cert H-1.pdf", "Certificate"),
    ("photo.jpg", "Custom")])
def test_type_is_suggested_from_the_name(name: str, kind: str) -> None:
    assert suggest_type(name)[0] == kind
    assert suggest_type(name)[1] == ("Document" if kind == "Custom" else "")


def test_bad_files_are_refused_through_the_core_and_good_ones_kept(desk: Desk,
                                                                   tmp_path: Path) -> None:
    o = desk.orders.create(make_order(lines=1))
    files = {"good.pdf": pdf_bytes(), "empty.pdf": b"", "picture.png": png_bytes()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    shutil.copy("/bin/true", tmp_path / "true.pdf")
    with zipfile.ZipFile(tmp_path / "archive.pdf", "w") as z:
        z.writestr("readme.txt", "not a pdf")
    with open(tmp_path / "huge.pdf", "wb") as f:  # sparse: 6 GB on paper, nothing on disk
        f.write(b"%PDF-1.7\n")
        f.truncate(6 * 1024**3)
    names = ["good.pdf", "true.pdf", "empty.pdf", "archive.pdf", "huge.pdf", "picture.png",
             "missing.pdf"]
    out = attach_paths(desk, [tmp_path / n for n in names], order=o.id)
    assert [x.ok for x in out] == [True, False, False, False, False, True, False]
    reasons = {x.file_name: x.reason for x in out if not x.ok}
    assert "Linux executable" in reasons["true.pdf"]
    assert reasons["empty.pdf"] == "is empty (0 bytes)"
    assert "ZIP archive" in reasons["archive.pdf"]
    assert "limit is 5 MB" in reasons["huge.pdf"]
    assert reasons["missing.pdf"] == "does not exist"
    assert [a.file_name for a in desk.attachments.list(o.id)] == ["good.pdf", "picture.png"]


def test_read_limited_stops_at_the_limit_and_at_folders(tmp_path: Path) -> None:
    exact = tmp_path / "exact.pdf"
    exact.write_bytes(b"%PDF-1.7\n".ljust(MAX_SIZE, b"0"))
    assert len(read_limited(exact)) == MAX_SIZE
    with pytest.raises(Refused, match="is a folder"):
        read_limited(tmp_path)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF-1.7\n")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: nothing to check then
        return
    with pytest.raises(Refused, match="permission denied"):
        read_limited(locked)


def test_same_content_twice_is_noticed_unless_allowed(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))
    data = png_bytes()
    assert attach_one(desk, "a.png", data, order=o.id).ok
    again = attach_one(desk, "b.png", data, order=o.id)
    assert not again.ok and again.duplicate_of is not None
    assert again.reason.startswith("has the same content (MD5 ") and "as a.png" in again.reason
    other = desk.orders.create(make_order(lines=1))
    assert attach_one(desk, "a.png", data, order=other.id).ok  # other order: no duplicate
    forced = attach_one(desk, "b.png", data, order=o.id, allow_duplicate=True)
    assert forced.ok and len(desk.attachments.list(o.id)) == 2


def test_lot_certificates_go_through_the_same_intake(desk: Desk, tmp_path: Path) -> None:
    desk.inventory.save(Lot("PLANK-2x4", "Planks", Decimal(10), lot="HEAT-77"))
    (tmp_path / "mill cert.pdf").write_bytes(pdf_bytes())
    out = attach_paths(desk, [tmp_path / "mill cert.pdf", tmp_path / "mill cert.pdf"],
                       lot="HEAT-77", type="Certificate")
    assert [x.ok for x in out] == [True, False] and out[1].duplicate_of is not None
    assert [(a.file_name, a.type) for a in desk.attachments.list(lot="HEAT-77")] == [
        ("mill cert.pdf", "Certificate")]
