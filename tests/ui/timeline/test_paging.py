"""The timeline's first screen loads one page, however big the groups; scrolling loads more."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from orderdesk.core import Actor, Desk, Line, Order
from orderdesk.ui.timeline import TimelinePanel


def edited_by_turns(desk: Desk, edits: int, lines: int = 30) -> str:
    """An order whose lines three people edit in turn: one group of `lines`+ events each."""
    desk.catalog.create_customers([("C1", "Acme Steel")])
    doc = desk.orders.create(Order(
        customer_code="C1", order_date=date(2026, 1, 5),
        lines=[Line(f"PLANK-{i}", Decimal(1), Decimal("2.50")) for i in range(lines)]))
    oid = str(doc.id)
    desks = [Desk(desk.store, desk.company_id, Actor(a, n))
             for a, n in (("ann", "Ann"), ("bob", "Bob"), ("cyril", "Cyril"))]
    for e in range(edits):
        who = desks[e % 3]
        d = who.orders.get(oid)
        for ln in d.lines:
            ln.quantity = Decimal(2 + e)
        who.orders.update(d, expected_version=d.version)
    return oid


def test_big_groups_do_not_make_the_first_screen_load_everything(
        qtbot: Any, ui_desk: Desk) -> None:
    oid = edited_by_turns(ui_desk, edits=20)  # 600 line events in 20 groups
    panel = TimelinePanel(ui_desk, None, oid, page_size=100)
    qtbot.addWidget(panel)
    panel.resize(900, 620)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(50)
    # One page fills the screen (groups are expanded); the tree alone would have pulled
    # pages until it had as many groups as rows fit on screen: the whole history here.
    assert panel.model.event_count() == 100
    assert "more below as you scroll" in panel.count.text()
    sb = panel.view.verticalScrollBar()
    sb.setValue(sb.maximum())
    qtbot.waitUntil(lambda: panel.model.event_count() == 200)
    while panel.model.has_more:
        sb.setValue(sb.maximum())
        qtbot.wait(10)
    assert panel.model.event_count() == len(ui_desk.history.timeline(oid, limit=10_000))
    assert "more below" not in panel.count.text()


def test_a_tall_window_loads_until_it_is_full(qtbot: Any, ui_desk: Desk) -> None:
    oid = edited_by_turns(ui_desk, edits=6, lines=3)  # 4-event groups, ~30 events in all
    panel = TimelinePanel(ui_desk, None, oid, page_size=5)
    qtbot.addWidget(panel)
    panel.resize(700, 900)
    panel.show()
    qtbot.waitExposed(panel)
    # Nothing to scroll yet, so nothing would ask: the panel fetches until the list is
    # taller than the window or the history ends.
    qtbot.waitUntil(lambda: not panel.model.has_more)
    assert panel.model.event_count() == len(ui_desk.history.timeline(oid, limit=1000))
