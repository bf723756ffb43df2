"""Attachment and timeline benchmarks against raw sqlite3 doing the same work.

    python bench/bench_attachments.py [--files 20] [--mb 4] [--events 10000]

1. Storing 20 files of 4 MB (real PNGs and PDFs whose content passes the check), one
   transaction each, through desk.attachments.add — vs hashing and inserting the same bytes
   with raw sqlite3 (WAL, synchronous=FULL like the store). Target: under 2 s.
   Also through the window's own drop path (AttachFlow: confirm step accepted as Enter
   does, storing in the TaskRunner's worker thread with progress), timed from the drop
   to the flow's `finished` signal in the GUI thread.
2. The first screen (100 events) of an order with 10,000 events, through the core
   (TimelinePager, grouped and described as the view shows them) — vs the raw SELECT.
   Target: under 300 ms. (The panel itself, first paint: bench/bench_timeline_ui.py.)
Never used by tests.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import pstats
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from orderdesk.core import Actor, Desk, Line, Order, create_company, open_store
from orderdesk.core.fields import ts_text, utcnow
from orderdesk.core.intake import attach_paths
from orderdesk.core.timeline import TimelinePager, describe

RAW_SCHEMA = ("CREATE TABLE blob_file (id INTEGER PRIMARY KEY, name TEXT, md5 TEXT, "
              "size INTEGER, content BLOB)")


def noise_png(target: int, seed: int) -> bytes:
    """A real PNG of random pixels (incompressible), close to `target` bytes."""
    side = int((target / 3) ** 0.5)
    rnd = random.Random(seed)
    img = Image.frombytes("RGB", (side, side), rnd.randbytes(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def noise_pdf(target: int, seed: int) -> bytes:
    """A real one-page reportlab PDF carrying a noise image, close to `target` bytes."""
    png = noise_png(target, seed)
    buf = io.BytesIO()
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: ASCII85 would add 25 %
    try:
        c = canvas.Canvas(buf)
        c.drawString(72, 800, f"Mill certificate #{seed}")
        c.drawImage(ImageReader(io.BytesIO(png)), 72, 200, 400, 400)
        c.save()
    finally:
        rl_config.useA85 = a85
    return buf.getvalue()


def files(n: int, size: int) -> list[tuple[str, bytes]]:
    out = []
    for i in range(n):
        if i % 2:
            out.append((f"certificate-{i}.pdf", noise_pdf(size, i)))
        else:
            out.append((f"photo-{i}.png", noise_png(size, i)))
    return out


def fresh(path: Path) -> tuple[Desk, str]:
    store = open_store(path)
    desk = Desk(store, create_company(store, "Bench", "EUR").id, Actor("bench", "Bench"))
    desk.catalog.create_customers([("C1", "One")])
    o = desk.orders.create(Order(customer_code="C1", order_date=date(2026, 1, 5),
                                 lines=[Line("X", Decimal(1), Decimal(1))]))
    return desk, o.id  # type: ignore[return-value]


def raw_store(path: Path, data: list[tuple[str, bytes]]) -> float:
    """Seconds to hash and insert each file with raw sqlite3, one transaction each."""
    con = sqlite3.connect(path, isolation_level=None)
    for p in ("journal_mode=wal", "synchronous=full", "foreign_keys=1"):
        con.execute(f"PRAGMA {p}")
    con.execute(RAW_SCHEMA)
    t0 = time.perf_counter()
    for name, content in data:
        md5 = hashlib.md5(content).hexdigest()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO blob_file (name, md5, size, content) VALUES (?,?,?,?)",
                    [name, md5, len(content), content])
        con.execute("COMMIT")
    took = time.perf_counter() - t0
    con.close()
    return took


def bench_flow(n: int, mb: float, runs: int = 5) -> None:
    """20 files dropped on the panel: AttachFlow from the drop to `finished`, offscreen."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from orderdesk.ui.attachments.intake import AttachFlow, Incoming
    from orderdesk.ui.dialogs import Ui
    from orderdesk.ui.tasks import TaskRunner

    class Enter(Ui):
        """The user confirms the pre-filled types with Enter; nothing else is asked."""

        def run_dialog(self, dialog: QDialog) -> bool:
            return True

        def error(self, parent: QWidget | None, title: str, text: str) -> None:
            raise AssertionError(text)

    app = QApplication.instance() or QApplication([])
    data = files(n, int(mb * 1024 * 1024))
    flows, raws = [], []
    for run in range(runs):
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(t)
            folder = tmp / "desktop"
            folder.mkdir()
            for name, content in data:
                (folder / name).write_bytes(content)
            desk, oid = fresh(tmp / "flow.sqlite3")
            widget = QWidget()
            runner = TaskRunner()
            flow = AttachFlow(desk, runner, Enter(), widget, order=oid)
            loop = QEventLoop()
            got: list[object] = []
            flow.finished.connect(lambda outcomes: (got.append(outcomes), loop.quit()))
            QTimer.singleShot(120_000, loop.quit)
            t0 = time.perf_counter()
            assert flow.start([Incoming.from_path(str(p)) for p in sorted(folder.iterdir())])
            loop.exec()
            flows.append(time.perf_counter() - t0)
            outcomes: Any = got[0] if got else []
            assert len(outcomes) == n and all(o.ok for o in outcomes), "not all were stored"
            runner.wait()
            desk.store.close()
            widget.deleteLater()
            app.processEvents()
            raws.append(raw_store(tmp / "raw.sqlite3", data))
    f, r = statistics.median(flows), statistics.median(raws)
    verdict = "OK" if f < 2 else "SLOWER THAN TARGET"
    print(f"drop {n} × {mb:g} MB on the panel (AttachFlow, worker thread): {f:.3f} s "
          f"(median of {runs}; runs {', '.join(f'{x:.2f}' for x in flows)} s), hashing + "
          f"raw sqlite3 inserts {r:.3f} s, ratio {f / r:.2f}× — target < 2 s: {verdict}")


