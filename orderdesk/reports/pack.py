"""The certificate pack of an order: gathered, built, stored, and reused while unchanged."""

from __future__ import annotations

import hashlib
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from pypdf import PdfReader, PdfWriter

from orderdesk.core.desk import Desk
from orderdesk.core.errors import IntegrityFailure
from orderdesk.core.filetypes import MAX_SIZE
from orderdesk.core.inventory import ReservationRow
from orderdesk.core.pdfcheck import PdfVerdict, check_pdf, parse_verdict, verdict_text
from orderdesk.core.tx import write
from orderdesk.reports import cover, fonts, packpdf
from orderdesk.reports.documents import Progress, address_text, find_address, tick
from orderdesk.reports.fmt import Fmt
from orderdesk.reports.packpdf import Cert

PACK_LABEL = "Certificate pack"
LOG_TITLE = "Certificate pack produced"
# Part of the fingerprint: a new layout of the pack makes stored packs stale.
PACK_FORMAT = 1


@dataclass(frozen=True)
class PackResult:
    data: bytes
    reused: bool
    fingerprint: str
    pages: int
    missing: tuple[str, ...]
    attachment_id: str | None  # None when the pack was too large to keep (over 5 MB)
    produced_at: datetime | None = None
    produced_by: str = ""


@dataclass(frozen=True)
class Limits:
    """Bounds for checking a certificate that was stored without a verdict."""

    timeout: float = 10.0
    memory_mb: int = 512


