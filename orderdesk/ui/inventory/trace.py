"""Traceability: which lot serves which line of an order (with certificates), and which
orders a lot served (its splits included)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from orderdesk.core import Desk
from orderdesk.core.inventory import ReservationRow
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.inventory.models import Column, RowsModel, certificate_names, certificate_tip
from orderdesk.ui.inventory.reserve import table


@dataclass(frozen=True)
class LineTrace:
    """One row of an order's traceability: a reservation of a line, or a line without one."""

    position: int
    item_code: str
    description: str
    line_quantity: Decimal
    unit: str
    reserved_total: Decimal
    reservation: ReservationRow | None

    @property
    def short(self) -> bool:
        return self.reserved_total < self.line_quantity


def order_trace(desk: Desk, order_id: str) -> list[LineTrace]:
    """Every active line of the order in position order, one row per reservation."""
    order = desk.orders.get(order_id)
    by_line: dict[str, list[ReservationRow]] = {}
    for r in desk.inventory.reservations(order=order.id or order_id):
        by_line.setdefault(r.line_id, []).append(r)
    out: list[LineTrace] = []
    for ln in order.lines:
        if not ln.active:
            continue
        res = by_line.get(ln.id or "", [])
        total = sum((r.quantity for r in res), Decimal(0))
        for r in res or [None]:  # type: ignore[list-item]
            out.append(LineTrace(ln.position or 0, ln.item_code, ln.description, ln.quantity,
                                 ln.unit, total, r))
    return out


def order_columns(fmt: Formatter) -> list[Column]:
    n = fmt.number

    def lot(t: LineTrace) -> str:
        return t.reservation.lot_number if t.reservation else "not reserved"

    return [
        Column("Line", lambda t: str(t.position), numeric=True),
        Column("Item", lambda t: t.item_code),
        Column("Description", lambda t: t.description),
        Column("Ordered", lambda t: f"{n(t.line_quantity)} {t.unit}", numeric=True),
        Column("Lot / heat", lot, warn=lambda t: t.reservation is None),
        Column("Lot", lambda t: t.reservation.lot_name if t.reservation else ""),
        Column("Reserved", lambda t: f"{n(t.reservation.quantity)} {t.unit}"
               if t.reservation else "", numeric=True, warn=lambda t: t.short,
               tip=lambda t: (f"The line has {n(t.reserved_total)} of {n(t.line_quantity)} "
                              f"{t.unit} reserved") if t.short else ""),
        Column("Certificates", lambda t: certificate_names(t.reservation.certificates)
               if t.reservation else "", warn=lambda t: bool(t.reservation) and
               not t.reservation.certificates,  # type: ignore[union-attr]
               tip=lambda t: certificate_tip(t.reservation.certificates) if t.reservation
               else ""),
    ]


def lot_columns(fmt: Formatter) -> list[Column]:
    return [
        Column("Order", lambda r: r.order_number),
        Column("Line", lambda r: r.line_label),
        Column("Lot", lambda r: r.lot_name),
        Column("Lot / heat", lambda r: r.lot_number),
        Column("Quantity", lambda r: fmt.number(r.quantity), numeric=True),
        Column("Certificates", lambda r: certificate_names(r.certificates),
               tip=lambda r: certificate_tip(r.certificates), warn=lambda r: not r.certificates),
    ]


class TraceDialog(QDialog):
    """The traceability of one order (`order=`) or of one lot (`lot=`), kept current."""

    def __init__(self, desk: Desk, *, order: str | None = None, lot: str | None = None,
                 parent: QWidget | None = None, fmt: Formatter | None = None,
                 bridge: Any = None) -> None:
        super().__init__(parent)
        if (order is None) == (lot is None):
            raise ValueError("a trace shows one order or one lot")
        self.setObjectName("trace_dialog")
        self.desk, self.order, self.lot = desk, order, lot
        self.fmt = fmt or Formatter("en_US")
        self.model = RowsModel(order_columns(self.fmt) if order else lot_columns(self.fmt), self)
        self.table = table(self.model, "trace_table")
        self.summary = QLabel(objectName="trace_summary")
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        if bridge is not None:
            bridge.changed.connect(self._on_changes)  # a bound slot: dropped with the dialog
        self.resize(1180, 480)
        self.reload()

    def _on_changes(self, changes: Any) -> None:
        if changes.company_id == self.desk.company_id and (
                changes.lots or changes.lines or changes.orders or changes.attachments):
            self.reload()

    def reload(self) -> None:
        if self.order:
            o = self.desk.orders.get(self.order)
            rows = order_trace(self.desk, self.order)
            self.model.set_rows(rows)
            lines = {t.position for t in rows}
            bare = sorted({t.position for t in rows if t.reservation is None})
            short = sorted({t.position for t in rows if t.short} - set(bare))
            nocert = sorted({t.position for t in rows if t.reservation and
                             not t.reservation.certificates})
            self.setWindowTitle(f"Traceability — order {o.number}")
            parts = [f"Order {o.number} · {o.customer_name}: {len(lines)} lines"]
            if bare:
                parts.append(f"not reserved: line {', '.join(map(str, bare))}")
            if short:
                parts.append(f"short: line {', '.join(map(str, short))}")
            if nocert:
                parts.append(f"lots without certificate on line {', '.join(map(str, nocert))}")
            if not (bare or short or nocert):
                parts.append("every line reserved, every lot certified")
            self.summary.setText(" · ".join(parts))
        else:
            lot = self.desk.inventory.get(self.lot or "")
            res = self.desk.inventory.reservations(lot=lot.id)
            self.model.set_rows(res)
            orders = sorted({r.order_number for r in res})
            served = f"{len(orders)} {'order' if len(orders) == 1 else 'orders'}"
            self.setWindowTitle(f"Traceability — lot {lot.lot or lot.name}")
            self.summary.setText(f"{lot.name} ({lot.lot or 'no lot number'}) · {lot.item_code}: "
                                 f"served {served}" +
                                 (f" ({', '.join(orders[:12])}{'…' if len(orders) > 12 else ''})"
                                  if orders else ""))
        # Short tables: fit the contents, but leave the certificates (last) room to show.
        cap = self.fontMetrics().horizontalAdvance("x" * 34)
        for c in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(c)
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), cap))
