"""Order editor: open a 1,000-line order and save one changed field, against the core alone.

    python bench/bench_editor.py [--lines 1000] [--rounds 5]

Targets (issue 6): open < 300 ms, save one field < 100 ms. Each figure is printed beside
the core call alone (orders.get; orders.update as any caller makes it, and as the editor
makes it, passing the order it loaded), as a ratio. Wall-clock and this process's CPU time
are both printed, with the load average: on a shared machine the wall clock also counts
time spent waiting for a core, the CPU time only the work done.
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

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from orderdesk.core import Desk, Line, Order, Tax, create_company, open_store  # noqa: E402
from orderdesk.ui.bridge import ChangeBridge  # noqa: E402
from orderdesk.ui.editor.window import OrderEditor  # noqa: E402
from orderdesk.ui.fmt import Formatter  # noqa: E402


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


class Clock:
    """Wall and CPU time of repeated runs of one thing."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self._w = self._c = 0.0

    def __enter__(self) -> Clock:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)


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
        bridge = ChangeBridge(store)  # as in the app: the save's own change notice is handled

        core_get, ui_open = Clock(), Clock()
        for _ in range(args.rounds):
            with core_get:
                desk.orders.get(uid)
            with ui_open:
                e = OrderEditor(desk, desk.orders.get(uid), fmt=fmt, bridge=bridge)
                e.resize(1280, 800)
                e.show()
                app.processEvents()  # laid out and painted once
            e.close()
            e.deleteLater()
            # Without a running event loop deleteLater waits for this: a closed editor
            # left alive would still answer every change notice below.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

        core_save, core_before, ui_save, stock = Clock(), Clock(), Clock(), Clock()
        e = OrderEditor(desk, desk.orders.get(uid), fmt=fmt, bridge=bridge)
        e.show()
        app.processEvents()
        for _ in range(args.rounds):
            with stock:  # part of opening, and of each save's change notice
                e.stock.reload()
        for i in range(args.rounds):
            doc = desk.orders.get(uid)
            doc.notes = f"core {i}"
            with core_save:
                desk.orders.update(doc, expected_version=doc.version)
            base = desk.orders.get(uid)
            doc = desk.orders.get(uid)
            doc.notes = f"core before {i}"
            with core_before:
                desk.orders.update(doc, expected_version=doc.version, before=base)
            e.reload()
            app.processEvents()
            e.doc.set("order", e.doc.order, "notes", f"editor {i}")
            with ui_save:
                ok = e.save()
                app.processEvents()  # totals shown, repainted, the change notice handled
            assert ok and desk.orders.get(uid).notes == f"editor {i}"
        e.close()
        bridge.close()
        store.close()

    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(f"{args.lines} lines, median of {args.rounds} rounds; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'':34} {'editor':>9} {'core alone':>11} {'ratio':>7} {'target':>8}")
    rows = [("open 1,000-line order", ui_open, core_get, 300, "orders.get"),
            ("save one changed field", ui_save, core_save, 100, "orders.update"),
            ("", ui_save, core_before, 100, "orders.update(before=)")]
    for name, ui, core, target, what in rows:
        for kind in ("wall", "cpu"):
            u, c = median_ms(getattr(ui, kind)), median_ms(getattr(core, kind))
            label = f"{name} ({kind})" if name else f"  vs {what} ({kind})"
            print(f"{label:34} {u:7.1f}ms {c:9.1f}ms {u / c:6.2f}× {'<' + str(target):>6}ms"
                  f"  {'ok' if u < target else 'SLOW'}  [{what}]")
    print(f"of both: the stock flags' reload (orderdesk/ui/inventory/editor_hook.py) "
          f"{median_ms(stock.wall):.1f}ms wall, {median_ms(stock.cpu):.1f}ms cpu")


if __name__ == "__main__":
    main()