def fingerprint(desk: Desk, order: str) -> tuple[str, dict[str, Any], list[ReservationRow]]:
    """What the pack depends on: order version, active reservations, certificates' contents."""
    head = desk.orders.order_head(order)
    res = desk.inventory.reservations(order=head["uuid"])
    key = {"format": PACK_FORMAT, "order": head["uuid"], "version": head["version"],
           "reservations": [[r.id, r.line_id, r.lot_id, r.lot_name, r.lot_number,
                             str(r.quantity), [list(c) for c in r.certificates]] for r in res]}
    text = json.dumps(key, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest(), head, res


def certificate_pack(desk: Desk, order: str, *, fmt: Fmt | None = None,
                     progress: Progress | None = None, reuse: bool = True,
                     limits: Limits = Limits()) -> PackResult:
    """The stored pack if nothing behind it changed, else a new one (stored, logged)."""
    fp, head, res = fingerprint(desk, order)
    if reuse:
        found = stored_pack(desk, head["uuid"], fp)
        if found is not None:
            return found
    data, info = build_pack(desk, head["uuid"], res, fmt or Fmt(), progress, limits)
    pages = info.cover_pages + sum(c.pages for c in info.certs)  # as stamped; no re-reading
    included = sum(1 for c in info.certs if c.included)
    desc = (f"Certificate pack of order {head['number']}: {pages} pages, {included} of "
            f"{len(info.certs)} certificates included, {len(info.missing)} missing.")
    attachment_id = None
    with write(desk.store, desk.company_id, desk.actor):
        if len(data) <= MAX_SIZE:
            prev = [a for a in desk.attachments.list(order=head["uuid"])
                    if a.type == "Custom" and a.label == PACK_LABEL]
            att = desk.attachments.add(
                f"certificate-pack-{head['number']}.pdf", data, order=head["uuid"],
                type="Custom", label=PACK_LABEL, replaces=prev[-1].id if prev else None,
                verdict=verdict_text(PdfVerdict(True, pages)))
            attachment_id = att.id
        else:
            desc += (f" Not kept: {len(data):,} bytes is over the 5 MB attachment limit, so the "
                     "next request builds it again.")
        listed = "".join(f"\nMissing: {m}" for m in info.missing)[:15000]
        desk.attachments.add_log(head["uuid"], LOG_TITLE, f"{desc}\nFingerprint: {fp}{listed}",
                                 attachment_id=attachment_id)
    return PackResult(data, False, fp, pages, tuple(info.missing), attachment_id,
                      info.produced_at, info.produced_by)


def stored_pack(desk: Desk, order_uuid: str, fp: str) -> PackResult | None:
    """The kept pack made from exactly this fingerprint, if it is still active and intact."""
    for log in desk.attachments.logs(order_uuid):
        if log.title != LOG_TITLE or not log.attachment_id:
            continue
        if f"Fingerprint: {fp}" not in log.description:
            continue
        info = desk.attachments.info(log.attachment_id)
        if not info.active:
            continue
        try:
            data = desk.attachments.content(info.id)
        except IntegrityFailure:
            return None  # damaged in storage: build a fresh one
        pages = parse_verdict(info.verdict).pages if info.verdict else 0
        missing = tuple(m.removeprefix("Missing: ") for m in log.description.split("\n")[2:])
        return PackResult(data, True, fp, pages, missing, info.id, log.at, log.actor)
    return None


def build_pack(desk: Desk, order_uuid: str, res: list[ReservationRow], fmt: Fmt,
               progress: Progress | None = None,
               limits: Limits = Limits()) -> tuple[bytes, cover.CoverInfo]:
    """The pack's bytes, nothing stored."""
    packpdf.quiet_pypdf()
    fonts.register()
    o = desk.orders.get(order_uuid)
    unit = {ln.id: ln.unit for ln in o.lines}
    by_line: dict[str, list[ReservationRow]] = {}
    for r in res:
        by_line.setdefault(r.line_id, []).append(r)
    info = cover.CoverInfo(
        company=desk.company().name, number=o.number or "",
        customer=f"{o.customer_code} · {o.customer_name}",
        customer_reference=o.customer_reference, order_date=fmt.date(o.order_date),
        delivery_date=fmt.date(o.delivery_date),
        delivery_address=address_text(find_address(o, "Delivery")),
        produced_at=datetime.now(timezone.utc), produced_by=desk.actor.name,
        line_count=0, lot_count=len({r.lot_id for r in res}))
    certs: dict[str, Cert] = {}
    no_cert: set[str] = set()
    for ln in sorted((x for x in o.lines if x.active), key=lambda x: x.position or 0):
        info.line_count += 1
        label = f"{ln.position} · {ln.item_code}"
        qty = f"{fmt.number(ln.quantity)} {ln.unit}"
        rs = by_line.get(ln.id or "", [])
        got = sum((r.quantity for r in rs), Decimal(0))
        if not rs:
            info.missing.append(f"Line {label} ({ln.description}): not reserved")
            info.rows.append(cover.TraceRow(label, ln.description, qty, note="not reserved"))
            continue
        if got < ln.quantity:
            info.missing.append(f"Line {label}: only {fmt.number(got)} of {qty} reserved")
        first = True
        for r in rs:
            lot = f"{r.lot_number} · {r.lot_name}" if r.lot_number else r.lot_name
            heat = r.lot_number or r.lot_name
            reserved = f"{fmt.number(r.quantity)} {unit.get(r.line_id, '')}"
            if not r.certificates:
                if r.lot_id not in no_cert:
                    no_cert.add(r.lot_id)
                    info.missing.append(f"Lot {lot}: no certificate")
                info.rows.append(cover.TraceRow(label, ln.description, qty, heat, r.lot_name,
                                                reserved, note="no certificate", first=first))
                first = False
            for cid, name, md5 in r.certificates:
                cert = certs.setdefault(cid, Cert(cid, name, md5, lot))
                info.rows.append(cover.TraceRow(label, ln.description, qty, heat, r.lot_name,
                                                reserved, cert, first=first))
                first = False
    info.certs = list(certs.values())
    _load(desk, info.certs, progress, limits)
    writer = PdfWriter()
    for cert in info.certs:
        packpdf.append_cert(writer, cert)
    for cert in info.certs:
        if not cert.included:
            info.missing.append(f"Certificate {cert.name} of lot {cert.lot} is not included: "
                                f"it {cert.problem}")
    front = PdfReader(io.BytesIO(cover.build(info, fmt)))
    writer.merge(0, front, import_outline=False)
    for cert in info.certs:
        cert.start += info.cover_pages
    packpdf.outline(writer, info.cover_pages, info.certs)
    packpdf.stamp(writer, f"Certificate pack {o.number}")
    writer.add_metadata({"/Title": f"Certificate pack {o.number}", "/Author": desk.actor.name,
                         "/Creator": "OrderDesk", "/Subject": f"Order {o.number} · "
                         f"{o.customer_name}"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    tick(progress, len(info.certs) + 1, len(info.certs) + 1)
    return out.getvalue(), info


def _load(desk: Desk, certs: list[Cert], progress: Progress | None, limits: Limits) -> None:
    """Reads every certificate (MD5-checked) and decides how it goes into the pack."""
    total = len(certs) + 1
    unchecked: list[Cert] = []
    verdicts: dict[str, PdfVerdict] = {}
    for i, cert in enumerate(certs):
        tick(progress, i, total)
        try:
            cert.data = desk.attachments.content(cert.id)
        except IntegrityFailure:
            cert.problem = "is damaged in the database: its content no longer matches its MD5"
            continue
        if cert.data.startswith(b"%PDF-"):
            stored = desk.attachments.info(cert.id).verdict
            try:
                verdicts[cert.id] = parse_verdict(stored)
            except ValueError:
                unchecked.append(cert)
        elif cert.data.startswith((b"\x89PNG", b"\xff\xd8\xff")):
            packpdf.check_image(cert)
        else:
            cert.problem = ("is not a PDF, JPG or PNG file and cannot be placed in a PDF; "
                            "print it separately")
    if unchecked:
        # Each check is a child process with its own time and memory limits; run a few at once.
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
            found = pool.map(lambda c: check_pdf(c.data, limits.timeout, limits.memory_mb),
                             unchecked)
            for cert, verdict in zip(unchecked, found):
                verdicts[cert.id] = verdict
                desk.attachments.set_verdict(cert.id, verdict_text(verdict))
    for cert in certs:
        v = verdicts.get(cert.id)
        if v is None:
            continue
        if v.ok:
            packpdf.open_pdf(cert)
        else:
            cert.problem = v.reason or "is not a readable PDF"
    tick(progress, len(certs), total)
