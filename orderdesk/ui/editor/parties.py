"""Tabs for the order's lists: addresses, contacts, surcharges, attributes, payments, shipments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from orderdesk.core.docs import Address, Contact, Payment, Shipment, Surcharge
from orderdesk.ui.editor.columns import Attr
from orderdesk.ui.editor.commands import Bad
from orderdesk.ui.editor.document import EditorDocument
from orderdesk.ui.editor.grid import CellDelegate, Grid

HINTS = {
    "address": "Invoice and delivery addresses; a new customer brings its defaults.",
    "contact": "Phone numbers, e-mail addresses and other contacts for this order.",
    "surcharge": "Shipping, handling, payment fees — Custom needs a label.",
    "attribute": "Free key → value pairs kept with the order.",
    "payment": "Only processed, non-testing payments count as paid.",
    "shipment": "Carriers and tracking numbers; editable on sent orders too.",
}


def new_record(doc: EditorDocument, kind: str) -> tuple[Any, dict[str, Bad]]:
    """A fresh record, and the required fields it still lacks (marked at their cells)."""
    if kind == "address":
        kinds = {a.kind for a in doc.order.addresses}
        return Address(kind="Invoice" if "Delivery" in kinds and "Invoice" not in kinds
                       else "Delivery"), {}
    if kind == "contact":
        return Contact(value="", kind="Email"), {"value": Bad("", "is required")}
    if kind == "surcharge":
        return Surcharge(amount=Decimal(0), kind="Shipping"), {}
    if kind == "attribute":
        return Attr(""), {"key": Bad("", "is required")}
    if kind == "payment":
        return (Payment(amount=doc.totals().balance if doc.totals().balance > 0 else Decimal(0),
                        date=date.today(), currency=doc.order.currency),
                {} if doc.totals().balance > 0 else {"amount": Bad("", "is required")})
    return Shipment(), {}


class PartyPanel(QWidget):
    """One list as an editable table with add and remove actions (Enter on the last row adds)."""

    def __init__(self, doc: EditorDocument, kind: str, delegate: CellDelegate,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.kind = doc, kind
        self.model = doc.models[kind]
        self.grid = Grid(self.model, delegate, f"{kind}_table")
        self.grid.add_row = self.add
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.add_action = QAction(f"Add {kind}", self, objectName=f"add_{kind}")
        self.add_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_action.triggered.connect(self.add)
        self.remove_action = QAction(f"Remove {kind}", self, objectName=f"remove_{kind}")
        self.remove_action.setShortcut(QKeySequence("Ctrl+Shift+Delete"))
        self.remove_action.triggered.connect(self.remove_selected)
        for act in (self.add_action, self.remove_action):
            act.setShortcutContext(act.shortcutContext().WidgetWithChildrenShortcut)
            self.addAction(act)
            b = QToolButton()
            b.setDefaultAction(act)
            bar.addWidget(b)
        hint = QLabel(HINTS[kind])
        hint.setStyleSheet("color: palette(mid);")
        bar.addWidget(hint, 1)
        lay.addLayout(bar)
        lay.addWidget(self.grid, 1)
        doc.stage_changed.connect(self._update)
        self._update()

    def _update(self) -> None:
        on = self.doc.editable(self.kind)
        self.add_action.setEnabled(on)
        self.remove_action.setEnabled(on)

    def add(self) -> bool:
        if not self.doc.editable(self.kind):
            return False
        obj, missing = new_record(self.doc, self.kind)
        row = self.model.rowCount()
        with self.doc.macro(f"Add {self.kind}"):
            self.doc.insert(self.kind, row, [obj])
            for field, bad in missing.items():
                self.doc.set(self.kind, obj, field, bad)
        first = next((i for i, c in enumerate(self.model.columns) if c.field in missing), 0)
        self.grid.setCurrentIndex(self.model.index(row, first))
        self.grid.setFocus()
        return True

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()}
                      or ({self.grid.currentIndex().row()} - {-1}))
        self.doc.remove(self.kind, [self.model.obj(r) for r in rows])
