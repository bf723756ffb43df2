"""The order header: customer (completed by code or name), references, dates, site, notes."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from PySide6.QtCore import QDate, QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter, QDateEdit, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QWidget,
)

from orderdesk.core import validate as v
from orderdesk.core.docs import Address, Contact
from orderdesk.core.errors import ValidationError
from orderdesk.ui.editor.commands import Bad
from orderdesk.ui.editor.document import EditorDocument

NO_DATE = QDate(1900, 1, 1)  # the delivery date picker's "none"
TEXT_FIELDS = (("reference", 100), ("customer_reference", 100), ("site", 100))
_BAD_STYLE = "background: #f8d7da; color: #8b0000;"
_LOCKED_STYLE = ('QLineEdit:read-only, QPlainTextEdit[readOnly="true"], '
                 'QDateEdit[readOnly="true"] { background: #ececec; color: #3c3c3c; }')


class DateField(QDateEdit):
    """A date picker, also typed; Tab leaves it (arrows move between day, month, year)."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return QWidget.focusNextPrevChild(self, next)


class HeaderForm(QWidget):
    """Binds header widgets to the document both ways; every edit is an undo step."""

    def __init__(self, doc: EditorDocument, customers: Callable[[], list[Any]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._customers = customers
        self._by_code: dict[str, Any] | None = None
        self._filling = False
        self.customer = QLineEdit(objectName="customer")
        self.customer.setPlaceholderText("Customer code or name")
        self.customer_name = QLabel(objectName="customer_name")
        self.customer_name.setMinimumWidth(160)
        self.number = QLabel(objectName="number")
        self.reference = QLineEdit(objectName="reference")
        self.customer_reference = QLineEdit(objectName="customer_reference")
        self.site = QLineEdit(objectName="site")
        self.currency = QLineEdit(objectName="currency")
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(70)
        self.order_date = DateField(objectName="order_date", calendarPopup=True)
        self.delivery_date = DateField(objectName="delivery_date", calendarPopup=True)
        self.delivery_date.setMinimumDate(NO_DATE)
        self.delivery_date.setSpecialValueText("none")
        for d in (self.order_date, self.delivery_date):
            d.setDisplayFormat("yyyy-MM-dd")
        self.notes = QPlainTextEdit(objectName="notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().height() * 3 + 14)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        left, mid, right = QFormLayout(), QFormLayout(), QFormLayout()
        cust = QHBoxLayout()
        cust.addWidget(self.customer, 1)
        cust.addWidget(self.customer_name, 1)
        cust_label = QLabel("&Customer")
        cust_label.setBuddy(self.customer)
        left.addRow(cust_label, cust)
        left.addRow("Order &reference", self.reference)
        left.addRow("Customer's &PO", self.customer_reference)
        mid.addRow("Order &date", self.order_date)
        mid.addRow("Deli&very date", self.delivery_date)
        mid.addRow("S&ite", self.site)
        right.addRow("Number", self.number)
        right.addRow("C&urrency", self.currency)
        grid.addLayout(left, 0, 0)
        grid.addLayout(mid, 0, 1)
        grid.addLayout(right, 0, 2)
        grid.addWidget(QLabel("&Notes"), 1, 0, 1, 3)
        notes_label = grid.itemAtPosition(1, 0).widget()
        assert isinstance(notes_label, QLabel)
        notes_label.setBuddy(self.notes)
        grid.addWidget(self.notes, 2, 0, 1, 3)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 1)

        self.comp = QCompleter(QStringListModel(self), self.customer)
        self.comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.comp.setFilterMode(Qt.MatchFlag.MatchContains)  # code or any part of the name
        self.customer.setCompleter(self.comp)
        self.customer.editingFinished.connect(self._customer_done)
        self.comp.activated.connect(lambda _t: self._customer_done())
        for name, max_len in TEXT_FIELDS:
            w: QLineEdit = getattr(self, name)
            w.setMaxLength(max_len)
            w.textEdited.connect(lambda t, n=name: self._typed(n, t))
            w.editingFinished.connect(doc.next_session)
        self.currency.textEdited.connect(self._currency_typed)
        self.currency.editingFinished.connect(doc.next_session)
        self.notes.textChanged.connect(self._notes_typed)
        self.order_date.dateChanged.connect(lambda d: self._date("order_date", d))
        self.delivery_date.dateChanged.connect(lambda d: self._date("delivery_date", d))
        for d in (self.order_date, self.delivery_date):
            d.editingFinished.connect(doc.next_session)
        doc.header_changed.connect(self.refresh)
        self.setStyleSheet(_LOCKED_STYLE)

    def tab_chain(self) -> list[QWidget]:
        return [self.customer, self.reference, self.customer_reference, self.order_date,
                self.delivery_date, self.site, self.currency, self.notes]

    def load_customers(self) -> None:
        found = self._customers()
        self._by_code = {c.code: c for c in found}
        model = self.comp.model()
        assert isinstance(model, QStringListModel)
        model.setStringList([f"{c.code} · {c.name}" for c in found])

    # ---- widgets → document ----
    def _typed(self, field: str, text: str) -> None:
        if not self._filling:
            self.doc.set("order", self.doc.order, field,
                         text.strip() or (None if field == "reference" else ""), typing=True,
                         text=f"Edit {field.replace('_', ' ')}")

    def _currency_typed(self, text: str) -> None:
        if self._filling:
            return
        try:
            value: Any = v.currency(text)
        except ValidationError as e:
            value = Bad(text, e.reason)
        self.doc.set("order", self.doc.order, "currency", value, typing=True, text="Edit currency")

    def _notes_typed(self) -> None:
        if not self._filling:
            self.doc.set("order", self.doc.order, "notes", self.notes.toPlainText(), typing=True,
                         text="Edit notes")

    def _date(self, field: str, qd: QDate) -> None:
        if self._filling:
            return
        value: date | None = None if qd == NO_DATE else qd.toPython()  # type: ignore[assignment]
        self.doc.set("order", self.doc.order, field, value, typing=True,
                     text=f"Edit {field.replace('_', ' ')}")

    def _customer_done(self) -> None:
        if self._filling or not self.doc.editable("order"):
            return
        text = self.customer.text().strip()
        code = text.split(" · ", 1)[0].strip()
        if self._by_code is None:
            self.load_customers()
        assert self._by_code is not None
        found = self._by_code.get(code) or next(
            (c for c in self._by_code.values() if c.name.lower() == text.lower()), None)
        if found is None:
            self.doc.set("order", self.doc.order, "customer_code",
                         Bad(text, "is not a known customer") if text else
                         Bad("", "is required"))
            return
        self.set_customer(found)

    def set_customer(self, c: Any) -> None:
        """Customer, name, and its default addresses and contacts where the order had
        none or only the previous customer's — one undo step."""
        o, doc = self.doc.order, self.doc
        if doc.raw_value(o, "customer_code") == c.code:
            self.refresh("customer_code")
            return
        prev = self._by_code.get(o.customer_code) if self._by_code else None
        with doc.macro(f"Customer {c.code}"):
            doc.set("order", o, "customer_code", c.code)
            doc.set("order", o, "customer_name", c.name)
            for kind, defaults, make in (("address", c.addresses, _address),
                                         ("contact", c.contacts, _contact)):
                current = doc.records(kind)
                old_defaults = [make(d) for d in (getattr(prev, kind + ("es" if kind ==
                                "address" else "s")) if prev else [])]
                if not current or _same(current, old_defaults):
                    doc.remove(kind, list(current))
                    doc.insert(kind, 0, [make(d) for d in defaults])

    # ---- document → widgets ----
    def refresh(self, field: str = "") -> None:
        o, doc = self.doc.order, self.doc
        self._filling = True
        try:
            if field in ("", "customer_code", "customer_name"):
                code = doc.raw_value(o, "customer_code")
                text = code.text if isinstance(code, Bad) else code
                if self.customer.text().split(" · ", 1)[0] != text:
                    self.customer.setText(text)
                self.customer_name.setText(o.customer_name)
                self._mark(self.customer, code)
            for name, _n in TEXT_FIELDS:
                if field in ("", name):
                    w: QLineEdit = getattr(self, name)
                    value = getattr(o, name) or ""
                    if w.text().strip() != value:
                        w.setText(value)
            if field in ("", "currency"):
                cur = doc.raw_value(o, "currency")
                text = cur.text if isinstance(cur, Bad) else cur
                if self.currency.text() != text:
                    self.currency.setText(text)
                self._mark(self.currency, cur)
            if field in ("", "notes") and self.notes.toPlainText() != o.notes:
                self.notes.setPlainText(o.notes)
            if field in ("", "order_date"):
                self.order_date.setDate(QDate(o.order_date))
            if field in ("", "delivery_date"):
                self.delivery_date.setDate(QDate(o.delivery_date) if o.delivery_date
                                           else NO_DATE)
            if field == "":
                self.number.setText(o.number or "(new — numbered on save)")
                self.set_locked(not doc.editable("order"))
        finally:
            self._filling = False

    def _mark(self, w: QWidget, value: Any) -> None:
        w.setStyleSheet(_BAD_STYLE if isinstance(value, Bad) else "")
        w.setToolTip(value.reason if isinstance(value, Bad) else "")

    def set_locked(self, locked: bool) -> None:
        for w in (self.customer, self.reference, self.customer_reference, self.site,
                  self.currency):
            w.setReadOnly(locked)
        self.notes.setReadOnly(locked)
        for d in (self.order_date, self.delivery_date):
            d.setReadOnly(locked)
        # a new order may still pick its currency; a stored one keeps the company's choice
        self.currency.setReadOnly(locked)
        # Locked fields look locked (grey), not merely refuse typing.
        for w in self.tab_chain():
            w.style().unpolish(w)
            w.style().polish(w)


def _address(d: dict[str, str]) -> Address:
    keys = ("kind", "label", "name", "street", "city", "postal_code", "region", "country")
    return Address(**{k: str(d[k]) for k in keys if k in d})


def _contact(d: dict[str, str]) -> Contact:
    return Contact(**{k: str(d[k]) for k in ("kind", "label", "name", "value") if k in d})


def _same(a: list[Any], b: list[Any]) -> bool:
    strip = lambda x: {k: val for k, val in vars(x).items() if k != "id"}  # noqa: E731
    return len(a) == len(b) and all(strip(x) == strip(y) for x, y in zip(a, b))
