"""Customers and catalogue items: list, search, add, edit, deactivate."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError, Tax, ValidationError
from orderdesk.core.catalog import CustomerDoc, ItemDoc
from orderdesk.core.money import format_taxes
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.order_model import LEFT, RIGHT

Index = QModelIndex | QPersistentModelIndex
D = TypeVar("D")


class DocTableModel(QAbstractTableModel, Generic[D]):
    """A short list of documents (customers or items) with formatted columns."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[D], str], bool]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)  # (title, text of a doc, right-aligned)
        self.docs: list[D] = []

    def set_docs(self, docs: list[D]) -> None:
        self.beginResetModel()
        self.docs = docs
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.docs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section][0]
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.docs):
            return None  # an invalid QVariant
        title, text, right = self.columns[index.column()]
        doc = self.docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text(doc)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if right else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and not getattr(doc, "active", True):
            from PySide6.QtGui import QPalette
            from PySide6.QtWidgets import QApplication

            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None


class CatalogWindow(QWidget):
    """Shared frame: a search field, the table and Add / Edit / Deactivate buttons."""

    title = ""

    def __init__(self, desk: Desk, fmt: Formatter, ui: Ui, model: DocTableModel[Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.desk, self.fmt, self.ui, self.model = desk, fmt, ui, model
        self.setWindowTitle(f"{self.title} — OrderDesk")
        self.resize(820, 520)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(placeholderText=f"Search {self.title.lower()} (code or name)")
        self.search.setClearButtonEnabled(True)
        self.show_inactive = QCheckBox("Show &inactive")
        top.addWidget(self.search, 1)
        top.addWidget(self.show_inactive)
        lay.addLayout(top)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _ix: self.edit())
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.toggle_button = QPushButton("&Deactivate")
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        for b in (self.add_button, self.edit_button, self.toggle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.count_label = QLabel()
        buttons.addWidget(self.count_label)
        lay.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.toggle_button.clicked.connect(self.toggle_active)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.show_inactive.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def load(self, search: str, inactive: bool) -> list[Any]:
        raise NotImplementedError

    def refresh(self) -> None:
        keep = self.current()
        self.model.set_docs(self.load(self.search.text().strip(), self.show_inactive.isChecked()))
        self.count_label.setText(f"{len(self.model.docs):,} shown")
        if keep is not None:
            for r, d in enumerate(self.model.docs):
                if d.code == keep.code:
                    self.table.selectRow(r)
        self._update_buttons()

    def current(self) -> Any:
        ix = self.table.currentIndex()
        return self.model.docs[ix.row()] if ix.isValid() and ix.row() < len(self.model.docs) else None

    def _update_buttons(self) -> None:
        doc = self.current()
        self.edit_button.setEnabled(doc is not None)
        self.toggle_button.setEnabled(doc is not None)
        self.toggle_button.setText("&Activate" if doc is not None and not doc.active
                                   else "&Deactivate")

    def add(self) -> None:
        self._edit_doc(None)

    def edit(self) -> None:
        doc = self.current()
        if doc is not None:
            self._edit_doc(doc)

    def toggle_active(self) -> None:
        doc = self.current()
        if doc is None:
            return
        self._save(replace(doc, active=not doc.active))

    def _save(self, doc: Any) -> bool:
        try:
            self.save(doc)
        except OrderDeskError as e:
            self.ui.error(self, "Not saved", str(e))
            return False
        self.refresh()
        for r, d in enumerate(self.model.docs):
            if d.code == doc.code:
                self.table.selectRow(r)
        return True

    def save(self, doc: Any) -> None:
        raise NotImplementedError

    def _edit_doc(self, doc: Any) -> None:
        dlg = self.editor(doc)
        while self.ui.run_dialog(dlg):
            try:
                new = dlg.document()  # type: ignore[attr-defined]
            except ValidationError as e:
                self.ui.error(self, "Check the form", str(e))
                continue
            if self._save(new):
                return


class _Form(QDialog):
    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.form.addRow(self.buttons)


class CustomerForm(_Form):
    def __init__(self, doc: CustomerDoc | None, parent: QWidget) -> None:
        super().__init__("Edit customer" if doc else "New customer", parent)
        self.doc = doc
        self.code = QLineEdit(doc.code if doc else "", objectName="code")
        self.code.setReadOnly(doc is not None)  # the code is the customer's key
        self.name = QLineEdit(doc.name if doc else "", objectName="name")
        self.org = QLineEdit(doc.organisation_id if doc else "", objectName="organisation_id")
        self.active = QCheckBox("Active", checked=doc.active if doc else True)
        self.form.addRow("&Code", self.code)
        self.form.addRow("&Name", self.name)
        self.form.addRow("&Organisation id", self.org)
        self.form.addRow("", self.active)
        self.finish()

    def document(self) -> CustomerDoc:
        base = self.doc or CustomerDoc("", "")
        return replace(base, code=self.code.text().strip(), name=self.name.text().strip(),
                       organisation_id=self.org.text().strip(), active=self.active.isChecked())


class CustomersWindow(CatalogWindow):
    title = "Customers"

    def __init__(self, desk: Desk, fmt: Formatter, ui: Ui, parent: QWidget | None = None) -> None:
        model: DocTableModel[CustomerDoc] = DocTableModel([
            ("Code", lambda d: d.code, False), ("Name", lambda d: d.name, False),
            ("Organisation id", lambda d: d.organisation_id, False),
            ("Active", lambda d: "yes" if d.active else "no", False)])
        super().__init__(desk, fmt, ui, model, parent)
        self.setObjectName("customers_window")
        self.table.setColumnWidth(0, 90)
        self.table.setColumnWidth(1, 380)
        self.table.setColumnWidth(2, 160)

    def load(self, search: str, inactive: bool) -> list[Any]:
        return self.desk.catalog.customers(search, include_inactive=inactive, limit=5000)

    def save(self, doc: Any) -> None:
        self.desk.catalog.save_customer(doc)

    def editor(self, doc: Any) -> CustomerForm:
        return CustomerForm(doc, self)


def parse_taxes(text: str) -> list[Tax]:
    """`VAT 21%; Eco 0.5%` → taxes (the same notation as the lines file)."""
    out = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, _, rate = part.rstrip("%").rstrip().rpartition(" ")
        try:
            out.append(Tax(name.strip(), Decimal(rate.strip())))
        except InvalidOperation:
            raise ValidationError("taxes", part, "write taxes as 'VAT 21%; Eco 0.5%'") from None
        if not name.strip():
            raise ValidationError("taxes", part, "each tax needs a name, e.g. 'VAT 21%'")
    return out


def _decimal(text: str, field: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", ".") or "0")
    except InvalidOperation:
        raise ValidationError(field, text, "is not a number") from None


class ItemForm(_Form):
    def __init__(self, doc: ItemDoc | None, parent: QWidget) -> None:
        super().__init__("Edit item" if doc else "New item", parent)
        self.doc = doc
        self.code = QLineEdit(doc.code if doc else "", objectName="code")
        self.code.setReadOnly(doc is not None)
        self.description = QLineEdit(doc.description if doc else "", objectName="description")
        self.unit = QLineEdit(doc.unit if doc else "pcs", objectName="unit")
        self.price = QLineEdit(str(doc.price) if doc else "0", objectName="price")
        self.taxes = QLineEdit(format_taxes(doc.taxes) if doc else "", objectName="taxes")
        self.taxes.setPlaceholderText("VAT 21%; Eco 0.5%")
        self.weight = QLineEdit(str(doc.unit_weight) if doc else "0", objectName="unit_weight")
        self.active = QCheckBox("Active", checked=doc.active if doc else True)
        for label, w in (("&Code", self.code), ("&Description", self.description),
                         ("&Unit", self.unit), ("&Price", self.price), ("&Taxes", self.taxes),
                         ("Unit &weight (kg)", self.weight)):
            self.form.addRow(label, w)
        self.form.addRow("", self.active)
        self.finish()

    def document(self) -> ItemDoc:
        return ItemDoc(self.code.text().strip(), self.description.text().strip(),
                       self.unit.text().strip() or "pcs", _decimal(self.price.text(), "price"),
                       parse_taxes(self.taxes.text()), _decimal(self.weight.text(), "unit_weight"),
                       self.active.isChecked())


class ItemsWindow(CatalogWindow):
    title = "Items"

    def __init__(self, desk: Desk, fmt: Formatter, ui: Ui, parent: QWidget | None = None) -> None:
        currency = desk.company().currency
        model: DocTableModel[ItemDoc] = DocTableModel([
            ("Code", lambda d: d.code, False), ("Description", lambda d: d.description, False),
            ("Unit", lambda d: d.unit, False),
            ("Price", lambda d: fmt.money(d.price, currency), True),
            ("Taxes", lambda d: format_taxes(d.taxes), False),
            ("Unit weight", lambda d: fmt.number(d.unit_weight), True),
            ("Active", lambda d: "yes" if d.active else "no", False)])
        super().__init__(desk, fmt, ui, model, parent)
        self.setObjectName("items_window")
        self.resize(980, 520)
        for i, w in enumerate((130, 340, 50, 100, 110, 90)):
            self.table.setColumnWidth(i, w)

    def load(self, search: str, inactive: bool) -> list[Any]:
        return self.desk.catalog.items(search, include_inactive=inactive, limit=5000)

    def save(self, doc: Any) -> None:
        self.desk.catalog.save_item(doc)

    def editor(self, doc: Any) -> ItemForm:
        return ItemForm(doc, self)
