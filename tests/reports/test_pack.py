"""Certificate packs: cover, traceability, certificates appended, outline, stamps, reuse."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from orderdesk.core import Desk, Order
from orderdesk.core.filetypes import md5_hex
from orderdesk.reports import Cancelled, Fmt, certificate_pack
from orderdesk.reports.pack import LOG_TITLE, PACK_LABEL
from orderdesk.reports.samples import (
    make_certificate_jpg, make_certificate_pdf, make_certificate_png, make_protected_pdf,
)

from tests.reports.conftest import Pdf, add_lot, make_order


def rotated_pdf() -> bytes:
    """A landscape-rotated page whose media box does not start at 0,0 (as scanners make)."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(make_certificate_pdf("Rotated", "H-A1"))))
    page = w.pages[0]
    page.rotate(90)
    page.mediabox = RectangleObject([100, 50, 695, 892])
    page.cropbox = RectangleObject([100, 50, 695, 892])
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


class Setup:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.order: Order = make_order(desk, 4)
        ln = self.order.lines
        self.lot_a = add_lot(desk, "ITEM-001", "H-A1")
        self.lot_b = add_lot(desk, "ITEM-002", "H-B2")
        self.lot_c = add_lot(desk, "ITEM-003", "H-C3")
        self.files = {
            "mill-cert-Ä1.pdf": (self.lot_a, make_certificate_pdf("Lot of ITEM-001", "H-A1", 2)),
            "scan-a1.png": (self.lot_a, make_certificate_png("Lot of ITEM-001", "H-A1")),
            "rotated-a1.pdf": (self.lot_a, rotated_pdf()),
            "scan-b2.jpg": (self.lot_b, make_certificate_jpg("Lot of ITEM-002", "H-B2")),
            "protected-b2.pdf": (self.lot_b, make_protected_pdf("Lot of ITEM-002", "H-B2")),
            "broken-b2.pdf": (self.lot_b, b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 9 0 R"
                              b">> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"),
        }
        self.att = {name: desk.attachments.add(name, data, lot=lot.id, type="Certificate")
                    for name, (lot, data) in self.files.items()}
        desk.inventory.reserve(ln[0].id, self.lot_a.id)  # type: ignore[arg-type]
        desk.inventory.reserve(ln[1].id, self.lot_b.id, Decimal(5))  # type: ignore[arg-type]
        desk.inventory.reserve(ln[2].id, self.lot_c.id, Decimal(13))  # type: ignore[arg-type]
        # line 4 stays unreserved


@pytest.fixture
def pack_setup(rdesk: Desk) -> Setup:
    return Setup(rdesk)


def test_pack_pages_outline_stamps_and_cover(pack_setup: Setup) -> None:
    s = pack_setup
    result = certificate_pack(s.desk, s.order.number or "", fmt=Fmt("en_GB"))
    pdf = Pdf(result.data)
    texts = pdf.texts()
    # cover 1 + mill cert 2 + png 1 + rotated 1 + jpg 1 + two notices
    assert len(texts) == result.pages == 8
    for n, text in enumerate(texts, 1):
        assert f"Certificate pack {s.order.number} · Page {n} of 8" in text
    cover = " ".join(texts[0].split())
    for name, (lot, data) in s.files.items():
        assert name in cover and md5_hex(data) in cover
    assert "H-A1" in cover and "H-C3" in cover and "no certificate" in cover
    assert "not reserved" in cover and "Zofia Wiśniewska" in cover and "Jana Nováková" in cover
    assert list(result.missing[:3]) == [
        "Line 2 · ITEM-002: only 5 of 12 kg reserved",
        "Lot H-C3 · Lot of ITEM-003 · " + s.order.number + ": no certificate",
        "Line 4 · ITEM-004 (Steel plate S355J2+N 10 mm, cut to size #4): not reserved",
    ]
    assert any("protected-b2.pdf" in m and "password" in m for m in result.missing)
    assert any("broken-b2.pdf" in m for m in result.missing)
    titles = pdf.outline_titles()
    assert titles[:2] == ["Cover and traceability", "Certificates (6)"]
    assert titles[2] == "H-A1 · Lot of ITEM-001 · mill-cert-Ä1.pdf"
    assert titles[-1].endswith("broken-b2.pdf (not included)")
    reader = pdf.reader
    starts = [reader.get_destination_page_number(d) for d in reader.outline[2]]  # type: ignore[arg-type, index]
    assert starts == [1, 3, 4, 5, 6, 7]
    assert "Specimen 2.1" in texts[2]  # the mill certificate's own second page, appended as is
    assert "could not be included" in texts[6] and "password" in texts[6]
    assert "could not be included" in texts[7]


