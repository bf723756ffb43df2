"""A read-only view of one order: header, lines and the totals panel (until the editor lands)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from orderdesk.core import Order
from orderdesk.core.money import format_taxes
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.order_model import LEFT, RIGHT

Index = QModelIndex | QPersistentModelIndex

LINE_COLUMNS = ("#", "Item", "Description", "Quantity", "Unit", "Unit price", "Discount",
                "Taxes", "Subtotal", "Total")
_NUMERIC = {0, 3, 5, 6, 8, 9}


class LinesModel(QAbstractTableModel):
    """The active lines of an order, formatted (read-only)."""

    def __init__(self, order: Order, fmt: Formatter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        cur = order.currency
        self._rows = [(
            str(ln.position or i + 1), ln.item_code, ln.description, fmt.number(ln.quantity),
            ln.unit, fmt.money(ln.unit_price, cur),
            f"{fmt.number(ln.discount)} %" if ln.discount else "", format_taxes(ln.taxes),
            fmt.money(ln.subtotal, cur), fmt.money(ln.total, cur),
        ) for i, ln in enumerate(order.lines) if ln.active]
        self._free = [not ln.in_catalogue for ln in order.lines if ln.active]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LINE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(LINE_COLUMNS)):
            return LINE_COLUMNS[section]
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None  # an invalid QVariant
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if c in _NUMERIC else LEFT
        if role == Qt.ItemDataRole.ToolTipRole and c == 1 and self._free[r]:
            return "Not in the catalogue (a free line)"
        return None


def _label(text: str, bold: bool = False) -> QLabel:
    lab = QLabel(text)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        f = lab.font()
        f.setBold(True)
        lab.setFont(f)
    return lab


class OrderViewDialog(QDialog):
    """Shows an order as it is stored; nothing here writes."""

    def __init__(self, order: Order, fmt: Formatter, status_name: str = "",
                 parent: QWidget | None = None, *, desk: Any = None, runner: Any = None,
                 bridge: Any = None, ui: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("order_view")
        self.order = order
        self.setWindowTitle(f"Order {order.number} — {order.customer_name}")
        self.resize(1120, 620)
        lay = QVBoxLayout(self)

        head = QGroupBox("Order")
        grid = QGridLayout(head)
        fields = [
            ("Number", order.number or ""), ("Customer", f"{order.customer_code} · "
                                                         f"{order.customer_name}"),
            ("Order date", fmt.date(order.order_date)),
            ("Delivery date", fmt.date(order.delivery_date)),
            ("Order reference", order.reference or ""),
            ("Customer reference", order.customer_reference),
            ("Site", order.site), ("Currency", order.currency),
            ("Stage", order.stage.capitalize() + ("" if order.active else " (deleted)")),
            ("Status", status_name or order.status or ""),
            ("Updated", f"{fmt.datetime(order.updated_at)} by {order.updated_by}"),
            ("Version", str(order.version)),
        ]
        for i, (name, value) in enumerate(fields):
            grid.addWidget(QLabel(name + ":"), i // 2, (i % 2) * 2)
            grid.addWidget(_label(value, bold=name in ("Number", "Customer")), i // 2,
                           (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        if order.notes:
            grid.addWidget(QLabel("Notes:"), len(fields) // 2, 0)
            notes = _label(order.notes)
            notes.setWordWrap(True)
            grid.addWidget(notes, len(fields) // 2, 1, 1, 3)
        lay.addWidget(head)

        body = QHBoxLayout()
        self.lines = QTableView(objectName="order_lines")
        self.lines_model = LinesModel(order, fmt, self)
        self.lines.setModel(self.lines_model)
        self.lines.verticalHeader().setVisible(False)
        self.lines.setAlternatingRowColors(True)
        self.lines.setWordWrap(False)
        self.lines.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.lines.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(2, 200)  # descriptions are long: room for them, the rest fits
        hh.setStretchLastSection(True)
        body.addWidget(self.lines, 1)
        body.addWidget(self._totals(fmt))
        if desk is None or runner is None:
            lay.addLayout(body, 1)
        else:
            # With the desk at hand the order's files and history sit beside its lines.
            from orderdesk.ui.attachments import AttachmentPanel
            from orderdesk.ui.timeline import TimelinePanel

            self.tabs = QTabWidget(objectName="order_tabs")
            page = QWidget()
            page.setLayout(body)
            self.tabs.addTab(page, "&Lines")
            self.attachments = AttachmentPanel(desk, runner, order=order.id, ui=ui,
                                               bridge=bridge)
            self.tabs.addTab(self.attachments, "&Attachments")
            self.timeline = TimelinePanel(desk, bridge, order.id, runner=runner, ui=ui)
            self.tabs.addTab(self.timeline, "&History")
            lay.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _totals(self, fmt: Formatter) -> QGroupBox:
        t, cur = self.order.totals, self.order.currency
        box = QGroupBox("Totals")
        box.setObjectName("totals")
        form = QFormLayout(box)
        if t is None:
            form.addRow(QLabel("No totals"))
            return box
        self.total_labels: dict[str, QLabel] = {}

        def row(name: str, value: str, bold: bool = False) -> None:
            lab = _label(value, bold)
            lab.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.total_labels[name] = lab
            form.addRow(name, lab)

        row("Products", fmt.money(t.products_subtotal, cur))
        row("Products tax", fmt.money(t.products_tax, cur))
        row("Surcharges", fmt.money(t.surcharges_subtotal, cur))
        row("Surcharges tax", fmt.money(t.surcharges_tax, cur))
        for b in t.tax_breakdown:
            row(f"{b.name} {fmt.number(b.rate)} % on {fmt.money(b.base, cur)}",
                fmt.money(b.amount, cur))
        row("Net subtotal", fmt.money(t.net_subtotal, cur))
        row("Total tax", fmt.money(t.tax_total, cur))
        row("Grand total", fmt.money(t.grand_total, cur), bold=True)
        row("Paid", fmt.money(t.paid, cur))
        row("Balance", fmt.money(t.balance, cur), bold=True)
        row("Paid in full", "yes" if t.is_paid else "no")
        return box
