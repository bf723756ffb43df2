"""The history timeline as shown (filtered, newest first) exported to an XLSX sheet."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from orderdesk.core.history import Event
from orderdesk.core.timeline import rows_for_export
from orderdesk.exchange.columns import atomic_output

HEADER = ("Time (local)", "Who", "Kind", "Entity", "What", "Old", "New", "Description",
          "Change", "Revision")
WIDTHS = (19, 20, 12, 34, 22, 28, 28, 60, 10, 10)
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# One XLSX cell holds at most 32,767 characters; longer text is cut with a mark.
MAX_CELL = 32_767
REPLACEMENT = "\ufffd"


def _text(ws: Any, value: str, bold: bool = False) -> Cell:
    """A string cell that stays a string: text starting with '=' is never made a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if len(value) > MAX_CELL:
        value = value[:MAX_CELL - 1] + "…"
    c = Cell(ws, row=1, column=1, value=value)
    c.data_type = "s"  # openpyxl would otherwise store '=…' as a formula
    if bold:
        c.font = Font(bold=True)
    return c


def timeline_xlsx(events: Sequence[Event], out_path: str | os.PathLike[str],
                  sheet_title: str = "History") -> Path:
    """Writes one row per event: typed cells (local time as a date-time, revision as a
    number), a bold frozen header and an autofilter; temporary file, then rename."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    for i, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{len(events) + 1}"
    ws.append([_text(ws, h, bold=True) for h in HEADER])
    for e, (at, who, kind, d) in zip(events, rows_for_export(events)):
        when = Cell(ws, row=1, column=1, value=at.replace(tzinfo=None))  # Excel: no zones
        when.number_format = TIME_FORMAT
        ws.append([when, _text(ws, who), _text(ws, kind), _text(ws, d.entity),
                   _text(ws, d.what), _text(ws, d.old), _text(ws, d.new), _text(ws, d.text),
                   _text(ws, e.change), e.revision])
    target = Path(out_path)
    with atomic_output(target) as tmp:
        wb.save(tmp)
    return target
