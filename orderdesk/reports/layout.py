"""Shared report layout: styles, running header and footer with "page X of Y", common blocks."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from orderdesk.reports import fonts
from orderdesk.reports.fmt import para

MARGIN = 15 * mm
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#B0B0B0")
HEAD_BG = colors.HexColor("#E8ECF0")
# grid() cell paddings, for callers that work out row heights themselves.
GRID_PAD_X, GRID_PAD_TOP, GRID_PAD_BOTTOM = 3, 2, 2.5


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    small_right: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_right: ParagraphStyle
    title: ParagraphStyle
    h2: ParagraphStyle
    company: ParagraphStyle


_styles: Styles | None = None


def styles() -> Styles:
    """The report styles, all in the registered Unicode font (never a base-14 font)."""
    global _styles
    if _styles is None:
        fonts.register()
        r, b = fonts.REGULAR, fonts.BOLD
        body = ParagraphStyle("body", fontName=r, fontSize=9, leading=11.5)
        cell = ParagraphStyle("cell", fontName=r, fontSize=8, leading=10, splitLongWords=True)
        head = ParagraphStyle("head", parent=cell, fontName=b)
        _styles = Styles(
            body=body,
            small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=GREY),
            small_right=ParagraphStyle("small_r", parent=body, fontSize=7.5, leading=9.5,
                                       textColor=GREY, alignment=TA_RIGHT),
            cell=cell,
            cell_right=ParagraphStyle("cell_r", parent=cell, alignment=TA_RIGHT),
            cell_head=head,
            cell_head_right=ParagraphStyle("head_r", parent=head, alignment=TA_RIGHT),
            title=ParagraphStyle("title", fontName=b, fontSize=16, leading=20, spaceAfter=4),
            h2=ParagraphStyle("h2", fontName=b, fontSize=10.5, leading=13, spaceBefore=8,
                              spaceAfter=4),
            company=ParagraphStyle("company", fontName=b, fontSize=11, leading=14,
                                   textColor=GREY),
        )
    return _styles


def P(text: object, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain (escaped) text."""
    return Paragraph(para(text), style or styles().body)


@dataclass(frozen=True)
class Run:
    """A piece of cell text in one font, size and colour, starting on a line of its own."""

    text: str
    font: str
    size: float = 8
    color: colors.Color = colors.black


class TextLines(Flowable):
    """Cell text as runs of one style each, wrapped at spaces only where a run is too long.

    Looks like a Paragraph of <br/>-separated <font> runs in the 8/10 pt cell style, but
    needs no markup parsing: a table of hundreds of such cells lays out many times faster.
    """

    def __init__(self, runs: Sequence[Run], leading: float = 10) -> None:
        super().__init__()
        self.runs, self.leading = runs, leading
        self._lines: list[tuple[str, Run]] = []
        self._for_width = -1.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if aw != self._for_width:  # a table asks again for every page it is split onto
            self._for_width = aw
            self._lines = [(t, r) for r in self.runs for part in r.text.split("\n")
                           for t in fit(part, r.font, r.size, aw)]
        self.width, self.height = aw, len(self._lines) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        y = self.height - (self._lines[0][1].size if self._lines else 0)
        for text, r in self._lines:
            c.setFont(r.font, r.size)
            c.setFillColor(r.color)
            c.drawString(0, y, text)
            y -= self.leading


