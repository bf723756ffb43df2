"""The history timeline panel's first screen for an order with 10,000 events, offscreen.

    QT_QPA_PLATFORM=offscreen python bench/bench_timeline_ui.py [--events 10000] [--lines 50]

The events are made through the core the way people make them: an order with `--lines`
lines whose quantities (and the notes) are edited again and again, one saved version per
edit, until the order has `--events` history events. Then, for several runs: the time from
constructing TimelinePanel to the end of the first paint of its list (the rows are there),
against the raw sqlite3 SELECT of the same 100 newest events. Target: under 300 ms.
Never used by tests.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from orderdesk.core import Actor, Desk, Line, Order, create_company, open_store  # noqa: E402
from orderdesk.ui.tasks import TaskRunner  # noqa: E402
from orderdesk.ui.timeline import TimelinePanel  # noqa: E402


def make_history(path: Path, events: int, lines: int) -> tuple[Desk, str, int, float]:
    """(desk, order uuid, events made, seconds): every event written by a core update."""
    store = open_store(path)
    desk = Desk(store, create_company(store, "Bench", "EUR").id, Actor("ann", "Ann Novák"))
    desk.catalog.create_customers([("C1", "Acme Steel")])
    doc = desk.orders.create(Order(
        customer_code="C1", order_date=date(2026, 1, 5),
        lines=[Line(f"PLANK-{i:03d}", Decimal(1), Decimal("12.50"), f"Plank {i}")
               for i in range(lines)]))
    oid = str(doc.id)
    count = lambda: int(store.execute(  # noqa: E731
        "SELECT COUNT(*) FROM history_event WHERE order_id = ?",
        [desk.history.order_head(oid)["id"]]).fetchone()[0])
    # Three people take turns, so the timeline has its real groups (who, which minute).
    desks = [desk] + [Desk(store, desk.company_id, Actor(a, n))
                      for a, n in (("bob", "Bob Smith"), ("cyril", "Cyril Dvořák"))]
    t0 = time.perf_counter()
    edit, made = 0, count()
    while made < events:
        who = desks[edit % 3]
        doc = who.orders.get(oid)
        edit += 1
        doc.notes = f"edit {edit}"
        for ln in doc.lines:  # each line's quantity: one event per line per edit
            ln.quantity = Decimal(1 + edit % 97)
        who.orders.update(doc, expected_version=doc.version)
        made = count()
    return desk, oid, made, time.perf_counter() - t0


def first_screen(desk: Desk, oid: str, app: QApplication) -> tuple[float, int]:
    """Seconds from constructing the panel to its first painted list; rows on screen."""
    t0 = time.perf_counter()
    panel = TimelinePanel(desk, None, oid, runner=TaskRunner(synchronous=True))
    panel.resize(900, 620)
    panel.show()
    # Painting happens through the event loop; repaint() paints now, as the first expose does.
    view = panel.view
    view.viewport().repaint()
    elapsed = time.perf_counter() - t0
    top = view.indexAt(view.viewport().rect().topLeft())
    rows = panel.model.event_count()
    panel.close()
    panel.deleteLater()
    app.processEvents()
    assert top.isValid(), "the first screen is empty"
    return elapsed, rows


def raw_first_page(path: Path, company_id: int, order_row: int) -> float:
    con = sqlite3.connect(path)
    t0 = time.perf_counter()
    con.execute("SELECT id, at, actor_id, actor_name, change, entity_type, entity_id, "
                "entity_label, field, old_value, new_value, revision FROM history_event "
                "WHERE company_id = ? AND order_id = ? ORDER BY at DESC, id DESC LIMIT 100",
                [company_id, order_row]).fetchall()
    took = time.perf_counter() - t0
    con.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--lines", type=int, default=50)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as t:
        path = Path(t) / "timeline.sqlite3"
        desk, oid, made, took = make_history(path, a.events, a.lines)
        print(f"history: {made:,} events of one order made by core edits in {took:.1f} s "
              f"({a.lines} lines, {made // (a.lines + 1):,} saved versions)")
        order_row = int(desk.history.order_head(oid)["id"])
        first_screen(desk, oid, app)  # warm: imports, fonts, the page cache
        runs = [first_screen(desk, oid, app) for _ in range(a.runs)]
        ui = statistics.median(r[0] for r in runs)
        raw = statistics.median(raw_first_page(path, desk.company_id, order_row)
                                for _ in range(a.runs))
        verdict = "OK" if ui < 0.3 else "SLOWER THAN TARGET"
        print(f"TimelinePanel constructed → first paint: {ui * 1000:.1f} ms (median of "
              f"{a.runs}; {runs[0][1]} events loaded), raw sqlite3 SELECT of the 100 newest: "
              f"{raw * 1000:.2f} ms, ratio {ui / raw:.0f}× — target < 300 ms: {verdict}")
        desk.store.close()


if __name__ == "__main__":
    main()
