"""Core benchmarks: bulk creation vs raw sqlite3.executemany, demo size, list pages.

    python bench/bench_core.py [--orders 20000] [--list-db /tmp/bench-100k.sqlite3]

Prints ratios against the raw library doing the same work; never used by tests.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orderdesk.core import Actor, Desk, OrderQuery, create_company, open_store
from orderdesk.core.demo import _order  # the demo's realistic order shape
from orderdesk.core.fields import new_uuid
from orderdesk.core.money import compute_totals, line_amounts, to_fixed
from orderdesk.core.schema import SORTABLE


def _docs(n: int) -> list:  # type: ignore[type-arg]
    rnd = random.Random(1)
    from datetime import date

    docs = [_order(rnd, ["C1", "C2", "C3"], "EUR", date(2025, 1, 1)) for _ in range(n)]
    for d in docs:  # orders + lines + taxes + history only: what the raw side inserts too
        d.addresses, d.contacts, d.surcharges, d.payments, d.shipments = [], [], [], [], []
        d.stage, d.status = "draft", "pending"
    return docs


def _fresh(tmp: Path, name: str) -> Desk:
    store = open_store(tmp / name)
    desk = Desk(store, create_company(store, "Bench", "EUR").id, Actor("bench", "Bench"))
    desk.catalog.create_customers([("C1", "One"), ("C2", "Two"), ("C3", "Three")])
    return desk


def bench_bulk(n: int, batch: int = 1000) -> None:
    docs = _docs(n)
    lines = sum(len(d.lines) for d in docs)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        desk = _fresh(tmp, "core.sqlite3")
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            desk.orders.create_many(docs[i : i + batch])
        core = time.perf_counter() - t0

        raw_desk = _fresh(tmp, "raw.sqlite3")
        raw_desk.store.close()
        rows = _raw_rows(_docs(n))  # prepared before timing: raw only inserts
        con = sqlite3.connect(tmp / "raw.sqlite3", isolation_level=None)
        for p in ("journal_mode=wal", "synchronous=full", "foreign_keys=1"):
            con.execute(f"PRAGMA {p}")
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            con.execute("BEGIN IMMEDIATE")
            o, ln, tx, h, s = (r[i : i + batch] for r in rows[:1]), None, None, None, None
            _insert_raw(con, rows, i, batch)
            con.execute("COMMIT")
        raw = time.perf_counter() - t0
    print(f"bulk create: {n:,} orders, {lines:,} lines (+ taxes, history, search index)")
    print(f"  core create_many  {core:7.2f} s  {n / core:9,.0f} orders/s")
    print(f"  raw executemany   {raw:7.2f} s  {n / raw:9,.0f} orders/s")
    print(f"  core throughput = {raw / core:.2f} × raw   (target ≥ 0.40)")


def _raw_rows(docs: list) -> list[list[tuple]]:  # type: ignore[type-arg]
    orders, lines, taxes, hist, search = [], [], [], [], []
    lid = 0
    now = "2026-11-26 10:00:00.000000"
    for oid, d in enumerate(docs, 1):
        uid = new_uuid()
        t = compute_totals("EUR", d.lines, [])
        per_order_lines = []
        for pos, ln in enumerate(d.lines, 1):
            lid += 1
            a = line_amounts(ln, "EUR")
            luid = new_uuid()
            per_order_lines.append((lid, 1, oid, luid, pos, ln.item_code, ln.description,
                                    to_fixed(ln.quantity), ln.unit, to_fixed(ln.unit_price),
                                    to_fixed(ln.discount), 0, to_fixed(a.subtotal),
                                    to_fixed(a.tax), to_fixed(a.total), "{}", 1))
            for s, tx in enumerate(ln.taxes):
                taxes.append((lid, s, tx.name, tx.group, tx.type, to_fixed(tx.rate)))
            hist.append((1, oid, None, 1, now, "bench", "Bench", "created", "line", luid,
                         f"Line {pos} · {ln.item_code}", None, None, None))
        lines.append(per_order_lines)
        num = f"2025-{oid:05d}"
        orders.append((oid, 1, uid, num, "", d.customer_reference, 1, d.customer_code, "One",
                       d.order_date.isoformat(), "", d.site, "EUR", d.notes, "draft", "pending",
                       1, 1, 1, now, "Bench", now, "Bench", t.line_count,
                       to_fixed(t.total_quantity), to_fixed(t.products_total), 0,
                       to_fixed(t.tax_total), to_fixed(t.grand_total), 0,
                       to_fixed(t.grand_total)))
        hist.append((1, oid, None, 1, now, "bench", "Bench", "created", "order", uid,
                     f"Order {num}", None, None, None))
        search.append((oid, " ".join([num, d.customer_code, "One"] +
                                     [x for ln in d.lines for x in (ln.item_code, ln.description)])))
    return [orders, lines, taxes, hist, search]


def _insert_raw(con: sqlite3.Connection, rows: list, i: int, batch: int) -> None:  # type: ignore[type-arg]
    orders, lines, taxes, hist, search = rows
    o = orders[i : i + batch]
    ls = [x for per in lines[i : i + batch] for x in per]
    lo, hi = (ls[0][0], ls[-1][0]) if ls else (0, -1)
    con.executemany("INSERT INTO orders (id, company_id, uuid, number, reference, "
                    "customer_reference, customer_id, customer_code, customer_name, order_date, "
                    "delivery_date, site, currency, notes, stage, status, active, version, "
                    "revision, created_at, created_by, updated_at, updated_by, line_count, "
                    "total_quantity, products_total, surcharges_total, tax_total, grand_total, "
                    "paid, balance) VALUES (" + ",".join("?" * 31) + ")", o)
    con.executemany("INSERT INTO order_line (id, company_id, order_id, uuid, position, item_code, "
                    "description, quantity, unit, unit_price, discount, weight, subtotal, "
                    "tax_amount, total, attributes, active) VALUES (" + ",".join("?" * 17) + ")",
                    ls)
    con.executemany('INSERT INTO line_tax (line_id, seq, name, "group", type, rate) VALUES '
                    "(?,?,?,?,?,?)", [t for t in taxes if lo <= t[0] <= hi])
    ids = {r[0] for r in o}
    con.executemany("INSERT INTO history_event (company_id, order_id, lot_id, revision, at, "
                    "actor_id, actor_name, change, entity_type, entity_id, entity_label, field, "
                    "old_value, new_value) VALUES (" + ",".join("?" * 14) + ")",
                    [h for h in hist if h[1] in ids])
    con.executemany("INSERT INTO order_search (rowid, body) VALUES (?, ?)",
                    search[i : i + batch])


def bench_demo(orders: int) -> None:
    with tempfile.TemporaryDirectory() as t:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "orderdesk", "--db", str(Path(t) / "demo.sqlite3"),
                        "demo", "--orders", str(orders)], check=True, capture_output=True)
        took = time.perf_counter() - t0
    print(f"demo --orders {orders:,}: {took:.1f} s (target < 120 s at 100,000)")


def bench_list(path: Path, orders: int) -> None:
    if not path.exists():
        print(f"building {path} with demo --orders {orders:,} …", flush=True)
        subprocess.run([sys.executable, "-m", "orderdesk", "--db", str(path), "demo",
                        "--orders", str(orders)], check=True)
    store = open_store(path)
    desk = Desk(store, 1)
    raw = sqlite3.connect(path)
    n = desk.listing.count(OrderQuery())
    print(f"first list page (100 rows) at {n:,} listed orders — median of 5, ms "
          "(target < 50 ms):")
    print(f"  {'query':34} {'core':>8} {'raw SQL':>8} {'ratio':>6}")
    cases = [(f"sort {c} {d}", OrderQuery(sort=c, descending=d == "desc"))
             for c in SORTABLE for d in ("asc", "desc")]
    cases += [(f"search '{w}'", OrderQuery(text=w)) for w in ("steel", "nowak", "2026-0042",
                                                               "pipe cu")]
    for label, q in cases:
        core = _median(lambda: desk.listing.page(q, limit=100))
        where, params = desk.listing._where(q)
        d = "DESC" if q.descending else "ASC"
        sql = (f"SELECT o.* FROM orders o WHERE {where} ORDER BY o.{q.sort} {d}, o.id {d} "
               "LIMIT 101")
        rawt = _median(lambda: raw.execute(sql, params).fetchall())
        print(f"  {label:34} {core:8.2f} {rawt:8.2f} {core / rawt:6.1f}")


def _median(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=20000, help="bulk-create size")
    ap.add_argument("--demo", type=int, default=0, help="also time demo --orders N")
    ap.add_argument("--list-db", type=Path, default=Path("/tmp/bench-100k.sqlite3"))
    ap.add_argument("--list-orders", type=int, default=100000)
    a = ap.parse_args()
    bench_bulk(a.orders)
    if a.demo:
        bench_demo(a.demo)
    bench_list(a.list_db, a.list_orders)


if __name__ == "__main__":
    main()
