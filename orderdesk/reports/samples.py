"""Sample mill certificates (PDF pages, PNG and JPG scans) for demo data and tests."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from orderdesk.reports import fonts

from orderdesk.core.desk import Desk

if TYPE_CHECKING:
    from orderdesk.core.db import Store

_MILLS = ("Huta Częstochowa S.A.", "Třinecké železárny a.s.", "Stahlwerk Thüringen GmbH",
          "Ελληνικά Χαλυβουργεία Α.Ε.", "ММК — Магнитогорский металлургический комбинат")
_ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Cu")


def make_certificate_pdf(lot_name: str, heat: str, pages: int = 1, *, mill: str = "",
                         seed: int = 0) -> bytes:
    """An EN 10204 3.1 inspection certificate of `pages` pages for one heat."""
    rnd = random.Random(f"{heat}/{seed}")
    mill = mill or rnd.choice(_MILLS)
    fonts.register()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=True, initialFontName=fonts.REGULAR)
    c.setTitle(f"Inspection certificate {heat}")
    w, h = A4
    number = f"{rnd.randint(100000, 999999)}/{rnd.randint(20, 26)}"
    for page in range(1, pages + 1):
        c.setFont(fonts.BOLD, 13)
        c.drawString(20 * mm, h - 25 * mm, mill)
        c.setFont(fonts.REGULAR, 9)
        c.drawString(20 * mm, h - 31 * mm, "Inspection certificate EN 10204 — 3.1 / "
                                           "Abnahmeprüfzeugnis / Świadectwo odbioru")
        c.drawRightString(w - 20 * mm, h - 25 * mm, f"No. {number}")
        c.drawRightString(w - 20 * mm, h - 31 * mm, f"Page {page} / {pages}")
        c.setStrokeColor(colors.HexColor("#1F3A60"))
        c.line(20 * mm, h - 34 * mm, w - 20 * mm, h - 34 * mm)
        y = h - 45 * mm
        if page == 1:
            for k, v in (("Product", lot_name), ("Heat / Schmelze", heat),
                         ("Delivery condition", rnd.choice(("+N", "+AR", "+M", "annealed"))),
                         ("Date", (date(2026, 1, 1) + timedelta(days=rnd.randint(0, 300)))
                          .isoformat())):
                c.setFont(fonts.REGULAR, 9)
                c.drawString(20 * mm, y, k)
                c.setFont(fonts.BOLD, 10)
                c.drawString(70 * mm, y, v[:70])
                y -= 7 * mm
            y -= 5 * mm
            c.setFont(fonts.BOLD, 10)
            c.drawString(20 * mm, y, "Chemical composition (ladle analysis), %")
            y -= 7 * mm
            c.setFont(fonts.REGULAR, 9)
            for i, el in enumerate(_ELEMENTS):
                x = 20 * mm + i * 21 * mm
                c.drawString(x, y, el)
                c.drawString(x, y - 5 * mm, f"{rnd.uniform(0.005, 1.6):.3f}")
            y -= 18 * mm
        c.setFont(fonts.BOLD, 10)
        c.drawString(20 * mm, y, f"Mechanical tests, specimen set {page}")
        y -= 7 * mm
        c.setFont(fonts.REGULAR, 9)
        for k in range(6):
            c.drawString(20 * mm, y, f"Specimen {page}.{k + 1}")
            c.drawString(60 * mm, y, f"ReH {rnd.randint(355, 420)} MPa")
            c.drawString(100 * mm, y, f"Rm {rnd.randint(470, 630)} MPa")
            c.drawString(140 * mm, y, f"A {rnd.randint(20, 30)} %")
            y -= 6 * mm
        if page == pages:
            c.drawString(20 * mm, 40 * mm, "We confirm that the products comply with the "
                                           "order and the standards named above.")
            c.drawString(120 * mm, 28 * mm, "Inspector: " + rnd.choice(
                ("Jiří Dvořák", "Łukasz Wróbel", "Jürgen Weiß", "Γιώργος Νικολάου")))
        c.showPage()
    c.save()
    return buf.getvalue()


def _scan(lot_name: str, heat: str, seed: int, size: tuple[int, int]) -> object:
    """A greyscale 'scanned' certificate image (Pillow ships with reportlab)."""
    from PIL import Image, ImageDraw, ImageFont

    rnd = random.Random(f"{heat}/scan/{seed}")
    files = fonts.find_fonts()
    im = Image.new("L", size, 246)
    d = ImageDraw.Draw(im)
    big = ImageFont.truetype(str(files.bold), size[0] // 28)
    small = ImageFont.truetype(str(files.regular), size[0] // 48)
    w, h = size
    d.text((w // 14, h // 16), rnd.choice(_MILLS), fill=20, font=big)
    d.text((w // 14, h // 16 + w // 20), "Inspection certificate EN 10204 3.1", fill=40,
           font=small)
    y = h // 5
    for k, v in (("Product", lot_name), ("Heat", heat)):
        d.text((w // 14, y), f"{k}: {v}", fill=30, font=small)
        y += w // 30
    for row in range(12):
        y += w // 34
        d.line((w // 14, y, w - w // 14, y), fill=170, width=1)
        d.text((w // 14, y + 4), f"{rnd.choice(_ELEMENTS)}  {rnd.uniform(0.01, 1.5):.3f}   "
               f"Rm {rnd.randint(470, 630)} MPa", fill=50, font=small)
    d.ellipse((w - w // 3, h - h // 5, w - w // 8, h - h // 14), outline=90, width=3)
    return im


def make_certificate_png(lot_name: str, heat: str, *, seed: int = 0,
                         size: tuple[int, int] = (827, 1169)) -> bytes:
    buf = io.BytesIO()
    _scan(lot_name, heat, seed, size).save(buf, "PNG", optimize=True)  # type: ignore[attr-defined]
    return buf.getvalue()


def make_certificate_jpg(lot_name: str, heat: str, *, seed: int = 0,
                         size: tuple[int, int] = (1169, 827)) -> bytes:
    buf = io.BytesIO()
    _scan(lot_name, heat, seed, size).save(buf, "JPEG", quality=70)  # type: ignore[attr-defined]
    return buf.getvalue()


def make_protected_pdf(lot_name: str, heat: str) -> bytes:
    """A certificate a supplier sent with a password: the pack must say it is not included."""
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(make_certificate_pdf(lot_name, heat))))
    w.encrypt(user_password="supplier", owner_password="supplier", algorithm="RC4-128")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def attach_demo_certificates(desk: Desk, rnd: random.Random, *, share: float = 0.85,
                             progress: Callable[[int, int], bool] | None = None) -> int:
    """Puts certificates on most lots (PDFs of 1–3 pages, some scans, one with a password);
    the rest stay without, so demo packs show a real missing list. → certificates stored."""
    lots = desk.inventory.lots(limit=100000)
    seen: set[str] = set()
    stored = protected = 0
    for i, lot in enumerate(lots):
        if progress is not None and progress(i, len(lots)) is False:
            break
        if lot.certificate_group in seen or lot.certificates:
            continue
        seen.add(lot.certificate_group)
        if rnd.random() > share:
            continue
        heat = lot.lot or f"H{rnd.randint(10000, 99999)}"
        slug = heat.replace("/", "-")
        r = rnd.random()
        if r < 0.7:
            files = [(f"3.1-certificate-{slug}.pdf",
                      make_certificate_pdf(lot.name, heat, rnd.choice((1, 1, 2, 2, 3))))]
        elif r < 0.85:
            files = [(f"scan-{slug}.jpg", make_certificate_jpg(lot.name, heat))]
        else:
            files = [(f"scan-{slug}.png", make_certificate_png(lot.name, heat)),
                     (f"chemistry-{slug}.pdf", make_certificate_pdf(lot.name, heat, 1, seed=1))]
        if not protected and i > len(lots) // 2:
            protected += 1
            files.append((f"supplier-original-{slug}.pdf", make_protected_pdf(lot.name, heat)))
        for name, data in files:
            desk.attachments.add(name, data, lot=lot.id, type="Certificate")
            stored += 1
    return stored


def generate_demo(store: Store, orders: int, *, seed: int = 7,
                  progress: Callable[[int, int], bool] | None = None) -> dict[str, int]:
    """The demo database: the core's orders, lots and reservations, plus certificates on
    most lots, so a demo order's pack is a real one (missing list included)."""
    from orderdesk.core.demo import generate
    from orderdesk.core.desk import companies
    from orderdesk.core.tx import Actor

    counts = generate(store, orders, seed=seed, progress=progress)
    counts["certificates"] = 0
    for company in companies(store):
        desk = Desk(store, company.id, Actor("demo", "Demo data"))
        counts["certificates"] += attach_demo_certificates(desk, random.Random(seed + company.id))
    return counts
