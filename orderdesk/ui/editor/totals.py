"""The totals panel: exactly the core's money figures for the document as edited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from orderdesk.core.money import Totals
from orderdesk.ui.fmt import Formatter


class TotalsPanel(QGroupBox):
    """Products, surcharges, tax by name and rate, grand total, paid, balance, paid flag.

    `values` maps each row's name to the text shown, so tests read what the user reads.
    """

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__("Totals", parent)
        self.setObjectName("totals")
        self.fmt = fmt
        self.values: dict[str, str] = {}
        outer = QVBoxLayout(self)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(0, 1)
        self.grid.setHorizontalSpacing(16)
        outer.addLayout(self.grid)
        outer.addStretch(1)
        self.setMinimumWidth(270)

    def show_totals(self, t: Totals) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item else None
            if w is not None:
                w.deleteLater()
        self.values.clear()
        m = lambda v: self.fmt.money(v, t.currency)  # noqa: E731
        rows: list[tuple[str, str, str]] = [
            ("Products", m(t.products_subtotal), ""),
            ("Products tax", m(t.products_tax), ""),
            ("Products total", m(t.products_total), "sum"),
            ("Surcharges", m(t.surcharges_subtotal), ""),
            ("Surcharges tax", m(t.surcharges_tax), ""),
            ("Surcharges total", m(t.surcharges_total), "sum"),
            ("-", "", ""),
        ]
        for b in t.tax_breakdown:
            rows.append((f"{b.name} {self.fmt.number(b.rate)} % on {m(b.base)}", m(b.amount),
                         "small"))
        rows += [
            ("Net subtotal", m(t.net_subtotal), ""),
            ("Total tax", m(t.tax_total), ""),
            ("Grand total", m(t.grand_total), "big"),
            ("-", "", ""),
            ("Paid", m(t.paid), ""),
            ("Balance", m(t.balance), "sum"),
            ("Paid in full", "yes" if t.is_paid else "no", ""),
            ("Lines", f"{t.line_count:,}", "small"),
            ("Quantity", self.fmt.number(t.total_quantity), "small"),
        ]
        for r, (name, value, style) in enumerate(rows):
            if name == "-":
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setFrameShadow(QFrame.Shadow.Sunken)
                self.grid.addWidget(line, r, 0, 1, 2)
                continue
            left, right = QLabel(name), QLabel(value)
            right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            right.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            right.setObjectName("total_" + name.lower().replace(" ", "_"))
            if style in ("sum", "big"):
                for lab in (left, right):
                    f = lab.font()
                    f.setBold(True)
                    if style == "big":
                        f.setPointSizeF(f.pointSizeF() * 1.15)
                    lab.setFont(f)
            elif style == "small":
                left.setIndent(12)  # a breakdown row: indented under the tax total
                left.setWordWrap(True)
            self.grid.addWidget(left, r, 0)
            self.grid.addWidget(right, r, 1)
            self.values[name] = value
