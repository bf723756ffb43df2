"""Reserving an order line against stock lots, whole or split, and releasing reservations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QProgressBar, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.errors import NotFound
from orderdesk.core.inventory import ReservationRow
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.inventory.lot_dialog import parse_quantity
from orderdesk.ui.inventory.models import (
    C_AVAIL, C_CERT, C_ITEM, C_LOC, C_LOT, C_NAME, C_QTY, C_RES, C_UNIT, LotFilter,
    LotTableModel, RowsModel, reservation_columns, total_reserved,
)


def table(model: Any, object_name: str) -> QTableView:
    """A read-only, row-selecting table with a fixed row height (no per-row measuring)."""
    t = QTableView(objectName=object_name)
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


class ReserveDialog(QDialog):
    """One line: the lots of its item with what they have available, and its reservations."""

    def __init__(self, desk: Desk, order_id: str, line_id: str, parent: QWidget | None = None,
                 *, ui: Ui | None = None, fmt: Formatter | None = None,
                 bridge: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("reserve_dialog")
        self.desk, self.order_id, self.line_id = desk, order_id, line_id
        self.ui = ui or Ui()
        self.fmt = fmt or Formatter("en_US")
        order = desk.orders.get(order_id)
        line = next((ln for ln in order.lines if ln.id == line_id), None)
        if line is None:
            raise NotFound(f"line {line_id} is not on order {order.number}")
        self.order, self.line = order, line
        self.setWindowTitle(f"Reserve stock — order {order.number}, line {line.position}")

        self.heading = QLabel(objectName="reserve_heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setText(f"{line.label()} — {line.description or line.item_code}\n"
                             f"Order {order.number} · {order.customer_name}")
        self.heading.setWordWrap(True)
        f = self.heading.font()
        f.setBold(True)
        self.heading.setFont(f)
        self.progress = QProgressBar(objectName="reserve_progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.state = QLabel(objectName="reserve_state")

        self.lots = LotTableModel(self._fetch, self.fmt, self)
        self.lots.filter = LotFilter()
        self.lot_table = table(self.lots, "reserve_lots")
        hh = self.lot_table.horizontalHeader()
        # The item and unit are the line's; what is reserved shows as less Available.
        for col in (C_ITEM, C_RES, C_UNIT):
            self.lot_table.setColumnHidden(col, True)
        fm = self.fontMetrics()
        for col, sample in ((C_LOT, "H-2026-00000_"), (C_QTY, "00,000.000"),
                            (C_AVAIL, "00,000.000"), (C_LOC, "Hall B / 12_"),
                            (C_CERT, "Certificates")):
            hh.resizeSection(col, fm.horizontalAdvance(sample) + 14)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(C_NAME, QHeaderView.ResizeMode.Stretch)
        self.quantity = QLineEdit(objectName="reserve_quantity")
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.quantity.setMaximumWidth(120)
        self.whole = QPushButton("Reserve &whole lot", objectName="reserve_whole")
        self.split = QPushButton("Re&serve quantity (split)", objectName="reserve_split")
        self.whole.setToolTip("Takes everything the lot has available for this line")
        self.split.setToolTip("Splits the lot: a new lot holds the quantity for this order; the "
                              "original keeps the rest")
        self.whole.clicked.connect(lambda: self.reserve(None))
        self.split.clicked.connect(self.reserve_typed)
        self.quantity.returnPressed.connect(self.reserve_typed)
        row = QHBoxLayout()
        row.addWidget(QLabel(f"&Quantity ({line.unit})", buddy=self.quantity))
        row.addWidget(self.quantity)
        row.addWidget(self.split)
        row.addStretch(1)
        row.addWidget(self.whole)
        self.lots_box = QGroupBox(f"Lots of {line.item_code} with stock available")
        col = QVBoxLayout(self.lots_box)
        col.addWidget(self.lot_table)
        col.addLayout(row)

        self.current = RowsModel(reservation_columns(self.fmt, line.unit), self)
        self.res_table = table(self.current, "reserve_current")
        for c, sample in ((0, "H-2026-00000_"), (1, "x" * 40), (2, "00,000.000 pcs_")):
            self.res_table.horizontalHeader().resizeSection(c, fm.horizontalAdvance(sample) + 14)
        self.unreserve_button = QPushButton("&Unreserve", objectName="reserve_unreserve")
        self.unreserve_button.setToolTip("Gives the quantity back to its lot (a split stays split)")
        self.unreserve_button.clicked.connect(self.unreserve_current)
        res_box = QGroupBox("Reservations of this line")
        col2 = QVBoxLayout(res_box)
        col2.addWidget(self.res_table)
        r2 = QHBoxLayout()
        r2.addStretch(1)
        r2.addWidget(self.unreserve_button)
        col2.addLayout(r2)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.state)
        lay.addWidget(self.progress)
        lay.addWidget(self.lots_box, 3)
        lay.addWidget(res_box, 2)
        lay.addWidget(buttons)
        self.lot_table.selectionModel().currentRowChanged.connect(lambda *_: self._suggest())
        self.res_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        if bridge is not None:
            bridge.changed.connect(self._on_changes)
        self.resize(860, 600)
        self.reload()

    # ---- reading ----
    def _fetch(self, _flt: LotFilter) -> list[Any]:
        return [lot for lot in self.desk.inventory.lots(item_code=self.line.item_code)
                if lot.available > 0]

    def reservations(self) -> list[ReservationRow]:
        return [r for r in self.desk.inventory.reservations(order=self.order_id)
                if r.line_id == self.line_id]

    @property
    def reserved(self) -> Decimal:
        return total_reserved(self.current.rows)

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.line.quantity - self.reserved)

    def reload(self) -> None:
        keep = self.selected_lot()
        self.lots.reload()
        self.current.set_rows(self.reservations())
        n, unit = self.fmt.number, self.line.unit
        need = self.line.quantity
        text = f"Reserved {n(self.reserved)} of {n(need)} {unit}"
        if self.reserved < need:
            text += f" — {n(self.missing)} {unit} still to reserve"
            self.state.setStyleSheet("color: #b45309")
        elif self.reserved > need:
            text += f" — {n(self.reserved - need)} {unit} more than the line needs"
            self.state.setStyleSheet("color: #b45309")
        else:
            text += " — fully reserved"
            self.state.setStyleSheet("color: #15803d")
        self.state.setText(text)
        # The bar counts in thousandths so fractional quantities move it.
        self.progress.setRange(0, max(1, int(need * 1000)))
        self.progress.setValue(min(int(self.reserved * 1000), self.progress.maximum()))
        row = self.lots.row_of(keep) if keep else None
        if row is None and self.lots.rowCount():
            row = 0
        if row is not None:
            self.lot_table.selectRow(row)
        if not self.lots.rowCount():
            self.lots_box.setTitle(f"Lots of {self.line.item_code}: none with stock available")
        self._suggest()
        self._enable()

    def selected_lot(self) -> str | None:
        ix = self.lot_table.currentIndex()
        lot = self.lots.lot(ix.row()) if ix.isValid() else None
        return lot.id if lot else None

    def _suggest(self) -> None:
        ix = self.lot_table.currentIndex()
        lot = self.lots.lot(ix.row()) if ix.isValid() else None
        if lot is None:
            self.quantity.clear()
        else:
            want = min(self.missing, lot.available) if self.missing else lot.available
            self.quantity.setText(f"{want.normalize():f}")
        self._enable()

    def _enable(self) -> None:
        has = self.selected_lot() is not None
        self.whole.setEnabled(has)
        self.split.setEnabled(has)
        self.quantity.setEnabled(has)
        self.unreserve_button.setEnabled(self.res_table.currentIndex().isValid())

    # ---- writing ----
    def reserve_typed(self) -> None:
        q = parse_quantity(self.quantity.text())
        if q is None or q <= 0:
            self.ui.error(self, "Not reserved", f"{self.quantity.text()!r} is not a quantity "
                          "greater than zero")
            return
        self.reserve(q)

    def reserve(self, quantity: Decimal | None) -> int | None:
        """Reserves the selected lot for the line: whole (None) or `quantity` (a split)."""
        lot_id = self.selected_lot()
        lot = self.lots.lot(self.lot_table.currentIndex().row())
        if lot_id is None or lot is None:
            return None
        taking = lot.available if quantity is None else quantity
        if self.reserved + taking > self.line.quantity:
            over = self.reserved + taking - self.line.quantity
            n = self.fmt.number
            if not self.ui.confirm(self, "Reserve more than the line needs",
                                   f"This reserves {n(taking)} {lot.unit} of lot "
                                   f"{lot.lot or lot.name}: {n(over)} {lot.unit} more than "
                                   f"line {self.line.position} needs ({n(self.line.quantity)} "
                                   f"{self.line.unit}).", "Reserve anyway"):
                return None
        try:
            rid = self.desk.inventory.reserve(self.line_id, lot_id, quantity)
        except OrderDeskError as e:
            self.ui.error(self, "Not reserved", str(e))
            self.reload()
            return None
        self.reload()
        return rid

    def unreserve_current(self) -> None:
        ix = self.res_table.currentIndex()
        row = self.current.row(ix.row()) if ix.isValid() else None
        if row is None:
            return
        try:
            self.desk.inventory.unreserve(row.id)
        except OrderDeskError as e:
            self.ui.error(self, "Not released", str(e))
        self.reload()

    def _on_changes(self, changes: Any) -> None:
        if changes.company_id == self.desk.company_id and (changes.lots or changes.lines):
            self.reload()

