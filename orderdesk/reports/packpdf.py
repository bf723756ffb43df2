"""Assembles a certificate pack PDF: cover, appended certificates, outline, page stamps."""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.constants import PageAttributes as PG
from pypdf.constants import Resources as RES
from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject, NameObject,
    StreamObject,
)
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from orderdesk.reports import fonts
from orderdesk.reports import layout as L

# A scan larger than this is refused rather than decoded (a 5 MB PNG can hold gigapixels).
MAX_IMAGE_PIXELS = 60_000_000


@dataclass
class Cert:
    """One certificate as it goes into the pack (PDF pages, an image, or a notice page)."""

    id: str
    name: str
    md5: str
    lot: str  # "H12345-1 · Steel plate S355"
    data: bytes = b""
    kind: str = "notice"  # "pdf" | "image" | "notice"
    problem: str = ""  # why it is a notice page
    start: int = 0  # first page in the pack (0-based), set on assembly
    pages: int = 0
    reader: PdfReader | None = field(default=None, repr=False)

    @property
    def included(self) -> bool:
        return self.kind != "notice"


def open_pdf(cert: Cert) -> None:
    """Opens an accepted PDF (decrypting one that needs no password); a failure → notice."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about harmless oddities of real files
            reader = PdfReader(io.BytesIO(cert.data))
            if reader.is_encrypted:
                reader.decrypt("")
            n = len(reader.pages)
        if n == 0:
            raise ValueError("it has no pages")
        cert.kind, cert.reader, cert.pages = "pdf", reader, n
    except Exception as e:  # noqa: BLE001 - any failure of a supplier's file means "not included"
        cert.kind, cert.problem = "notice", f"is not a readable PDF ({type(e).__name__}: {e})"


def check_image(cert: Cert) -> None:
    """Reads the image header only: size bounded before anything is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(cert.data)) as im:
            w, h = im.size
        if w * h > MAX_IMAGE_PIXELS:
            cert.kind, cert.problem = "notice", (f"is an image of {w} × {h} pixels, more than "
                                                 f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels")
            return
        cert.kind, cert.pages = "image", 1
    except (UnidentifiedImageError, OSError, ValueError) as e:
        cert.kind, cert.problem = "notice", f"is not a readable image ({e})"


def _one_page(draw: Callable[[Canvas], None], pagesize: tuple[float, float] = A4) -> PdfReader:
    fonts.register()
    buf = io.BytesIO()
    c = L.plain_canvas(buf, pagesize=pagesize)
    draw(c)
    c.showPage()
    c.save()
    return PdfReader(buf)


def _caption(c: Canvas, cert: Cert, w: float, h: float) -> None:
    c.setFont(fonts.BOLD, 9)
    c.drawString(L.MARGIN, h - L.MARGIN, cert.name[:110])
    c.setFont(fonts.REGULAR, 7.5)
    c.setFillColor(L.GREY)
    c.drawString(L.MARGIN, h - L.MARGIN - 11, f"Lot {cert.lot} · MD5 {cert.md5}"[:150])
    c.setFillColor(colors.black)


def image_page(cert: Cert) -> PdfReader:
    """The scan scaled to fit an A4 page (landscape when the scan is wider than tall)."""
    img = ImageReader(io.BytesIO(cert.data))
    iw, ih = img.getSize()
    size = (A4[1], A4[0]) if iw > ih else A4

    def draw(c: Canvas) -> None:
        w, h = size
        _caption(c, cert, w, h)
        box_w, box_h = w - 2 * L.MARGIN, h - 2 * L.MARGIN - 18 - 10 * mm
        scale = min(box_w / iw, box_h / ih)
        dw, dh = iw * scale, ih * scale
        c.drawImage(img, (w - dw) / 2, L.MARGIN + 8 * mm + (box_h - dh) / 2, dw, dh)

    return _one_page(draw, size)


def notice_page(cert: Cert) -> PdfReader:
    """Says which certificate could not be included and why, in place of its pages."""
    def draw(c: Canvas) -> None:
        w, h = A4
        _caption(c, cert, w, h)
        c.setFont(fonts.BOLD, 14)
        c.setFillColor(colors.HexColor("#A01010"))
        c.drawString(L.MARGIN, h - 60 * mm, "This certificate could not be included")
        c.setFillColor(colors.black)
        t = c.beginText(L.MARGIN, h - 70 * mm)
        t.setFont(fonts.REGULAR, 10)
        t.setLeading(14)
        for line in _wrap(f"The file {cert.name} {cert.problem}.", 88):
            t.textLine(line)
        t.textLine("")
        for line in _wrap("Ask the supplier for a readable copy without a password and attach "
                          "it to the lot; the next pack will include it.", 88):
            t.textLine(line)
        c.drawText(t)

    return _one_page(draw)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=True) or [""]


def append_cert(writer: PdfWriter, cert: Cert) -> None:
    """Appends the certificate's pages (or its notice page) and records where they start."""
    cert.start = len(writer.pages)
    if cert.kind == "image":
        try:
            writer.append(image_page(cert), import_outline=False)
            cert.pages = 1
            return
        except Exception as e:  # noqa: BLE001 - a scan reportlab cannot place → notice
            cert.kind, cert.problem = "notice", f"is an image that cannot be placed ({e})"
    if cert.kind == "pdf" and cert.reader is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                writer.append(cert.reader, import_outline=False)
            cert.pages = len(writer.pages) - cert.start
            return
        except Exception as e:  # noqa: BLE001 - as in open_pdf
            while len(writer.pages) > cert.start:  # drop what a half-done append left
                writer.remove_page(len(writer.pages) - 1)
            cert.kind, cert.problem = "notice", f"cannot be copied ({type(e).__name__}: {e})"
    writer.append(notice_page(cert), import_outline=False)
    cert.pages = 1