def test_pack_is_stored_logged_and_verdicts_kept(pack_setup: Setup) -> None:
    s = pack_setup
    first = certificate_pack(s.desk, s.order.id or "")
    packs = [a for a in s.desk.attachments.list(order=s.order.id) if a.label == PACK_LABEL]
    assert len(packs) == 1 and packs[0].id == first.attachment_id and packs[0].type == "Custom"
    log = [x for x in s.desk.attachments.logs(s.order.id or "") if x.title == LOG_TITLE]
    assert len(log) == 1 and log[0].attachment_id == first.attachment_id
    assert first.fingerprint in log[0].description
    verdicts = {n: s.desk.attachments.info(a.id).verdict for n, a in s.att.items()}
    assert verdicts["mill-cert-Ä1.pdf"].startswith("ok: 2 pages")
    assert verdicts["protected-b2.pdf"].startswith("refused")
    assert verdicts["broken-b2.pdf"].startswith("refused")


def test_stored_verdict_is_used_not_checked_again(pack_setup: Setup) -> None:
    s = pack_setup
    s.desk.attachments.set_verdict(s.att["mill-cert-Ä1.pdf"].id,
                                   "refused: 0 pages; was flagged when it was stored")
    result = certificate_pack(s.desk, s.order.id or "")
    assert any("mill-cert-Ä1.pdf" in m and "flagged when it was stored" in m
               for m in result.missing)
    assert result.pages == 7  # its two pages became one notice page


def test_reused_while_unchanged_and_rebuilt_after_any_change(pack_setup: Setup) -> None:
    s = pack_setup
    num = s.order.number or ""
    first = certificate_pack(s.desk, num)
    again = certificate_pack(s.desk, num)
    assert again.reused and not first.reused
    assert again.data == first.data and again.attachment_id == first.attachment_id
    assert again.missing == first.missing and again.pages == first.pages
    # a new certificate on a reserved lot
    s.desk.attachments.add("late.pdf", make_certificate_pdf("C", "H-C3"), lot=s.lot_c.id,
                           type="Certificate")
    second = certificate_pack(s.desk, num)
    assert not second.reused and second.pages == first.pages + 1
    assert not s.desk.attachments.info(first.attachment_id or "").active  # replaced, kept
    # a new reservation
    s.desk.inventory.reserve(s.order.lines[3].id, add_lot(s.desk, "ITEM-004", "H-D4").id)  # type: ignore[arg-type]
    third = certificate_pack(s.desk, num)
    assert not third.reused and third.fingerprint != second.fingerprint
    # an edit of the order
    o = s.desk.orders.get(num)
    o.notes = "Changed"
    s.desk.orders.update(o)
    fourth = certificate_pack(s.desk, num)
    assert not fourth.reused
    assert certificate_pack(s.desk, num).reused
    logs = [x for x in s.desk.attachments.logs(num) if x.title == LOG_TITLE]
    assert len(logs) == 4


def test_cancel_writes_nothing(pack_setup: Setup) -> None:
    s = pack_setup
    with pytest.raises(Cancelled):
        certificate_pack(s.desk, s.order.id or "", progress=lambda done, total: done < 2)
    assert not [a for a in s.desk.attachments.list(order=s.order.id) if a.label == PACK_LABEL]
    assert not [x for x in s.desk.attachments.logs(s.order.id or "") if x.title == LOG_TITLE]


def test_order_without_reservations_still_gets_a_pack(rdesk: Desk) -> None:
    o = make_order(rdesk, 2)
    result = certificate_pack(rdesk, o.id or "")
    assert result.pages == 1 and len(result.missing) == 2
    assert Pdf(result.data).outline_titles() == ["Cover and traceability"]


