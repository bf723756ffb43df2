"""The editor's core calls on a 1,000-line order: open (orders.get) and save one field.

    python bench/bench_editor_core.py [--lines 1000] [--runs 15] [--profile]

Prints medians against raw sqlite3 doing the least the same work needs (read the order, its
lines and their taxes; update one row and insert one history row in one transaction).
Targets for the editor: open < 300 ms, save one changed field < 100 ms.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable

from orderdesk.core import Actor, Desk, Line, Order, Tax, create_company, open_store
from orderdesk.core.db import SQLITE_PRAGMAS


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def build(path: Path, lines: int) -> tuple[Desk, str]:
    store = open_store(path)
    desk = Desk(store, create_company(store, "Bench", "EUR").id, Actor("bench", "Bench"))
    desk.catalog.create_customers([("C1", "One")])
    doc = Order("C1", date(2026, 11, 2), lines=[
        Line(f"IT-{i % 300}", Decimal(i % 50 + 1), Decimal("2.35"), description=f"Item {i}",
             unit="m", discount=Decimal(i % 3), taxes=[Tax("VAT", Decimal(21))]
             + ([Tax("Eco", Decimal("0.5"))] if i % 4 == 0 else []))
        for i in range(lines)])
    return desk, desk.orders.create(doc).id or ""


def raw_connection(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    for name, value in dict(SQLITE_PRAGMAS).items():
        con.execute(f"PRAGMA {name} = {value}")
    return con


def raw_read(con: sqlite3.Connection, uid: str) -> object:
    head = con.execute("SELECT * FROM orders WHERE uuid = ?", [uid]).fetchone()
    lines = con.execute("SELECT * FROM order_line WHERE order_id = ? AND active = 1 "
                        "ORDER BY position", [head[0]]).fetchall()
    taxes = con.execute("SELECT t.* FROM line_tax t JOIN order_line l ON l.id = t.line_id "
                        "WHERE l.order_id = ? ORDER BY t.line_id, t.seq", [head[0]]).fetchall()
    return head, lines, taxes


def raw_save(con: sqlite3.Connection, uid: str, n: int) -> None:
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE orders SET notes = ?, version = version + 1 WHERE uuid = ?",
                [f"raw {n}", uid])
    con.execute("INSERT INTO history_event (company_id, order_id, revision, at, actor_id, "
                "actor_name, change, entity_type, entity_id, entity_label, field, old_value, "
                "new_value) SELECT company_id, id, 0, '2026-11-26 10:00:00.000000', 'b', 'B', "
                "'updated', 'order', uuid, 'Order', 'notes', '', ? FROM orders WHERE uuid = ?",
                [f"raw {n}", uid])
    con.execute("COMMIT")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "editor.sqlite3"
        desk, uid = build(path, args.lines)
        get_ms = median_ms(lambda: desk.orders.get(uid), args.runs)
        counter = iter(range(10**9))

        def save_one() -> None:
            doc = desk.orders.get(uid)  # outside the timed part in the editor; kept fair below
            doc.notes = f"note {next(counter)}"
            t0 = time.perf_counter()
            desk.orders.update(doc, expected_version=doc.version)
            save_times.append(time.perf_counter() - t0)

        save_times: list[float] = []
        for _ in range(args.runs):
            save_one()
        save_ms = statistics.median(save_times) * 1000
        con = raw_connection(path)
        raw_get = median_ms(lambda: raw_read(con, uid), args.runs)
        raw_put = median_ms(lambda: raw_save(con, uid, next(counter)), args.runs)
        con.close()
        if args.profile:
            import cProfile
            import pstats

            doc = desk.orders.get(uid)
            doc.notes = "profiled"
            cProfile.runctx("desk.orders.update(doc)", globals(), locals(), "/tmp/editor.prof")
            pstats.Stats("/tmp/editor.prof").sort_stats("cumtime").print_stats(18)
        desk.store.close()
    print(f"editor core on a {args.lines:,}-line order (median of {args.runs})")
    print(f"  open   orders.get       {get_ms:7.1f} ms   raw sqlite3 {raw_get:6.1f} ms   "
          f"ratio {get_ms / raw_get:5.1f}×   target < 300 ms: "
          f"{'ok' if get_ms < 300 else 'MISSED'}")
    print(f"  save   orders.update    {save_ms:7.1f} ms   raw sqlite3 {raw_put:6.1f} ms   "
          f"ratio {save_ms / raw_put:5.1f}×   target < 100 ms: "
          f"{'ok' if save_ms < 100 else 'MISSED'}")


if __name__ == "__main__":
    main()