def fit(text: str, font: str, size: float, width: float) -> list[str]:
    """Text broken at spaces into lines no wider than width; a word too long is cut."""
    measure = pdfmetrics.stringWidth
    if measure(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if measure(trial, font, size) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        while len(word) > 1 and (full := measure(word, font, size)) > width:
            n = max(1, int(len(word) * width / full))  # a guess, then the longest head that fits
            while n < len(word) and measure(word[:n + 1], font, size) <= width:
                n += 1
            while n > 1 and measure(word[:n], font, size) > width:
                n -= 1
            lines.append(word[:n])
            word = word[n:]
        line = word
    lines.append(line)
    return lines


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, header: bool = True,
         right: Sequence[int] = (), zebra: bool = True, plain: Sequence[int] = (),
         row_heights: Sequence[float | None] | None = None) -> Table:
    """A table whose header row repeats on every page; `right` columns are right-aligned.

    Strings become Paragraphs, so long text wraps inside its column instead of running
    into the next one — except in `plain` columns, for short figures known to fit (much
    faster to lay out in long tables). Known `row_heights` (None: measure that row) spare
    reportlab measuring every cell again each time the table splits onto a new page.
    """
    st = styles()
    cells = []
    for i, row in enumerate(rows):
        is_head = header and i == 0
        out = []
        for j, c in enumerate(row):
            if isinstance(c, Flowable) or (j in plain and not is_head):
                out.append(c)
                continue
            if j in right:
                style = st.cell_head_right if is_head else st.cell_right
            else:
                style = st.cell_head if is_head else st.cell
            out.append(Paragraph(para(c), style))
        cells.append(out)
    t = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0,
              rowHeights=list(row_heights) if row_heights is not None else None)
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8, 10),  # plain cells; never Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), GRID_PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), GRID_PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), GRID_PAD_TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), GRID_PAD_BOTTOM),
    ]
    cmds += [("ALIGN", (j, 0), (j, -1), "RIGHT") for j in plain if j in right]
    if header:
        cmds += [("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREY)]
    if zebra and len(rows) > 2:
        cmds.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1),
                     [colors.white, colors.HexColor("#F6F7F9")]))
    cmds.append(("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE))
    t.setStyle(TableStyle(cmds))
    return t


def pairs(rows: Sequence[tuple[str, str]], widths: tuple[float, float] = (38 * mm, 60 * mm),
          bold_last: bool = False) -> Table:
    """A label → value block (order facts, totals), values right-aligned when widths say so."""
    st = styles()
    cells = [[Paragraph(para(k), st.cell), Paragraph(para(v), st.cell_right)] for k, v in rows]
    if bold_last and cells:
        k, v = rows[-1]
        cells[-1] = [Paragraph(para(k), st.cell_head), Paragraph(para(v), st.cell_head_right)]
    t = Table(cells, colWidths=list(widths))
    cmds: list[tuple[Any, ...]] = [("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 3),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if bold_last and cells:
        cmds.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, GREY))
    t.setStyle(TableStyle(cmds))
    return t


def facts(rows: Sequence[tuple[str, str]], width: float) -> Table:
    """Left-aligned label: value rows (order number, dates, references)."""
    st = styles()
    t = Table([[Paragraph(para(k), st.small), Paragraph(para(v), st.cell)] for k, v in rows
               if v], colWidths=[32 * mm, width - 32 * mm])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def side_by_side(left: Sequence[Flowable], right: Sequence[Flowable], width: float) -> Table:
    t = Table([[list(left), list(right)]], colWidths=[width / 2, width / 2])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
    return t


@dataclass(frozen=True)
class Running:
    """What is printed on every page: company and document at the top, page X of Y below."""

    company: str
    document: str  # e.g. "Order confirmation 2026-0042"
    pagesize: tuple[float, float] = A4


def _canvas_class(run: Running) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds pages back until the end, so each can say how many there are."""

        def __init__(self, *args: Any, **kw: Any) -> None:
            kw["initialFontName"] = kw.get("initialFontName") or fonts.REGULAR  # never base-14
            super().__init__(*args, **kw)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                draw_running(self, run, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def plain_canvas(*args: Any, **kw: Any) -> Canvas:
    """A canvas whose initial font is the Unicode one (reportlab's default is Helvetica)."""
    fonts.register()
    kw["initialFontName"] = kw.get("initialFontName") or fonts.REGULAR
    return Canvas(*args, **kw)


def draw_running(c: Canvas, run: Running, number: int, total: int) -> None:
    w, h = run.pagesize
    c.saveState()
    c.setFont(fonts.REGULAR, 7.5)
    c.setFillColor(GREY)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(MARGIN, MARGIN - 3 * mm, w - MARGIN, MARGIN - 3 * mm)
    c.drawString(MARGIN, MARGIN - 7 * mm, f"{run.company} · {run.document}")
    c.drawRightString(w - MARGIN, MARGIN - 7 * mm, f"Page {number} of {total}")
    if number > 1:
        c.drawString(MARGIN, h - MARGIN + 4 * mm, run.company)
        c.drawRightString(w - MARGIN, h - MARGIN + 4 * mm, run.document)
        c.line(MARGIN, h - MARGIN + 2.5 * mm, w - MARGIN, h - MARGIN + 2.5 * mm)
    c.restoreState()


def render(story: list[Flowable], run: Running, *, title: str = "", author: str = "",
           on_page: Callable[[Canvas, Any], None] | None = None) -> bytes:
    """Lays the story out on A4 (or run.pagesize) pages with the running header and footer."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=run.pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 2 * mm,
                            title=title or run.document, author=author, creator="OrderDesk",
                            subject=run.document)
    doc.build(story, canvasmaker=_canvas_class(run),
              onFirstPage=on_page or _nothing, onLaterPages=on_page or _nothing)
    return buf.getvalue()


def frame_width(pagesize: tuple[float, float] = A4) -> float:
    """The width a flowable may take: the page less margins and the frame's 6 pt paddings."""
    return pagesize[0] - 2 * MARGIN - 12


def _nothing(c: Canvas, doc: Any) -> None:
    return None


def draw_header(c: Canvas, run: Running) -> None:
    """The running header of continuation pages (the pack stamps its page numbers later)."""
    w, h = run.pagesize
    c.saveState()
    c.setFont(fonts.REGULAR, 7.5)
    c.setFillColor(GREY)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.drawString(MARGIN, h - MARGIN + 4 * mm, run.company)
    c.drawRightString(w - MARGIN, h - MARGIN + 4 * mm, run.document)
    c.line(MARGIN, h - MARGIN + 2.5 * mm, w - MARGIN, h - MARGIN + 2.5 * mm)
    c.restoreState()
