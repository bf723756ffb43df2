"""Adding and editing one stock lot; the core validates and records the change in history."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.errors import ValidationError
from orderdesk.core.inventory import Lot

UNITS = ("pcs", "m", "kg", "t", "mm", "m²", "l", "set")


def parse_quantity(text: str) -> Decimal | None:
    """A quantity typed by a person: decimal point or comma, spaces ignored; None if not one."""
    t = text.strip().replace(" ", "").replace("\u00a0", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


class LotDialog(QDialog):
    """The fields of a lot; Save stores it and stays open on an error, naming the field."""

    def __init__(self, desk: Desk, lot: Lot | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lot = lot
        self.saved: Lot | None = None
        self.setObjectName("lot_dialog")
        self.setWindowTitle("New lot" if lot is None else f"Lot {lot.lot or lot.name}")
        self.item_code = QLineEdit(objectName="lot_item_code")
        codes = [i.code for i in desk.catalog.items(limit=5000)]
        comp = QCompleter(codes, self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        self.item_code.setCompleter(comp)
        self.item_code.editingFinished.connect(self._item_chosen)
        self.name = QLineEdit(objectName="lot_name")
        self.lot_number = QLineEdit(objectName="lot_number")
        self.lot_number.setPlaceholderText("heat or batch number from the certificate")
        self.quantity = QLineEdit(objectName="lot_quantity")
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unit = QComboBox(objectName="lot_unit", editable=True)
        self.unit.addItems(UNITS)
        self.location = QLineEdit(objectName="lot_location")
        self.location.setPlaceholderText("hall, rack, bin…")
        self.active = QCheckBox("Active (can be reserved)", objectName="lot_active")
        self.error = QLabel(objectName="lot_error")
        self.error.setStyleSheet("color: #b91c1c")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Item code", self.item_code)
        form.addRow("&Name", self.name)
        form.addRow("&Lot / heat", self.lot_number)
        form.addRow("&Quantity", self.quantity)
        form.addRow("&Unit", self.unit)
        form.addRow("Locat&ion", self.location)
        form.addRow("", self.active)
        self.fields = {"item_code": self.item_code, "name": self.name, "lot": self.lot_number,
                       "quantity": self.quantity, "unit": self.unit, "location": self.location}
        if lot is not None:
            self.item_code.setText(lot.item_code)
            self.name.setText(lot.name)
            self.lot_number.setText(lot.lot)
            self.quantity.setText(str(lot.quantity.normalize()) if lot.quantity else "0")
            self.unit.setCurrentText(lot.unit)
            self.location.setText(lot.location)
            self.active.setChecked(lot.active)
            if lot.reserved:
                form.addRow("", QLabel(f"{lot.reserved.normalize():f} {lot.unit} reserved: the "
                                       "quantity cannot go below that"))
        else:
            self.active.setChecked(True)
            self.active.hide()
            self.unit.setCurrentText("pcs")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.setMinimumWidth(460)

    def _item_chosen(self) -> None:
        """A catalogue item fills the name and unit when they are still empty."""
        if self.lot is not None or self.name.text().strip():
            return
        try:
            item = self.desk.catalog.item(self.item_code.text().strip())
        except OrderDeskError:
            return
        self.name.setText(item.description)
        self.unit.setCurrentText(item.unit)

    def document(self) -> Lot:
        """The lot as typed; a quantity that is not a number is a ValidationError."""
        q = parse_quantity(self.quantity.text())
        if q is None:
            raise ValidationError("quantity", self.quantity.text(), "is not a number")
        base = self.lot
        return Lot(item_code=self.item_code.text(), name=self.name.text(), quantity=q,
                   lot=self.lot_number.text(), unit=self.unit.currentText().strip() or "pcs",
                   location=self.location.text(), id=base.id if base else None,
                   active=self.active.isChecked())

    def save(self) -> None:
        for w in self.fields.values():
            w.setStyleSheet("")
        try:
            self.saved = self.desk.inventory.save(self.document())
        except ValidationError as e:
            self._show(f"{e.field.replace('_', ' ').capitalize()}: {e.reason}", e.field)
            return
        except OrderDeskError as e:
            self._show(str(e), "quantity" if "quantity" in str(e) else "")
            return
        self.accept()

    def _show(self, text: str, field: str) -> None:
        self.error.setText(text)
        self.error.show()
        w = self.fields.get(field)
        if w is not None:
            w.setStyleSheet("border: 1px solid #b91c1c")
            w.setFocus()

