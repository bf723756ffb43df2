"""The history timeline panel: exact events in order, lazy pages, filters, live, export."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import openpyxl
import pytest
from PySide6.QtCore import QModelIndex, Qt
from pypdf import PdfReader

from orderdesk.core import Actor, Desk, Store
from orderdesk.core.docs import Payment
from orderdesk.core.timeline import minute_of
from orderdesk.ui.bridge import ChangeBridge
from orderdesk.ui.tasks import TaskRunner
from orderdesk.ui.timeline import TimelinePanel
from orderdesk.ui.timeline.model import TimelineModel
from tests.conftest import make_order
from tests.ui.conftest import Answers


def texts(model: TimelineModel) -> list[str]:
    """Every event row's text, top to bottom, as the tree shows them."""
    out = []
    for g in range(model.rowCount()):
        gi = model.index(g, 0)
        out += [model.data(model.index(r, 0, gi)) for r in range(model.rowCount(gi))]
    return out


def pdf_png() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Delivery note 17")
    c.save()
    return buf.getvalue()


def edit_sequence(desk: Desk) -> tuple[str, str]:
    """A known sequence of edits by two people; returns (order id, number)."""
    o = desk.orders.create(make_order(lines=3))
    doc = desk.orders.get(o.id)
    doc.lines[2].quantity = Decimal(5)
    desk.orders.update(doc)
    bob = desk.as_actor(Actor("bob", "Bob Builder"))
    doc = bob.orders.get(o.id)
    doc.site = "Yard B"
    bob.orders.update(doc)
    bob.attachments.add_log(o.id, "Called customer", "Wants it Friday")
    desk.attachments.add("DN 17.pdf", pdf_png(), order=o.id, type="DeliveryNote")
    desk.finance.save_payment(o.id, Payment(Decimal("5"), o.order_date))
    return o.id, o.number  # type: ignore[return-value]


@pytest.fixture
def bridge(store: Store) -> Iterator[ChangeBridge]:
    b = ChangeBridge(store)
    yield b
    b.close()


@pytest.fixture
def panel(qtbot: Any, desk: Desk, bridge: ChangeBridge) -> TimelinePanel:
    oid, _n = edit_sequence(desk)
    p = TimelinePanel(desk, bridge, oid, runner=TaskRunner(synchronous=True), ui=Answers())
    qtbot.addWidget(p)
    p.resize(900, 500)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_a_sequence_of_edits_gives_exactly_those_events_in_order(
        qtbot: Any, desk: Desk) -> None:
    oid, number = edit_sequence(desk)
    md5 = desk.attachments.list(order=oid)[0].md5
    model = TimelineModel(desk, oid)
    assert texts(model) == [
        "Payment · 5 EUR added",
        f"Attachment · DN 17.pdf added (MD5 {md5})",
        "Log entry “Called customer”: Wants it Friday",
        f"Order {number}: site ∅ → Yard B",
        "Line 3 · PLANK-2x4: quantity 3 → 5",
        f"Order {number} added",
        "Line 3 · PLANK-2x4 added",
        "Line 2 · PLANK-2x4 added",
        "Line 1 · PLANK-2x4 added",
    ]
    # Grouped by actor and minute, neighbours only: alice, bob, alice at least.
    events = model.events()
    keys = [(e.actor_id, minute_of(e.at)) for e in events]
    runs = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    assert model.rowCount() == len(runs) >= 3
    headings = [model.data(model.index(g, 0)) for g in range(model.rowCount())]
    assert headings[0].startswith("Alice Example · ") and "Bob Builder · " in headings[1]
    assert headings[1].endswith("(2 changes)")
    kinds = [model.data(model.index(r, 1, model.index(0, 0)))
             for r in range(model.rowCount(model.index(0, 0)))]
    assert kinds[:2] == ["Payment", "Attachment"]


def test_pages_are_loaded_lazily(qtbot: Any, qtmodeltester: Any, desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=1))
    for i in range(45):
        desk.attachments.add_log(o.id, f"Note {i}")  # type: ignore[arg-type]
    model = TimelineModel(desk, o.id, page_size=10)  # type: ignore[arg-type]
    assert model.event_count() == 10 and model.canFetchMore(QModelIndex())
    assert texts(model)[0] == "Log entry “Note 44”"
    qtmodeltester.check(model)  # also drives fetchMore while it watches the signals
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.event_count() == 47  # 45 notes, the order and its line
    assert texts(model)[-1] == "Line 1 · PLANK-2x4 added"
    assert len(set(e.id for e in model.events())) == 47


