"""Export speed and memory: OrderDesk's CSV and XLSX export vs bare csv.writer / openpyxl loops.

Usage: python bench/bench_export.py [--orders 100000] [--repeat 3]  (5 lines per order)

CSV: the baseline does the same job with nothing but the standard library: one raw
sqlite3 query per table reads the same rows from the same file, fixed-point numbers become
text with a bare divmod, and csv.writer writes them into the same kind of output (a ZIP of
two deflated CSVs; a plain orders.csv). The old baseline (csv.writer over strings already
in memory, no reading, no ZIP) is printed too, for reference.
XLSX: the baseline is an openpyxl write-only loop over the same values, already in memory.
Each pair runs back to back, `--repeat` times; medians are printed. Memory: how far each
export raises the process's peak RSS above where it started, measured first, at two sizes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import statistics
import tempfile
import time
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any
from pathlib import Path

from openpyxl import Workbook

from orderdesk.core import Actor, Desk, Line, Order, Tax, create_company, open_store
from orderdesk.exchange import export_csv, export_xlsx, export_zip
from orderdesk.exchange.columns import plain
from orderdesk.exchange.export import LINE_HEADER, ORDER_HEADER, order_text, line_text


def fill(db: Path, orders: int) -> Desk:
    store = open_store(db)
    desk = Desk(store, create_company(store, "Bench", "EUR").id, Actor("bench", "Bench"))
    desk.catalog.create_customers([(f"C{i}", f"Customer {i}") for i in range(100)])
    for start in range(0, orders, 5000):
        desk.orders.create_many([Order(
            customer_code=f"C{i % 100}", order_date=date(2026, 1 + i % 12, 1 + i % 28),
            reference=f"R{i}", notes="=not a formula" if i % 7 == 0 else "",
            lines=[Line(f"ITEM-{k}", Decimal(k + 1), Decimal("12.35"), description=f"Item {k}, "
                        "\"quoted\"", taxes=[Tax("VAT", Decimal(21))]) for k in range(5)])
            for i in range(start, min(orders, start + 5000))])
    return desk


def _peak_reset() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM).
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return _status_mb("VmHWM:")


def growth(run: object, *args: object) -> float:
    """How far one call raises the peak RSS above the RSS it started with (MB)."""
    import gc

    gc.collect()
    start = _status_mb("VmRSS:")
    return measure(run, *args)[1] - start


def measure(run: object, *args: object) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one call (RSS, not tracemalloc, which slows Python 5×)."""
    _peak_reset()
    t0 = time.perf_counter()
    run(*args)  # type: ignore[operator]
    return time.perf_counter() - t0, _peak_mb()


