"""Reserving a line through the dialog (whole, split, unreserve) and the traceability views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from orderdesk.core.errors import NotFound
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.inventory import ReserveDialog, TraceDialog, order_trace
from tests.ui.conftest import Answers
from tests.ui.inventory.conftest import Stock


def dialog(qtbot: Any, stock: Stock, answers: Answers, line: int = 0) -> ReserveDialog:
    d = ReserveDialog(stock.desk, stock.order.id, stock.order.lines[line].id, None, ui=answers,
                      fmt=Formatter("en_US"))
    qtbot.addWidget(d)
    return d


def pick(d: ReserveDialog, lot_number: str) -> None:
    row = next(i for i, lot in enumerate(d.lots.rows) if lot.lot == lot_number)
    d.lot_table.selectRow(row)


def test_models_pass_the_model_tester(qtmodeltester: Any, qtbot: Any, stock: Stock,
                                      answers: Answers) -> None:
    d = dialog(qtbot, stock, answers)
    pick(d, "H-101")
    d.reserve(None)
    qtmodeltester.check(d.lots)
    qtmodeltester.check(d.current)
    t = TraceDialog(stock.desk, order=stock.order.id)
    qtbot.addWidget(t)
    qtmodeltester.check(t.model)


def test_whole_split_and_unreserve(qtbot: Any, stock: Stock, answers: Answers) -> None:
    inv = stock.desk.inventory
    d = dialog(qtbot, stock, answers)
    # Only the line's item, only lots with something available.
    assert [lot.lot for lot in d.lots.rows] == ["H-100", "H-101"]
    assert d.state.text() == "Reserved 0 of 10 m — 10 m still to reserve"
    pick(d, "H-101")
    assert d.quantity.text() == "6"  # what the lot has (less than the line needs)
    rid = d.reserve(None)
    assert rid is not None
    h101 = inv.get(stock.lots["H-101"].id or "")
    assert (h101.quantity, h101.reserved) == (Decimal(6), Decimal(6))
    assert [lot.lot for lot in d.lots.rows] == ["H-100"]  # H-101 has nothing left
    assert d.state.text() == "Reserved 6 of 10 m — 4 m still to reserve"
    assert d.quantity.text() == "4"  # the rest of the line, suggested from H-100
    d.reserve_typed()
    h100 = inv.get(stock.lots["H-100"].id or "")
    assert (h100.quantity, h100.reserved) == (Decimal(21), Decimal(0))  # split off
    res = d.reservations()
    assert [(r.lot_number, r.quantity) for r in res] == [("H-101", Decimal(6)),
                                                          ("H-100", Decimal(4))]
    split = inv.get(res[1].lot_id)
    assert split.name == f"Round bar Ø40 S355 · {stock.order.number}"
    assert (split.quantity, split.reserved, split.origin) == (Decimal(4), Decimal(4), h100.id)
    assert d.state.text() == "Reserved 10 of 10 m — fully reserved"
    assert d.progress.value() == d.progress.maximum()
    # Unreserve the first: the quantity goes back to its lot.
    d.res_table.selectRow(0)
    d.unreserve_current()
    assert inv.get(stock.lots["H-101"].id or "").reserved == Decimal(0)
    assert [r.lot_number for r in d.reservations()] == ["H-100"]
    assert [r.lot_number for r in d.current.rows] == ["H-100"]
    assert d.state.text() == "Reserved 4 of 10 m — 6 m still to reserve"
    assert inv.get(split.id or "").quantity == Decimal(4)  # a split stays split


def test_over_reservation_asks_and_errors_are_shown(qtbot: Any, stock: Stock,
                                                    answers: Answers) -> None:
    d = dialog(qtbot, stock, answers, line=1)  # needs 4 m
    pick(d, "H-100")
    answers.yes = False
    assert d.reserve(None) is None  # 25 m for a 4 m line: asked, declined
    assert "21 m more than line 2 needs" in answers.asked[-1]
    assert not d.reservations()
    d.quantity.setText("30")
    answers.yes = True
    d.reserve_typed()
    assert answers.errors and "only 25 m available" in answers.errors[-1]
    d.quantity.setText("-1")
    d.reserve_typed()
    assert "greater than zero" in answers.errors[-1]
    assert not d.reservations()
    with pytest.raises(NotFound):
        ReserveDialog(stock.desk, stock.order.id, "no-such-line", None, ui=answers)


def test_order_trace_rows(qtbot: Any, stock: Stock) -> None:
    inv, lines = stock.desk.inventory, stock.order.lines
    inv.reserve(lines[0].id, stock.lots["H-100"].id, Decimal(10))
    inv.reserve(lines[1].id, stock.lots["H-101"].id, Decimal(3))
    rows = order_trace(stock.desk, stock.order.id)
    assert [(t.position, t.reservation.lot_number if t.reservation else None, t.short)
            for t in rows] == [(1, "H-100", False), (2, "H-101", True), (3, None, True)]
    t = TraceDialog(stock.desk, order=stock.order.id, fmt=Formatter("en_US"))
    qtbot.addWidget(t)
    m = t.model
    cells = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert cells[0][4:] == ["H-100", f"Round bar Ø40 S355 · {stock.order.number}", "10 m",
                            "H-100.pdf"]
    assert cells[1][4:] == ["H-101", f"Round bar Ø40 S355 · {stock.order.number}", "3 m", "none"]
    assert cells[2][4] == "not reserved"
    assert "not reserved: line 3" in t.summary.text() and "short: line 2" in t.summary.text()
    assert "lots without certificate on line 2" in t.summary.text()
    assert "MD5" in m.index(0, 7).data(3)  # ToolTipRole: name and MD5 of each certificate


def test_lot_trace_rows(qtbot: Any, stock: Stock) -> None:
    inv, lines = stock.desk.inventory, stock.order.lines
    inv.reserve(lines[0].id, stock.lots["H-100"].id, Decimal(10))  # a split
    inv.reserve(lines[1].id, stock.lots["H-100"].id, None)  # the rest, whole
    t = TraceDialog(stock.desk, lot=stock.lots["H-100"].id)
    qtbot.addWidget(t)
    assert [(r.order_number, r.line_label, r.quantity) for r in t.model.rows] == [
        (stock.order.number, "Line 1 · BAR-40", Decimal(10)),
        (stock.order.number, "Line 2 · BAR-40", Decimal(15))]
    assert f"served 1 order ({stock.order.number})" in t.summary.text()
    assert t.windowTitle() == "Traceability — lot H-100"
