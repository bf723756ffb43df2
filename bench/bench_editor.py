"""Order editor: open a 1,000-line order and save one changed field, against the core alone.

    python bench/bench_editor.py [--lines 1000] [--rounds 5]

Targets (issue 6): open < 300 ms, save one field < 100 ms. Each figure is printed beside
the core call the editor makes for it (orders.get / orders.update), as a ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from orderdesk.core import Desk, Line, Order, Tax, create_company, open_store  # noqa: E402
from orderdesk.ui.editor.window import OrderEditor  # noqa: E402
from orderdesk.ui.fmt import Formatter  # noqa: E402


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite3")
        desk = Desk(store, create_company(store, "Bench", "EUR").id)
        desk.catalog.create_customers([("C1", "Bench Customer")])
        vat = [Tax("VAT", Decimal(21)), Tax("Eco", Decimal("0.5"))]
        uid = desk.orders.create(Order("C1", date(2026, 5, 4), lines=[
            Line(f"IT-{i:05d}", Decimal(i % 17 + 1), Decimal("12.345"), f"Item number {i}",
                 discount=Decimal(i % 3), taxes=list(vat)) for i in range(args.lines)])).id
        assert uid is not None
        fmt = Formatter("en_US")

        core_get, ui_open = [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            desk.orders.get(uid)
            core_get.append(time.perf_counter() - t)
            t = time.perf_counter()
            e = OrderEditor(desk, desk.orders.get(uid), fmt=fmt)
            e.resize(1280, 800)
            e.show()
            app.processEvents()  # laid out and painted once
            ui_open.append(time.perf_counter() - t)
            e.close()
            e.deleteLater()
            app.processEvents()

        core_save, ui_save = [], []
        e = OrderEditor(desk, desk.orders.get(uid), fmt=fmt)
        e.show()
        app.processEvents()
        for i in range(args.rounds):
            doc = desk.orders.get(uid)
            doc.notes = f"core {i}"
            t = time.perf_counter()
            desk.orders.update(doc, expected_version=doc.version)
            core_save.append(time.perf_counter() - t)
            e.reload()
            e.doc.set("order", e.doc.order, "notes", f"editor {i}")
            t = time.perf_counter()
            ok = e.save()
            app.processEvents()
            ui_save.append(time.perf_counter() - t)
            assert ok and desk.orders.get(uid).notes == f"editor {i}"
        e.close()
        store.close()

    rows = [("open 1,000-line order", median_ms(ui_open), median_ms(core_get), 300),
            ("save one changed field", median_ms(ui_save), median_ms(core_save), 100)]
    print(f"{args.lines} lines, median of {args.rounds} rounds")
    print(f"{'':26} {'editor':>10} {'core alone':>11} {'ratio':>7} {'target':>8}")
    for name, ui, core, target in rows:
        print(f"{name:26} {ui:8.1f}ms {core:9.1f}ms {ui / core:6.2f}× {'<' + str(target):>6}ms"
              f"  {'ok' if ui < target else 'SLOW'}")


if __name__ == "__main__":
    main()