def test_scrolling_to_the_end_fetches_the_next_page(qtbot: Any, desk: Desk,
                                                    bridge: ChangeBridge) -> None:
    o = desk.orders.create(make_order(lines=1))
    for i in range(300):
        desk.attachments.add_log(o.id, f"Note {i}")  # type: ignore[arg-type]
    p = TimelinePanel(desk, bridge, o.id, page_size=20)  # type: ignore[arg-type]
    qtbot.addWidget(p)
    p.resize(700, 300)
    p.show()
    qtbot.waitExposed(p)
    qtbot.wait(50)
    first = p.model.event_count()
    print("loaded after show:", first)
    assert first < 100  # a screenful or so, not the whole history
    assert "more below as you scroll" in p.count.text()
    sb = p.view.verticalScrollBar()
    sb.setValue(sb.maximum())
    qtbot.waitUntil(lambda: p.model.event_count() > first)


def test_filters_by_entity_field_user_and_text(qtbot: Any, panel: TimelinePanel) -> None:
    box = panel.entity
    box.setCurrentIndex(box.findData("line"))
    panel.apply_filter()
    assert texts(panel.model) == ["Line 3 · PLANK-2x4: quantity 3 → 5",
                                  "Line 3 · PLANK-2x4 added", "Line 2 · PLANK-2x4 added",
                                  "Line 1 · PLANK-2x4 added"]
    assert "(filtered)" in panel.count.text()
    box.setCurrentIndex(0)
    panel.field.setCurrentIndex(panel.field.findData("site"))
    panel.apply_filter()
    assert [t.split(": ", 1)[1] for t in texts(panel.model)] == ["site ∅ → Yard B"]
    panel.field.setCurrentIndex(0)
    panel.user.setCurrentIndex(panel.user.findData("bob"))
    panel.apply_filter()
    assert len(texts(panel.model)) == 2
    panel.user.setCurrentIndex(0)
    qtbot.keyClicks(panel.text, "friday")
    qtbot.waitUntil(lambda: texts(panel.model) == ["Log entry “Called customer”: Wants it Friday"])


def test_changes_anywhere_appear_on_top(qtbot: Any, panel: TimelinePanel, desk: Desk) -> None:
    before = panel.model.event_count()
    doc = desk.orders.get(panel.order)
    doc.lines[0].unit_price = Decimal("2.75")
    desk.orders.update(doc)
    qtbot.waitUntil(lambda: panel.model.event_count() == before + 1)
    assert texts(panel.model)[0] == "Line 1 · PLANK-2x4: unit price 2.5 → 2.75"
    a = desk.attachments.list(order=panel.order)[0]
    desk.attachments.set_active(a.id, False)  # only the attachment is in the change set
    qtbot.waitUntil(lambda: panel.model.event_count() == before + 2)
    assert texts(panel.model)[0] == "Attachment · DN 17.pdf removed"
    assert texts(panel.model)[1] == "Line 1 · PLANK-2x4: unit price 2.5 → 2.75"


def test_model_tester_with_live_inserts(qtbot: Any, qtmodeltester: Any,
                                        panel: TimelinePanel, desk: Desk) -> None:
    qtmodeltester.check(panel.model)
    bob = desk.as_actor(Actor("bob", "Bob Builder"))
    bob.attachments.add_log(panel.order, "Second call")
    desk.attachments.add_log(panel.order, "Third call")
    qtbot.waitUntil(lambda: texts(panel.model)[:2] == ["Log entry “Third call”",
                                                      "Log entry “Second call”"])
    heads = [panel.model.data(panel.model.index(g, 0)) for g in range(2)]
    assert heads[0].startswith("Alice Example") and heads[1].startswith("Bob Builder")
    assert panel.view.isExpanded(panel.model.index(0, 0))


def test_export_of_the_shown_timeline_to_pdf_and_xlsx(qtbot: Any, panel: TimelinePanel,
                                                      tmp_path: Path) -> None:
    panel.entity.setCurrentIndex(panel.entity.findData("line"))
    panel.apply_filter()
    shown = texts(panel.model)
    with qtbot.waitSignal(panel.exported):
        panel.export(str(tmp_path / "h.xlsx"), "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "h.xlsx").active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[7] for r in rows] == shown  # the Description column, same order
    with qtbot.waitSignal(panel.exported):
        panel.export(str(tmp_path / "h.pdf"), "pdf")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "h.pdf").pages)
    assert "History of order" in text and "quantity" in text
    assert "Yard B" not in text  # filtered out: the shown timeline only
    assert "Filtered by entity: line" in text
    assert "exported to" in panel.count.text()


def test_group_rows_span_and_events_carry_tooltips(panel: TimelinePanel) -> None:
    m = panel.model
    assert panel.view.isFirstColumnSpanned(0, QModelIndex())
    ev = m.index(0, 0, m.index(0, 0))
    assert "revision" in m.data(ev, Qt.ItemDataRole.ToolTipRole)
    assert m.data(m.index(0, 2, m.index(0, 0))).count(":") == 2  # HH:MM:SS