def bench_store(n: int, mb: float, profile: bool) -> None:
    data = files(n, int(mb * 1024 * 1024))
    total = sum(len(d) for _, d in data)
    print(f"{n} files, {total / 1e6:.1f} MB in all (sizes {min(len(d) for _, d in data):,}–"
          f"{max(len(d) for _, d in data):,} bytes)")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        desk, oid = fresh(tmp / "core.sqlite3")
        prof = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        for name, content in data:
            desk.attachments.add(name, content, order=oid, type="Certificate")
        if prof:
            prof.disable()
        core = time.perf_counter() - t0

        # What a drop or `orderdesk attach` does: read each file, check for duplicates, add.
        folder = tmp / "dropped"
        folder.mkdir()
        for name, content in data:
            (folder / name).write_bytes(content)
        desk2, oid2 = fresh(tmp / "intake.sqlite3")
        t0 = time.perf_counter()
        outcomes = attach_paths(desk2, sorted(folder.iterdir()), order=oid2)
        intake = time.perf_counter() - t0
        assert all(o.ok for o in outcomes), [o.message() for o in outcomes if not o.ok]

        raw = raw_store(tmp / "raw.sqlite3", data)
    verdict = "OK" if core < 2 else "SLOWER THAN TARGET"
    print(f"store {n} × {mb:g} MB: core {core:.3f} s, raw sqlite3 {raw:.3f} s, "
          f"ratio {core / raw:.2f}× — target < 2 s: {verdict}")
    print(f"  the same files dropped from disk (intake: read, duplicate check, add): "
          f"{intake:.3f} s, ratio {intake / raw:.2f}×")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)


def bench_timeline(events: int, others: int, runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as t:
        path = Path(t) / "timeline.sqlite3"
        desk, oid = fresh(path)
        row_id = desk.history.order_head(oid)["id"]
        other = desk.orders.create(Order(customer_code="C1", order_date=date(2026, 1, 5),
                                         lines=[Line("Y", Decimal(1), Decimal(1))]))
        other_id = desk.history.order_head(other.id)["id"]  # type: ignore[arg-type]
        start = utcnow() - timedelta(days=400)
        rows = []
        actors = [("ann", "Ann"), ("bob", "Bob"), ("cyril", "Cyril Dvořák")]
        for i in range(events + others):
            a_id, a_name = actors[(i // 7) % 3]
            at = ts_text(start + timedelta(seconds=i * 20))
            rows.append((desk.company_id, row_id if i % (1 + others // max(events, 1)) == 0
                         else other_id, None, i + 10, at, a_id, a_name, "updated", "line",
                         "l-1", "Line 1 · X", "quantity", str(i), str(i + 1)))
        with desk.store.dialect.begin_write():
            desk.store.executemany(
                "INSERT INTO history_event (company_id, order_id, lot_id, revision, at, "
                "actor_id, actor_name, change, entity_type, entity_id, entity_label, field, "
                "old_value, new_value) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        del rows
        gc.collect()  # the setup's 200,000 tuples would otherwise be collected mid-timing
        mine = desk.store.execute("SELECT COUNT(*) FROM history_event WHERE order_id = ?",
                                  [row_id]).fetchone()[0]
        total = desk.store.execute("SELECT COUNT(*) FROM history_event").fetchone()[0]
        print(f"timeline: order with {mine:,} events in a table of {total:,}")

        def core() -> int:
            pager = TimelinePager(desk, oid, page_size=100)
            page = pager.fetch_more()
            texts = [describe(e).text for e in page]  # what the view paints
            return len(texts) + len(pager.groups)

        con = sqlite3.connect(path)

        def raw() -> int:
            return len(con.execute(
                "SELECT id, at, actor_id, actor_name, change, entity_type, entity_id, "
                "entity_label, field, old_value, new_value, revision FROM history_event "
                "WHERE company_id = ? AND order_id = ? ORDER BY at DESC, id DESC LIMIT 100",
                [desk.company_id, row_id]).fetchall())

        for name, fn in (("first screen", core), ("raw SELECT", raw)):
            fn()  # warm the page cache the way an open window has it
        c = [_timed(core) for _ in range(runs)]
        r = [_timed(raw) for _ in range(runs)]
        cm, rm = statistics.median(c), statistics.median(r)
        verdict = "OK" if cm < 0.3 else "SLOWER THAN TARGET"
        print(f"first 100 events: core {cm * 1000:.1f} ms (median of {runs}), raw sqlite3 "
              f"{rm * 1000:.1f} ms, ratio {cm / rm:.1f}× — target < 300 ms: {verdict}")
        pager = TimelinePager(desk, oid, page_size=100)
        for _ in range(50):  # scrolled half-way down: keyset paging keeps pages cheap
            pager.fetch_more()
        last = pager.events[-1]
        deep = statistics.median(_timed(lambda: desk.history.timeline(
            oid, limit=100, before=(last.at, last.id))) for _ in range(runs))
        print(f"page 51 (events 5,001–5,100) through the core: {deep * 1000:.1f} ms")
        con.close()


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--other-events", type=int, default=190_000,
                    help="events of another order in the same table")
    ap.add_argument("--profile", action="store_true", help="profile the core's add()")
    a = ap.parse_args()
    bench_store(a.files, a.mb, a.profile)
    bench_flow(a.files, a.mb)
    bench_timeline(a.events, a.other_events)


if __name__ == "__main__":
    main()