def test_large_order_cover_spans_pages_with_right_page_references(rdesk: Desk) -> None:
    o = make_order(rdesk, 50)
    lot = add_lot(rdesk, "ITEM-001", "H-BIG", qty="100000")
    for i in range(3):
        rdesk.attachments.add(f"c{i}.pdf", make_certificate_pdf("Big", "H-BIG", 2, seed=i),
                              lot=lot.id, type="Certificate")
    for ln in o.lines:
        rdesk.inventory.reserve(ln.id, lot.id, ln.quantity)  # type: ignore[arg-type]
    result = certificate_pack(rdesk, o.id or "")
    reader = Pdf(result.data).reader
    cover_pages = result.pages - 6
    assert cover_pages > 2
    for page in reader.pages[1:cover_pages]:
        text = page.extract_text()
        assert "Certificate · MD5" in text and f"Certificate pack {o.number}" in text
    starts = [reader.get_destination_page_number(d) for d in reader.outline[2]]  # type: ignore[arg-type, index]
    assert starts == [cover_pages, cover_pages + 2, cover_pages + 4]
    assert result.missing == ()
    # the table's Page column points at the same pages (1-based): the last row names c2.pdf
    import re

    cover = " ".join(p.extract_text() for p in reader.pages[:cover_pages])
    for name, page in (("c0", cover_pages + 1), ("c2", cover_pages + 5)):
        refs = re.findall(rf"{name}\.pdf\s+[0-9a-f]{{32}}\s+(\d+)", cover)
        assert refs == [str(page)] * 50, refs[:5]


def test_certificate_pages_are_appended_as_they_are_and_stamped_by_a_form(
        pack_setup: Setup) -> None:
    """The stamp wraps a page's own streams untouched: [q, its streams, Q + stamp form]."""
    import re

    s = pack_setup
    result = certificate_pack(s.desk, s.order.number or "")
    reader = Pdf(result.data).reader
    original = PdfReader(io.BytesIO(s.files["mill-cert-Ä1.pdf"][1])).pages
    for n, page in enumerate(reader.pages):
        streams = page["/Contents"].get_object()
        assert streams[0].get_object().get_data() == b"q\n"
        closing = streams[-1].get_object().get_data()
        # plain PDF numbers only: the rotated page's offset once came out as 6e-15
        assert re.fullmatch(rb"\nQ q 1 0 0 1 -?[0-9.]+ -?[0-9.]+ cm /OdPageStamp\d* Do Q\n",
                            closing), closing
        name = closing.split()[-3].decode()
        form = page["/Resources"]["/XObject"][name].get_object()
        assert form["/Subtype"] == "/Form" and b"Tj" in form.get_data()
        if n in (1, 2):  # the mill certificate's pages: their content is byte for byte its own
            own = b"".join(x.get_object().get_data() for x in streams[1:-1])
            assert own == original[n - 1]["/Contents"].get_object().get_data()


def test_pack_inside_a_pack_keeps_its_own_stamps(pack_setup: Setup) -> None:
    """A certificate that already carries our stamp form keeps it: the new one never shadows."""
    s = pack_setup
    num = s.order.number or ""
    inner = certificate_pack(s.desk, num)
    s.desk.attachments.add("earlier-pack.pdf", inner.data, lot=s.lot_c.id, type="Certificate")
    outer = certificate_pack(s.desk, num)
    assert not outer.reused and outer.pages == inner.pages + 8
    texts = Pdf(outer.data).texts()
    start = next(i for i, t in enumerate(texts) if "Specimen 2.1" in t and i > 3)
    page = texts[start - 1]  # the inner pack's mill certificate page 1
    assert f"Certificate pack {num} · Page 2 of 8" in page
    assert f"Certificate pack {num} · Page {start} of {outer.pages}" in page


def test_long_names_and_descriptions_wrap_inside_their_cells(rdesk: Desk) -> None:
    from orderdesk.reports import fonts
    from orderdesk.reports.layout import fit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fonts.register()
    name = "Abnahmeprüfzeugnis_" + "Ż" * 40 + "_" + "x" * 60 + ".pdf"
    lines = fit(name, fonts.REGULAR, 8, 130)
    assert len(lines) > 2 and "".join(lines) == name
    assert all(stringWidth(x, fonts.REGULAR, 8) <= 130 for x in lines)
    assert fit("short text", fonts.REGULAR, 8, 130) == ["short text"]
    words = fit("word " * 40, fonts.REGULAR, 8, 130)
    assert all(x.strip() == " ".join(["word"] * len(x.split())) for x in words)

    o = make_order(rdesk, 1, description="Rundstahl 42CrMo4 vergütet " * 6)
    lot = add_lot(rdesk, "ITEM-001", "H-LONG")
    rdesk.attachments.add(name, make_certificate_pdf("Long", "H-LONG"), lot=lot.id,
                          type="Certificate")
    rdesk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    cover = Pdf(certificate_pack(rdesk, o.id or "").data).texts()[0]
    flat = "".join(cover.split())
    assert name in flat and ("Rundstahl42CrMo4vergütet" * 6) in flat
