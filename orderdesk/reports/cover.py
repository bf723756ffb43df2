"""The certificate pack's cover: order facts, what is missing, and the traceability table."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from orderdesk.reports import fonts
from orderdesk.reports import layout as L
from orderdesk.reports.fmt import Fmt, para
from orderdesk.reports.packpdf import Cert


@dataclass
class TraceRow:
    """One line → lot → certificate link (a line without lot or a lot without certificate too)."""

    line: str  # "3 · STEEL-S355-10"
    description: str
    quantity: str
    lot: str = ""  # the lot/heat number
    lot_name: str = ""
    reserved: str = ""
    cert: Cert | None = None
    note: str = ""  # "not reserved", "no certificate"
    first: bool = True  # the line's first row: shows its description


@dataclass
class CoverInfo:
    company: str
    number: str
    customer: str
    customer_reference: str
    order_date: str
    delivery_date: str
    delivery_address: str
    produced_at: datetime
    produced_by: str
    line_count: int
    lot_count: int
    rows: list[TraceRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    certs: list[Cert] = field(default_factory=list)
    cover_pages: int = 0  # set when the cover is built


class _Later(Flowable):
    """Text known only once the cover is laid out (page numbers that count the cover itself).

    Draws a form XObject that the cover's canvas defines when it is saved; reportlab
    resolves forms at save time, so the cover is laid out once, whatever its length.
    """

    def __init__(self, name: str, width: float, height: float = 9) -> None:
        super().__init__()
        self.name, self.width, self.height = name, width, height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.doForm(self.name)


def _canvas_class(info: CoverInfo, fmt: Fmt) -> type:
    class CoverCanvas(Canvas):
        def __init__(self, *args: object, **kw: object) -> None:
            kw["initialFontName"] = kw.get("initialFontName") or fonts.REGULAR
            super().__init__(*args, **kw)  # type: ignore[arg-type]

        def save(self) -> None:
            info.cover_pages = self.getPageNumber() - 1
            total = info.cover_pages + sum(c.pages for c in info.certs)
            texts = {"pack-pages": (str(total), 0.0, False)}
            for i, c in enumerate(info.certs):
                texts[f"cert-page-{i}"] = (str(info.cover_pages + c.start + 1), _PAGE_W - 3,
                                           True)
            for name, (text, x, right) in texts.items():
                self.beginForm(name)
                self.setFont(fonts.REGULAR, 8)
                (self.drawRightString if right else self.drawString)(x, 1.5, text)
                self.endForm()
            super().save()

    return CoverCanvas


def build(info: CoverInfo, fmt: Fmt) -> bytes:
    """The cover pages, laid out once; sets info.cover_pages."""
    st = L.styles()
    width = L.frame_width()
    story: list[Flowable] = [L.P(info.company, st.company), L.P("Certificate pack", st.title)]
    facts = [("Order", info.number), ("Customer", info.customer),
             ("Your reference", info.customer_reference), ("Order date", info.order_date),
             ("Delivery date", info.delivery_date),
             ("Produced", f"{fmt.date(info.produced_at)} by {info.produced_by}")]
    included = [c for c in info.certs if c.included]
    summary = [("Lines", str(info.line_count)), ("Lots reserved", str(info.lot_count)),
               ("Certificates", f"{len(included)} of {len(info.certs)} included")]
    left: list[Flowable] = [L.facts(facts, width / 2 - 6)]
    right: list[Flowable] = [L.P("Delivery address", st.small),
                             L.P(info.delivery_address or "—"), Spacer(1, 4),
                             L.facts(summary, width / 2 - 6),
                             L.side_by_side([L.P("Pages", st.small)],
                                            [_Later("pack-pages", 40)], 64 * mm)]
    story += [L.side_by_side(left, right, width), Spacer(1, 5 * mm)]
    warn = ParagraphStyle("warn", parent=st.h2, textColor=colors.HexColor("#A01010"))
    if info.missing:
        story.append(L.P(f"Missing ({len(info.missing)})", warn))
        story += [Paragraph("• " + para(m), st.body) for m in info.missing]
    else:
        story.append(L.P("Nothing missing: every line is reserved in full and every reserved "
                         "lot has a readable certificate.", st.body))
    story += [L.P("Traceability", st.h2), _table(info, fmt, width)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=L.Running("", "").pagesize, leftMargin=L.MARGIN,
                            rightMargin=L.MARGIN, topMargin=L.MARGIN,
                            bottomMargin=L.MARGIN + 4 * mm,
                            title=f"Certificate pack {info.number}", author=info.produced_by,
                            creator="OrderDesk", subject=f"Order {info.number}")
    run = L.Running(info.company, f"Certificate pack {info.number}")

    def later(c: object, _doc: object) -> None:
        L.draw_header(c, run)  # type: ignore[arg-type]

    doc.build(story, onLaterPages=later, canvasmaker=_canvas_class(info, fmt))
    return buf.getvalue()


_PAGE_W = 32


def _table(info: CoverInfo, fmt: Fmt, width: float) -> Flowable:
    """One row per line → lot → certificate link, in light cells with measured heights.

    A 200-line order makes a table of hundreds of rows over several pages; Paragraph cells
    and reportlab measuring each row again on every page split were most of a pack's time.
    """
    index = {id(c): i for i, c in enumerate(info.certs)}
    fixed = [46, 108, 56, 142, _PAGE_W]
    widths = [width - sum(fixed), *fixed]
    inner = [w - 2 * L.GRID_PAD_X for w in widths]
    rows: list[list[object]] = [["Line", "Qty", "Lot / heat", "Reserved",
                                 "Certificate · MD5", "Page"]]
    heights: list[float | None] = [None]

    def bold(text: str) -> L.Run:
        return L.Run(text, fonts.BOLD)

    def grey(text: str) -> L.Run:
        return L.Run(text, fonts.REGULAR, 6.5, _GREY_TEXT)

    def red(text: str) -> L.Run:
        return L.Run(text, fonts.REGULAR, 8, _RED)

    for r in info.rows:
        line = [bold(r.line)]
        if r.first and r.description:
            line.append(grey(r.description))
        lot = [bold(r.lot), *([grey(r.lot_name)] if r.lot_name else [])] if r.lot else [
            red(r.note)]
        page: object = ""
        if r.cert is not None:
            cert = [L.Run(r.cert.name, fonts.REGULAR), grey(r.cert.md5)]
            if not r.cert.included:
                cert.append(red("not included: unreadable"))
            page = _Later(f"cert-page-{index[id(r.cert)]}", _PAGE_W - 6)
        else:
            cert = [red(r.note)]
        cells = [L.TextLines(line), L.TextLines(lot), L.TextLines(cert)]
        tall = max(c.wrap(w, 0)[1] for c, w in zip(cells, (inner[0], inner[2], inner[4])))
        heights.append(max(tall, 10) + L.GRID_PAD_TOP + L.GRID_PAD_BOTTOM)
        rows.append([cells[0], r.quantity if r.first else "", cells[1], r.reserved, cells[2],
                     page])
    return L.grid(rows, widths, right=(1, 3, 5), plain=(1, 3), row_heights=heights)


_GREY_TEXT = colors.HexColor("#666666")
_RED = colors.HexColor("#A01010")
