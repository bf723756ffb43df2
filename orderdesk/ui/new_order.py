"""A small dialog that starts a draft order: customer, dates and references."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget,
)

from orderdesk.core import Desk, Order, ValidationError


class NewOrderDialog(QDialog):
    """Creates the order's header; lines are added in the order editor."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_order")
        self.setWindowTitle("New order")
        form = QFormLayout(self)
        self.customer = QComboBox(objectName="customer")
        self.customer.setEditable(True)
        self.customer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for c in desk.catalog.customers(limit=5000):
            self.customer.addItem(f"{c.code} · {c.name}", c.code)
        self.order_date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.has_delivery = QCheckBox("Delivery date")
        self.delivery_date = QDateEdit(QDate.currentDate().addDays(14), calendarPopup=True)
        self.delivery_date.setEnabled(False)
        self.has_delivery.toggled.connect(self.delivery_date.setEnabled)
        self.reference = QLineEdit(objectName="reference")
        self.customer_reference = QLineEdit(objectName="customer_reference")
        self.site = QLineEdit(objectName="site")
        form.addRow("&Customer", self.customer)
        form.addRow("Order &date", self.order_date)
        form.addRow(self.has_delivery, self.delivery_date)
        form.addRow("Order &reference", self.reference)
        form.addRow("Customer's &PO", self.customer_reference)
        form.addRow("&Site", self.site)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create draft")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def document(self) -> Order:
        code = self.customer.currentData()
        typed = self.customer.currentText().strip()
        if code is None or not typed.startswith(str(code)):
            code = typed.split(" ", 1)[0] if typed else None
        if not code:
            raise ValidationError("customer", typed, "choose a customer")
        return Order(
            customer_code=code, order_date=self.order_date.date().toPython(),  # type: ignore[arg-type]
            delivery_date=(self.delivery_date.date().toPython()  # type: ignore[arg-type]
                           if self.has_delivery.isChecked() else None),
            reference=self.reference.text().strip() or None,
            customer_reference=self.customer_reference.text().strip(),
            site=self.site.text().strip())