def bare_csv(out: Path, rows: list[list[str]], lines: list[list[str]]) -> None:
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(ORDER_HEADER)
        w.writerows(rows)
    with open(out.with_suffix(".l.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(LINE_HEADER)
        w.writerows(lines)


def bare_xlsx(out: Path, rows: list[list[object]], lines: list[list[object]]) -> None:
    wb = Workbook(write_only=True)
    for title, header, data in (("Orders", ORDER_HEADER, rows), ("Lines", LINE_HEADER, lines)):
        ws = wb.create_sheet(title)
        ws.append(header)
        for r in data:
            ws.append(r)
    wb.save(out)


def typed(values: list[str]) -> list[object]:
    out: list[object] = []
    for v in values:
        try:
            out.append(float(v))
        except ValueError:
            out.append(v)
    return out


def _fx(v: int) -> str:
    # The least an exact export must do with a stored fixed-point integer.
    whole, frac = divmod(abs(v), 10000)
    return f"{'-' if v < 0 else ''}{whole}.{frac:04d}" if frac else f"{'-' if v < 0 else ''}{whole}"


_RAW_ORDERS = ("SELECT uuid, number, reference, customer_reference, customer_code, "
               "customer_name, order_date, delivery_date, site, currency, stage, status, notes, "
               "active, line_count, total_quantity, products_total, surcharges_total, tax_total, "
               "grand_total, paid, balance, created_at, updated_at FROM orders WHERE "
               "company_id = 1 AND active ORDER BY number DESC, id DESC")
_RAW_LINES = ("SELECT l.uuid, o.uuid, o.reference, l.position, l.item_code, l.description, "
              "l.quantity, l.unit, l.unit_price, l.discount, (SELECT group_concat(t.name || ' ' "
              "|| t.rate, '; ') FROM line_tax t WHERE t.line_id = l.id), l.active, l.subtotal, "
              "l.tax_amount, l.total FROM orders o JOIN order_line l ON l.order_id = o.id WHERE "
              "o.company_id = 1 AND o.active AND l.active ORDER BY o.number DESC, o.id DESC, "
              "l.position, l.id")


def _raw_orders(con: sqlite3.Connection, w: Any) -> None:
    w.writerow(ORDER_HEADER)
    for r in con.execute(_RAW_ORDERS):
        w.writerow((*r[:13], str(r[13]), str(r[14]), *map(_fx, r[15:22]), r[22], r[23]))


def _raw_lines(con: sqlite3.Connection, w: Any) -> None:
    w.writerow(LINE_HEADER)
    for r in con.execute(_RAW_LINES):
        w.writerow((r[0], r[1], r[2], str(r[3]), r[4], r[5], _fx(r[6]), r[7], _fx(r[8]),
                    _fx(r[9]), r[10], str(r[11]), _fx(r[12]), _fx(r[13]), _fx(r[14])))


def raw_zip(db: Path, out: Path) -> None:
    """The ZIP export's job with sqlite3 + csv.writer + zipfile and nothing else."""
    con = sqlite3.connect(db)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, fill_member in (("orders.csv", _raw_orders), ("lines.csv", _raw_lines)):
            with zf.open(name, "w", force_zip64=True) as raw:
                f = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                fill_member(con, csv.writer(f, lineterminator="\r\n"))
                f.flush()
                f.detach()
    con.close()


def raw_csv(db: Path, out: Path) -> None:
    """The orders.csv export's job with sqlite3 + csv.writer."""
    con = sqlite3.connect(db)
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        _raw_orders(con, csv.writer(f, lineterminator="\r\n"))
    con.close()


def run(orders: int, folder: Path, repeat: int) -> None:
    db = folder / f"b{orders}.sqlite3"
    desk = fill(db, orders)
    # memory first, before the bare loops' rows are built in this process
    mem = {name: growth(fn, desk, None, folder / f"m.{name}")
           for name, fn in (("zip", export_zip), ("csv", export_csv), ("xlsx", export_xlsx))}
    # the same rows, prepared in memory beforehand (not timed) for the bare loops
    from orderdesk.exchange.export import iter_records

    o_rows, l_rows = [], []
    for os_, ls in iter_records(desk, None, None):
        o_rows += [order_text(o) for o in os_]
        l_rows += [line_text(ln) for ln in ls]
    o_typed, l_typed = [typed(r) for r in o_rows], [typed(r) for r in l_rows]
    n_lines = len(l_rows)
    res: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        res.setdefault(key, []).append(value)

    for _ in range(repeat):
        note("zip", measure(export_zip, desk, None, folder / "x.zip")[0])
        note("raw_zip", measure(raw_zip, db, folder / "raw.zip")[0])
        note("csv", measure(export_csv, desk, None, folder / "x.csv")[0])
        note("raw_csv", measure(raw_csv, db, folder / "raw.csv")[0])
        note("mem_csv", measure(bare_csv, folder / "bare.csv", o_rows, l_rows)[0])
        note("xlsx", measure(export_xlsx, desk, None, folder / "x.xlsx")[0])
        note("bare_xlsx", measure(bare_xlsx, folder / "bare.xlsx", o_typed, l_typed)[0])
        note("r_zip", res["zip"][-1] / res["raw_zip"][-1])
        note("r_csv", res["csv"][-1] / res["raw_csv"][-1])
        note("r_xlsx", res["xlsx"][-1] / res["bare_xlsx"][-1])
    med = {k: statistics.median(v) for k, v in res.items()}
    runs = lambda k: ", ".join(f"{x:.2f}" for x in res[k])  # noqa: E731
    print(f"{orders:,} orders / {n_lines:,} lines — medians of {repeat} run(s)")
    print(f"  ZIP (orders.csv + lines):  OrderDesk {med['zip']:6.2f} s, raw sqlite3+csv.writer+zip "
          f"{med['raw_zip']:6.2f} s, ratio {med['r_zip']:.2f}x [{runs('r_zip')}] (target ≤ 2x); "
          f"RSS growth {mem['zip']:.1f} MB")
    print(f"  CSV (orders.csv):          OrderDesk {med['csv']:6.2f} s, raw sqlite3+csv.writer     "
          f"{med['raw_csv']:6.2f} s, ratio {med['r_csv']:.2f}x [{runs('r_csv')}] (target ≤ 2x); "
          f"RSS growth {mem['csv']:.1f} MB")
    print(f"    for reference: csv.writer over strings already in memory, no reading, no ZIP "
          f"{med['mem_csv']:.2f} s (ZIP export {med['zip'] / med['mem_csv']:.1f}x that)")
    print(f"  XLSX:                      OrderDesk {med['xlsx']:6.2f} s, bare openpyxl "
          f"write-only {med['bare_xlsx']:6.2f} s, ratio {med['r_xlsx']:.2f}x [{runs('r_xlsx')}] "
          f"(target ≤ 1.5x); RSS growth {mem['xlsx']:.1f} MB")
    desk.store.close()
    assert plain(Decimal("1.50")) == "1.5"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="0.2,1", help="fractions of --orders to run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for frac in args.sizes.split(","):
            run(int(args.orders * float(frac)), Path(d), args.repeat)


if __name__ == "__main__":
    main()
