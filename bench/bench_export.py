"""Export speed and memory: OrderDesk's CSV and XLSX export vs bare csv.writer / openpyxl loops.

Usage: python bench/bench_export.py [--orders 100000]  (5 lines per order → 500,000 lines)
The baselines write the same rows, already in memory as plain Python values, with nothing
but csv.writer and an openpyxl write-only workbook. Two sizes show the peak memory stays flat.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from orderdesk.core import Actor, Desk, Line, Order, Tax, create_company, open_store
from orderdesk.exchange import export_xlsx, export_zip
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


def _peak_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


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


def run(orders: int, folder: Path) -> None:
    desk = fill(folder / f"b{orders}.sqlite3", orders)
    zip_s, zip_mem = measure(export_zip, desk, None, folder / "x.zip")
    xlsx_s, xlsx_mem = measure(export_xlsx, desk, None, folder / "x.xlsx")
    # the same rows, prepared in memory beforehand (not timed) for the bare loops
    from orderdesk.exchange.export import iter_records

    o_rows, l_rows = [], []
    for os_, ls in iter_records(desk, None, None):
        o_rows += [order_text(o) for o in os_]
        l_rows += [line_text(ln) for ln in ls]
    t0 = time.perf_counter()
    bare_csv(folder / "bare.csv", o_rows, l_rows)
    csv_s = time.perf_counter() - t0
    o_typed, l_typed = [typed(r) for r in o_rows], [typed(r) for r in l_rows]
    t0 = time.perf_counter()
    bare_xlsx(folder / "bare.xlsx", o_typed, l_typed)
    bxlsx_s = time.perf_counter() - t0
    n_lines = len(l_rows)
    print(f"{orders:,} orders / {n_lines:,} lines")
    print(f"  CSV (ZIP of 2 CSVs): OrderDesk {zip_s:6.2f} s, bare csv.writer {csv_s:6.2f} s, "
          f"ratio {zip_s / csv_s:.2f}x (target ≤ 2x); peak RSS {zip_mem:.1f} MB")
    print(f"  XLSX:                OrderDesk {xlsx_s:6.2f} s, bare openpyxl    {bxlsx_s:6.2f} s, "
          f"ratio {xlsx_s / bxlsx_s:.2f}x (target ≤ 1.5x); peak RSS {xlsx_mem:.1f} MB")
    desk.store.close()
    assert plain(Decimal("1.50")) == "1.5"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        for n in (args.orders // 10, args.orders):
            run(n, Path(d))


if __name__ == "__main__":
    main()
