"""Import throughput: OrderDesk's CSV import vs csv.reader + raw sqlite3.executemany.

Usage: python bench/bench_import.py [--orders 100000] [--lines-per-order 5] [--repeat 3]
Prints both times, the rows/s of each and the ratio (target: OrderDesk ≥ 40% of raw). Each
repeat runs the pair back to back into fresh files (the machine may be shared and loaded);
the median ratio is the result.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sqlite3
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from orderdesk.core import Actor, Desk, create_company, open_store
from orderdesk.exchange import apply_import, plan_import

ITEMS = [("BOLT-M12", "Hex bolt M12×60, 8.8, zinc plated", "pcs"),
         ("PLATE-10", "Steel plate S355 10 mm, cut to size", "kg"),
         ("TUBE-40", "Square tube 40×40×3 mm", "m"), ("FREE", "Special, \"as agreed\"", "pcs")]


def make_files(folder: Path, orders: int, per_order: int) -> tuple[Path, Path]:
    rnd = random.Random(7)
    o_path, l_path = folder / "orders.csv", folder / "lines.csv"
    with open(o_path, "w", encoding="utf-8", newline="") as fo, \
            open(l_path, "w", encoding="utf-8", newline="") as fl:
        wo, wl = csv.writer(fo), csv.writer(fl)
        wo.writerow(["OrderReference", "CustomerReference", "CustomerCode", "CustomerName",
                     "OrderDate", "DeliveryDate", "Site", "Currency", "Notes"])
        wl.writerow(["OrderReference", "Position", "ItemCode", "Description", "Quantity", "Unit",
                     "UnitPrice", "DiscountPercent", "Taxes"])
        for i in range(orders):
            ref = f"X{i:07d}"
            c = rnd.randrange(500)
            wo.writerow([ref, f"PO-{rnd.randrange(10**6)}", f"C{c:04d}", f"Customer {c}",
                         f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "", "Main", "EUR",
                         "Call first" if i % 3 == 0 else ""])
            for p in range(1, per_order + 1):
                code, desc, unit = ITEMS[rnd.randrange(4)]
                wl.writerow([ref, p, code, desc, rnd.randrange(1, 500), unit,
                             f"{rnd.randrange(1, 10000) / 100:.2f}", rnd.choice((0, 0, 5)),
                             "VAT 21%"])
    return o_path, l_path


def raw_baseline(db: Path, o_path: Path, l_path: Path) -> float:
    """The same rows into the same tables with nothing but csv.reader and executemany."""
    store = open_store(db)
    cid = create_company(store, "Raw", "EUR").id
    store.close()
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=full")
    with con:
        customers: dict[str, int] = {}
        order_rows, ref_id = [], {}
        with open(o_path, encoding="utf-8", newline="") as f:
            r = csv.reader(f)
            next(r)
            for oid, row in enumerate(r, 1):
                if row[2] not in customers:
                    customers[row[2]] = len(customers) + 1
                ref_id[row[0]] = oid
                order_rows.append((oid, cid, str(uuid.uuid4()), f"N{oid}", row[0], row[1],
                                   customers[row[2]], row[2], row[3], row[4], row[5], row[6],
                                   row[7], row[8], "draft", "pending", 1, 1, 0, "now", "raw",
                                   "now", "raw"))
        con.executemany("INSERT INTO customer (id, company_id, code, name, organisation_id, "
                        "defaults, active, created_at, updated_at) VALUES (?,?,?,?,'','{}',1,"
                        "'now','now')", [(i, cid, c, c) for c, i in customers.items()])
        con.executemany("INSERT INTO orders (id, company_id, uuid, number, reference, "
                        "customer_reference, customer_id, customer_code, customer_name, "
                        "order_date, delivery_date, site, currency, notes, stage, status, active, "
                        "version, revision, created_at, created_by, updated_at, updated_by, line_count, "
                        "total_quantity, products_total, surcharges_total, tax_total, "
                        "grand_total, paid, balance) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,0,0,0,0,0,0,0)",
                        order_rows)
        line_rows, tax_rows = [], []
        with open(l_path, encoding="utf-8", newline="") as f:
            r = csv.reader(f)
            next(r)
            for lid, row in enumerate(r, 1):
                line_rows.append((lid, cid, ref_id[row[0]], str(uuid.uuid4()), int(row[1]),
                                  row[2], row[3], int(Decimal(row[4]) * 10000), row[5],
                                  int(Decimal(row[6]) * 10000), int(Decimal(row[7]) * 10000),
                                  1))
                name, rate = row[8].rsplit(" ", 1)
                tax_rows.append((lid, 0, name, int(Decimal(rate[:-1]) * 10000)))
        con.executemany("INSERT INTO order_line (id, company_id, order_id, uuid, position, "
                        "item_code, description, quantity, unit, unit_price, discount, active, weight, "
                        "subtotal, tax_amount, total, attributes) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,0,0,0,'{}')", line_rows)
        con.executemany('INSERT INTO line_tax (line_id, seq, name, "group", type, rate) '
                        "VALUES (?,?,?,'','',?)", tax_rows)
    con.close()
    return time.perf_counter() - t0


def orderdesk_import(db: Path, o_path: Path, l_path: Path) -> tuple[float, float, str]:
    store = open_store(db)
    desk = Desk(store, create_company(store, "Bench", "EUR").id, Actor("bench", "Bench"))
    t0 = time.perf_counter()
    plan = plan_import(desk, [o_path, l_path])
    t1 = time.perf_counter()
    assert plan.ok, plan.problems[:5]
    apply_import(desk, plan)
    t2 = time.perf_counter()
    store.close()
    return t1 - t0, t2 - t1, plan.summary()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--lines-per-order", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        o_path, l_path = make_files(folder, args.orders, args.lines_per_order)
        rows = args.orders * (1 + args.lines_per_order)
        print(f"files: orders {o_path.stat().st_size / 1e6:.1f} MB, lines "
              f"{l_path.stat().st_size / 1e6:.1f} MB, {rows:,} rows")
        ratios = []
        for k in range(args.repeat):
            raw = raw_baseline(folder / f"raw{k}.sqlite3", o_path, l_path)
            plan_s, apply_s, summary = orderdesk_import(folder / f"od{k}.sqlite3", o_path, l_path)
            ours = plan_s + apply_s
            ratios.append(raw / ours)
            print(f"run {k + 1}: raw csv.reader + sqlite3.executemany {raw:7.2f} s "
                  f"{rows / raw:10,.0f} rows/s | OrderDesk plan_import + apply_import "
                  f"{ours:7.2f} s {rows / ours:10,.0f} rows/s (plan {plan_s:.2f} s, apply "
                  f"{apply_s:.2f} s) | ratio {raw / ours:.0%}", flush=True)
            for p in (folder / f"raw{k}.sqlite3", folder / f"od{k}.sqlite3"):
                for extra in ("", "-wal", "-shm"):
                    Path(f"{p}{extra}").unlink(missing_ok=True)
        print(f"  {summary}")
        print(f"throughput ratio OrderDesk/raw, median of {args.repeat}: "
              f"{statistics.median(ratios):.0%} (target ≥ 40%)")


if __name__ == "__main__":
    main()