def stamp(writer: PdfWriter, text: str) -> None:
    """Stamps "<text> · Page X of Y" at the foot of every page, whatever its size or rotation.

    The stamps are drawn in one reportlab pass, each page's becomes a form XObject, and the
    page's content is wrapped as [q, its own streams, Q + draw the form]: nothing of the
    appended certificates is decoded or parsed (pypdf's merge_page parses both pages).
    """
    fonts.register()
    pages = writer.pages
    total = len(pages)
    boxes = []
    for page in pages:
        if page.rotation:
            page.transfer_rotation_to_content()  # so "bottom" is the bottom the reader sees
        box = page.cropbox
        boxes.append((float(box.left), float(box.bottom), float(box.width), float(box.height)))
    buf = io.BytesIO()
    c = L.plain_canvas(buf)
    for n, (_x, _y, w, h) in enumerate(boxes, 1):
        c.setPageSize((w, h))
        label = f"{text} · Page {n} of {total}"
        c.setFont(fonts.REGULAR, 7.5)
        tw = c.stringWidth(label, fonts.REGULAR, 7.5)
        c.setFillColor(colors.white)
        c.setFillAlpha(0.85)
        c.rect(w - L.MARGIN - tw - 3, 4 * mm, tw + 6, 11, stroke=0, fill=1)
        c.setFillAlpha(1)
        c.setFillColor(L.GREY)
        c.drawRightString(w - L.MARGIN, 4 * mm + 3, label)
        c.showPage()
    c.save()
    stamps = PdfReader(buf)
    opening = _stream(writer, b"q\n")
    closings: dict[tuple[str, float, float], IndirectObject] = {}
    for page, st, (x, y, w, h) in zip(pages, stamps.pages, boxes):
        form = _form(writer, st, w, h)
        if form is None:  # not as reportlab always makes it: the slow, general way
            page.merge_transformed_page(st, Transformation().translate(x, y))
            continue
        res = page.get(PG.RESOURCES)
        res = DictionaryObject(res.get_object() if res is not None else _inherited(page))
        forms = res.get(RES.XOBJECT)
        forms = DictionaryObject(forms.get_object() if forms is not None else {})
        name = next(f"/OdPageStamp{i or ''}" for i in range(len(forms) + 1)
                    if f"/OdPageStamp{i or ''}" not in forms)  # never shadow the page's own
        forms[NameObject(name)] = form
        res[NameObject(RES.XOBJECT)] = forms
        page[NameObject(PG.RESOURCES)] = res
        key = (name, x, y)
        if key not in closings:
            move = f"1 0 0 1 {_num(x)} {_num(y)} cm"
            closings[key] = _stream(writer, f"\nQ q {move} {name} Do Q\n".encode())
        own = page.get(PG.CONTENTS)
        own = own.get_object() if own is not None else None
        streams = list(own) if isinstance(own, ArrayObject) else (
            [page.raw_get(PG.CONTENTS)] if own is not None else [])
        streams = [s if isinstance(s, IndirectObject) else writer._add_object(s)
                   for s in streams]  # a content stream must be an indirect object
        page[NameObject(PG.CONTENTS)] = ArrayObject([opening, *streams, closings[key]])


def _num(v: float) -> str:
    """A PDF number: never exponent notation, which PDF does not have (1e-15 → 0)."""
    return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) >= 5e-5 else "0"


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    s = DecodedStreamObject()
    s.set_data(data)
    # pypdf has no public way to add a new stream object to a writer; replace_contents
    # and merge_page use this same call.
    return writer._add_object(s)


def _form(writer: PdfWriter, st: PageObject, w: float, h: float) -> IndirectObject | None:
    """The stamp page as a form XObject of the writer (its content stream, still encoded)."""
    content = st.raw_get(PG.CONTENTS)
    if not isinstance(content, IndirectObject) or not isinstance(content.get_object(),
                                                                   StreamObject):
        return None
    form = content.get_object().clone(writer)
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(w),
                                             FloatObject(h)])
    form[NameObject(PG.RESOURCES)] = st[PG.RESOURCES].get_object().clone(writer)
    return form.indirect_reference


def _inherited(page: PageObject) -> DictionaryObject:
    """Resources a page takes from its page tree (pypdf usually copies them onto the page)."""
    node = page.get("/Parent")
    while node is not None:
        node = node.get_object()
        if PG.RESOURCES in node:
            return node[PG.RESOURCES].get_object()
        node = node.get("/Parent")
    return DictionaryObject()


def outline(writer: PdfWriter, cover_pages: int, certs: list[Cert]) -> None:
    writer.add_outline_item(title="Cover and traceability", page_number=0)
    if not certs:
        return
    parent: Any = writer.add_outline_item(title=f"Certificates ({len(certs)})",
                                          page_number=certs[0].start)
    for cert in certs:
        mark = "" if cert.included else " (not included)"
        writer.add_outline_item(title=f"{cert.lot} · {cert.name}{mark}",
                                page_number=cert.start, parent=parent)


def quiet_pypdf() -> None:
    # pypdf logs every oddity of real-world files; the pack reports what matters itself.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
