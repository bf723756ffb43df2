"""Order list at scale: first paint, memory after a full scroll, sort/search/jump-to-end times.

    python bench/bench_order_list.py [--db /tmp/bench-1m.sqlite3] [--orders 1000000]

Builds the demo database once (minutes at a million orders) and reuses it. Each window
figure is also printed as a ratio against the raw sqlite3 query fetching the same page.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

PAGE = 200
COLS = ("id, uuid, number, reference, customer_reference, customer_code, customer_name, "
        "order_date, delivery_date, site, currency, stage, status, total_quantity, grand_total, "
        "balance, line_count, created_at, updated_at, active, version")
OPEN = "o.company_id = ? AND o.active = 1 AND o.stage IN ('draft','sent')"


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            k, v = line.split(":")
            fields[k] = int(v.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


# ---------------------------------------------------------------- raw sqlite3 reference
def raw_timer(db: str, cid: int) -> Callable[[str, list[Any]], float]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def run(sql: str, params: list[Any]) -> float:
        t = time.perf_counter()
        con.execute(sql, [cid, *params]).fetchall()
        return time.perf_counter() - t

    return run


def raw_page(sort: str, desc: bool = True, where: str = OPEN, limit: int = PAGE + 1) -> str:
    d = "DESC" if desc else "ASC"
    return (f"SELECT {COLS}, {sort} FROM orders o WHERE {where} "
            f"ORDER BY o.{sort} {d}, o.id {d} LIMIT {limit}")


# ---------------------------------------------------------------- child: the window
def child(db: str, mode: str, t0: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from orderdesk.ui import settings as S
    from orderdesk.ui.app import application, open_window
    from orderdesk.ui.order_model import COLUMNS

    app = application()
    s = S.Settings(QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat))
    w = open_window(argparse.Namespace(db=db, company=None, user=None), s)
    assert w is not None
    out: dict[str, Any] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj: Any, ev: Any) -> bool:
            if ev.type() == QEvent.Type.Paint and "first_paint" not in out:
                obj.removeEventFilter(self)
                w.table.viewportEvent(ev)  # paint now, then note the time: the page is drawn
                out["first_paint"] = time.time() - t0
                out["rows"] = w.model.rowCount()
                out["rss_first"] = rss_mb()[0]
                app.quit() if mode == "first" else None
                return True
            return False

    f = FirstPaint()
    w.table.viewport().installEventFilter(f)
    w.resize(1280, 800)
    w.show()
    if mode == "first":
        app.exec()
        print(json.dumps(out))
        return
    while "first_paint" not in out:
        app.processEvents()
    table, model, vp = w.table, w.model, w.table.viewport()

    def timed(fn: Callable[[], Any]) -> float:
        t = time.perf_counter()
        fn()
        vp.repaint()  # synchronous paint of what is now visible
        return time.perf_counter() - t

    def settle() -> float:
        """Waits for the background count (the list shows its first page before it)."""
        t = time.perf_counter()
        while model.counting:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        return time.perf_counter() - t

    out["first_count"] = settle()

    out["sort"] = {}
    for i, col in enumerate(COLUMNS):
        table.horizontalHeader().setSectionHidden(i, False)
    for i, col in enumerate(COLUMNS):
        runs = [timed(lambda i=i: table.sortByColumn(i, Qt.SortOrder.AscendingOrder)),
                timed(lambda i=i: table.sortByColumn(i, Qt.SortOrder.DescendingOrder))]
        out["sort"][col.key] = runs
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    out["search"] = {}
    for word in ("copper", "Müller", "PO-4242", "2025-0001"):
        def search(word: str = word) -> None:
            w.search.setText(word)
            w.apply_filters()
        shown = timed(search)
        counted = shown + settle()
        out["search"][word] = [shown, model.rowCount(), counted]
        w.search.setText("")
        w.apply_filters()
        settle()
    end = []
    for _ in range(3):
        table.scrollToTop()
        model.set_query(model.query)  # a cold cache: the end is not in it
        settle()
        end.append(timed(lambda: table.scrollToBottom()))
    out["end"] = end
    # Scroll from top to bottom a screen at a time would take hours of paints; a page
    # (200 rows) per step still reads every row through the model and paints each step.
    table.scrollToTop()
    model.set_query(model.query)
    settle()
    t = time.perf_counter()
    bar = table.verticalScrollBar()
    step = PAGE
    v = 0
    while v < bar.maximum():
        v = min(bar.maximum(), v + step)
        bar.setValue(v)
        vp.repaint()
    out["scroll_seconds"] = time.perf_counter() - t
    out["scroll_steps"] = bar.maximum() // step
    out["rss_after_scroll"], out["rss_peak"] = rss_mb()
    out["cached_pages"] = len(model._pages)
    out["fetches"] = model.fetches
    print(json.dumps(out))
    QApplication.processEvents()


# ---------------------------------------------------------------- parent: orchestration
def spawn(db: str, mode: str) -> dict[str, Any]:
    t0 = time.time()
    p = subprocess.run([sys.executable, __file__, "--child", mode, "--t0", repr(t0), "--db", db],
                       capture_output=True, text=True, env={**os.environ,
                                                            "QT_QPA_PLATFORM": "offscreen"})
    if p.returncode:
        raise SystemExit(f"child failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/bench-1m.sqlite3")
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--child")
    ap.add_argument("--t0", type=float, default=0.0)
    ap.add_argument("--skip-scroll", action="store_true")
    a = ap.parse_args()
    if a.child:
        child(a.db, a.child, a.t0)
        return
    if not Path(a.db).exists():
        print(f"building {a.db} with {a.orders:,} orders (once; reused afterwards)…")
        subprocess.run([sys.executable, "-m", "orderdesk", "--db", a.db, "demo", "--orders",
                        str(a.orders)], check=True)
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    cid = con.execute("SELECT MIN(id) FROM company").fetchone()[0]
    raw = raw_timer(a.db, cid)
    firsts = [spawn(a.db, "first") for _ in range(3)]
    first = statistics.median(f["first_paint"] for f in firsts)
    t = time.perf_counter()
    c2 = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    c2.execute(f"SELECT COUNT(*) FROM orders o WHERE {OPEN}", [cid]).fetchone()
    c2.execute(raw_page("number").replace("?", str(cid), 1)).fetchall()
    raw_first = time.perf_counter() - t
    r = spawn(a.db, "actions")

    rows: list[tuple[str, float, float]] = []
    rows.append(("first page painted (from process start)", first, raw_first))
    rows.append(("  its count in the status bar, after the paint", r["first_count"], raw_first))
    for key, (asc, desc) in r["sort"].items():
        ra = min(raw(raw_page(key, False), []) for _ in range(2))
        rd = min(raw(raw_page(key, True), []) for _ in range(2))
        rows.append((f"sort by {key} (asc)", asc, ra))
        rows.append((f"sort by {key} (desc)", desc, rd))
    from orderdesk.core.search import search_words

    for word, (secs, n, counted) in r["search"].items():
        match = " ".join('"' + t.replace('"', '""') + '"*' for t in search_words(word))
        cond = OPEN + " AND o.id IN (SELECT rowid FROM order_search WHERE order_search MATCH ?)"
        tr = min(raw(raw_page("number", True, cond), [match]) for _ in range(2))
        tc = min(raw(f"SELECT COUNT(*) FROM orders o WHERE {cond}", [match]) for _ in range(2))
        rows.append((f"search '{word}': first page shown", secs, tr))
        rows.append((f"search '{word}': counted ({n:,} found)", counted, tc + tr))
    rend = min(raw(raw_page("number", False, limit=PAGE), []) for _ in range(2))
    rows.append(("jump to end (Ctrl+End)", statistics.median(r["end"]), rend))

    print(f"\norder list benchmark on {a.db}: {firsts[0]['rows']:,} orders in the default "
          f"view (Qt offscreen, median of runs)\n")
    print(f"{'action':<44} {'window ms':>10} {'raw SQL ms':>11} {'ratio':>7}  target")
    for name, ui, rw in rows:
        target = 1500 if name.startswith("first") else 200
        ok = "ok" if ui * 1000 <= target else "MISSED"
        print(f"{name:<44} {ui * 1000:>10.1f} {rw * 1000:>11.2f} {ui / max(rw, 1e-6):>7.1f}  "
              f"<{target} ms {ok}")
    print(f"\nRSS at first paint: {statistics.median(f['rss_first'] for f in firsts):.0f} MB")
    print(f"RSS after scrolling top to bottom: {r['rss_after_scroll']:.0f} MB (peak "
          f"{r['rss_peak']:.0f} MB; target < 400 MB) — {r['scroll_steps']:,} steps of {PAGE} "
          f"rows in {r['scroll_seconds']:.1f} s, {r['cached_pages']} pages cached at the end")
    print(f"page fetches: {r['fetches']}")


if __name__ == "__main__":
    main()
