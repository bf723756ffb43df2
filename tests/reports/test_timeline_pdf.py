"""The timeline PDF: read back with pypdf — rows, Unicode, local times, page X of Y, atomic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.core import Actor, Desk
from orderdesk.core.history import HistoryFilter
from orderdesk.reports.timeline import MAX_CELL_CHARS, timeline_pdf
from tests.reports.conftest import Pdf, make_order


def edited(desk: Desk, notes: int = 0) -> str:
    o = make_order(desk, lines=2)
    doc = desk.orders.get(o.id)
    doc.lines[0].unit_price = Decimal("9.75")
    doc.notes = "Доставка в пятницу — Łódź"
    desk.orders.update(doc)
    petr = desk.as_actor(Actor("petr", "Petr Dvořák"))
    petr.attachments.add_log(o.id, "Telefonát", "Zákazník chce dodání v pátek")
    for i in range(notes):
        doc = petr.orders.get(o.id)
        doc.notes = f"note {i}"
        petr.orders.update(doc)
    return o.id  # type: ignore[return-value]


def test_rows_unicode_local_times_and_font(rdesk: Desk, tmp_path: Path) -> None:
    oid = edited(rdesk)
    events = rdesk.history.timeline(oid)
    out = timeline_pdf(events, tmp_path / "out" / "history.pdf", "History of order 2026-0001",
                       company="Nordhaven Metals s.r.o.")
    pdf = Pdf(out.read_bytes())
    text = pdf.text()
    assert "History of order 2026-0001" in text and f"{len(events)} event(s)" in text
    for e in events:
        assert e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") in text
    for part in ("Petr Dvořák", "Telefonát", "Zákazník chce dodání v pátek",
                 "Доставка в пятницу — Łódź", "unit price", "9.75"):
        assert part in text, part
    assert "Page 1 of 1" in text and "Nordhaven Metals s.r.o." in text
    assert pdf.fonts() and not any("Helvetica" in f for f in pdf.fonts())
    assert [p.name for p in out.parent.iterdir()] == ["history.pdf"]  # no temporary file left


def test_long_timelines_run_over_pages_and_say_so(rdesk: Desk, tmp_path: Path) -> None:
    oid = edited(rdesk, notes=60)
    events = rdesk.history.timeline(oid, flt=HistoryFilter(field="notes"))
    assert len(events) == 61
    pdf = Pdf(timeline_pdf(events, tmp_path / "h.pdf", "Notes").read_bytes())
    pages = pdf.texts()
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page
        assert "Time (local)" in page  # the header row repeats
    assert "note 59" in pages[0] and "note 0" in pages[-1]


def test_huge_values_are_cut_instead_of_breaking_the_layout(rdesk: Desk, tmp_path: Path) -> None:
    o = make_order(rdesk, lines=1)
    rdesk.attachments.add_log(o.id, "Pasted mail", "word " * 4000)  # 20,000 characters
    pdf = Pdf(timeline_pdf(rdesk.history.timeline(o.id), tmp_path / "h.pdf", "H").read_bytes())
    text = pdf.text().replace("\n", " ")
    assert "Pasted mail" in text and "…" in text
    assert text.count("word") < MAX_CELL_CHARS // 5 + 5


def test_an_existing_file_is_replaced_only_when_the_new_one_is_complete(
        rdesk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "h.pdf"
    target.parent.mkdir()
    target.write_bytes(b"previous export")
    o = make_order(rdesk, lines=1)
    events = rdesk.history.timeline(o.id)

    def no_rename(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("orderdesk.reports.timeline.os.replace", no_rename)
    with pytest.raises(OSError, match="No space"):
        timeline_pdf(events, target, "H")
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in target.parent.iterdir()] == ["h.pdf"]  # the temporary file is gone
    monkeypatch.undo()
    timeline_pdf(events, target, "H")
    assert Pdf(target.read_bytes()).text().startswith("H")
