"""The timeline XLSX read back with openpyxl: typed cells, bold frozen header, autofilter."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from orderdesk.core import Actor, Desk
from orderdesk.core.timeline import describe
from orderdesk.exchange.timeline_xlsx import HEADER, timeline_xlsx
from tests.conftest import make_order


def edited(desk: Desk) -> str:
    o = desk.orders.create(make_order(lines=2))
    doc = desk.orders.get(o.id)
    doc.lines[1].unit_price = Decimal("3.10")
    doc.notes = "=HYPERLINK(\"http://evil.example\",\"click\")"  # must stay text
    desk.orders.update(doc)
    desk.as_actor(Actor("bob", "Bob Builder")).attachments.add_log(o.id, "Anruf", "Grüße\x07")
    return o.id  # type: ignore[return-value]


def test_cells_are_typed_and_the_sheet_is_ready_to_filter(desk: Desk, tmp_path: Path) -> None:
    oid = edited(desk)
    events = desk.history.timeline(oid)
    out = timeline_xlsx(events, tmp_path / "out" / "history.xlsx")
    assert [p.name for p in out.parent.iterdir()] == ["history.xlsx"]
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "History"
    assert [c.value for c in ws[1]] == list(HEADER)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:J{len(events) + 1}"
    assert ws.max_row == len(events) + 1
    for row, e in zip(ws.iter_rows(min_row=2), events):
        at = row[0].value
        assert isinstance(at, datetime) and row[0].is_date
        local = e.at.astimezone().replace(tzinfo=None)
        assert abs((at - local).total_seconds()) < 0.002  # Excel keeps milliseconds
        d = describe(e)
        expected = [e.actor_name, {"line": "Line", "order": "Order", "log": "Log entry"}[
            e.entity_type], d.entity, d.what, d.old, d.new, d.text]
        assert [c.value or "" for c in row[1:8]] == [x.replace("\x07", "\ufffd") for x in expected]
        assert row[8].value == e.change and row[9].value == e.revision
        assert isinstance(row[9].value, int)


def test_formula_like_text_stays_text(desk: Desk, tmp_path: Path) -> None:
    oid = edited(desk)
    out = timeline_xlsx(desk.history.timeline(oid), tmp_path / "h.xlsx")
    ws = openpyxl.load_workbook(out).active
    notes = next(r for r in ws.iter_rows(min_row=2) if r[4].value == "notes")
    assert notes[6].value == "=HYPERLINK(\"http://evil.example\",\"click\")"
    assert notes[6].data_type == "s"
    log = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "Log entry")
    assert log[6].value == "Grüße\ufffd"  # a control character XLSX cannot hold


def test_empty_timeline_still_gives_a_header(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(timeline_xlsx([], tmp_path / "e.xlsx")).active
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:J1"


def test_a_failed_export_leaves_the_previous_file(desk: Desk, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "h.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"previous")

    def no_rename(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("orderdesk.exchange.columns.os.replace", no_rename)
    with pytest.raises(OSError, match="No space"):
        timeline_xlsx(desk.history.timeline(edited(desk)), target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == ["h.xlsx"]  # the temporary file is gone
