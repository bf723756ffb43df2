"""The history timeline as shown (filtered, newest first) exported to a PDF table."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from orderdesk.core.history import Event
from orderdesk.core.timeline import EMPTY, rows_for_export
from orderdesk.core.files import write_atomically
from orderdesk.reports.layout import P, Running, frame_width, grid, render, styles

PAGE = landscape(A4)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# A cell taller than a page cannot be laid out at all; long notes are cut with a mark.
MAX_CELL_CHARS = 1500
HEADER = ("Time (local)", "Who", "Entity", "What", "Old → new")


def clip(text: str, limit: int = MAX_CELL_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def change_cell(old: str, new: str) -> str:
    if not old and not new:
        return ""
    if not old:
        return new
    return f"{old or EMPTY} → {new or EMPTY}"


def timeline_story(events: Sequence[Event], title: str, *,
                   note: str = "") -> list[Flowable]:
    st = styles()
    width = frame_width(PAGE)
    fixed = (34 * mm, 32 * mm, 62 * mm, 38 * mm)
    widths = (*fixed, width - sum(fixed))
    now = datetime.now().astimezone()
    offset = now.strftime("%z")  # +0100 → UTC+01:00
    sub = (f"{len(events):,} event(s), newest first · exported {now:%Y-%m-%d %H:%M} "
           f"(times in UTC{offset[:3]}:{offset[3:]})")
    story: list[Flowable] = [P(title, st.title), P(sub, st.small)]
    if note:
        story.append(P(note, st.small))
    story.append(Spacer(1, 4 * mm))
    rows: list[list[str]] = [list(HEADER)]
    for at, who, _kind, d in rows_for_export(events):
        rows.append([at.strftime(TIME_FORMAT), who, clip(d.entity), clip(d.what),
                     clip(change_cell(d.old, d.new))])
    if len(rows) == 1:
        rows.append(["", "", "No events", "", ""])
    story.append(grid(rows, widths))
    return story


def timeline_pdf_bytes(events: Sequence[Event], title: str, *, company: str = "",
                       note: str = "") -> bytes:
    """The PDF as bytes (a Unicode TrueType font, 'Page X of Y' on every page)."""
    run = Running(company or "OrderDesk", title, PAGE)
    return render(timeline_story(events, title, note=note), run, title=title)


def timeline_pdf(events: Sequence[Event], out_path: str | os.PathLike[str], title: str, *,
                 company: str = "", note: str = "") -> Path:
    """Writes the timeline PDF beside `out_path` under a temporary name, then renames it."""
    data = timeline_pdf_bytes(events, title, company=company, note=note)
    return write_atomically(out_path, data)
