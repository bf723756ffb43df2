"""The filter panel of the order list: views (stages), status, customer, dates, changed since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone

from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDateTimeEdit, QFormLayout, QGroupBox, QListWidget, QListWidgetItem,
    QPushButton, QVBoxLayout, QWidget,
)

from orderdesk.core import OrderQuery


@dataclass(frozen=True)
class View:
    key: str
    title: str
    stages: tuple[str, ...]
    deleted: bool = False


VIEWS = (
    View("open", "Drafts and sent", ("draft", "sent")),
    View("draft", "Drafts", ("draft",)),
    View("sent", "Sent", ("sent",)),
    View("archived", "Archived", ("archived",)),
    View("deleted", "Deleted", (), deleted=True),
)
VIEW_BY_KEY = {v.key: v for v in VIEWS}


class DateRange(QGroupBox):
    """A checkable 'from … to …' pair; unchecked means no limit."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setCheckable(True)
        self.setChecked(False)
        form = QFormLayout(self)
        form.setContentsMargins(6, 4, 6, 4)
        today = QDate.currentDate()
        self.start = QDateEdit(today.addMonths(-1), calendarPopup=True)
        self.end = QDateEdit(today, calendarPopup=True)
        for w in (self.start, self.end):
            w.setDisplayFormat("yyyy-MM-dd")  # ISO: unambiguous in every locale
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        self.toggled.connect(lambda _on: self.changed.emit())
        self.start.dateChanged.connect(lambda _d: self.isChecked() and self.changed.emit())
        self.end.dateChanged.connect(lambda _d: self.isChecked() and self.changed.emit())

    def bounds(self) -> tuple[date | None, date | None]:
        if not self.isChecked():
            return None, None
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]


class FilterPanel(QWidget):
    """Emits `changed` whenever the query it describes changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter_panel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.views = QListWidget()
        self.views.setObjectName("views")
        for v in VIEWS:
            item = QListWidgetItem(v.title)
            item.setData(Qt.ItemDataRole.UserRole, v.key)
            self.views.addItem(item)
        self.views.setCurrentRow(0)
        self.views.setMaximumHeight(self.views.sizeHintForRow(0) * len(VIEWS)
                                    + 2 * self.views.frameWidth() + 2)
        self.views.currentRowChanged.connect(lambda _r: self.changed.emit())
        lay.addWidget(self.views)

        form = QFormLayout()
        self.status = QComboBox(objectName="status_filter")
        self.status.currentIndexChanged.connect(lambda _i: self.changed.emit())
        form.addRow("&Status", self.status)
        self.customer = QComboBox(objectName="customer_filter")
        self.customer.setEditable(True)
        self.customer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.customer.lineEdit().setPlaceholderText("Any customer")
        self.customer.lineEdit().editingFinished.connect(self._customer_typed)
        form.addRow("C&ustomer", self.customer)
        lay.addLayout(form)

        self.order_dates = DateRange("&Order date")
        self.delivery_dates = DateRange("&Delivery date")
        self.changed_box = QGroupBox("C&hanged since", checkable=True, checked=False)
        cl = QVBoxLayout(self.changed_box)
        cl.setContentsMargins(6, 4, 6, 4)
        self.changed_since = QDateTimeEdit(QDateTime.currentDateTime().addDays(-1),
                                           calendarPopup=True)
        self.changed_since.setDisplayFormat("yyyy-MM-dd HH:mm")
        cl.addWidget(self.changed_since)
        for w in (self.order_dates, self.delivery_dates):
            w.changed.connect(self.changed.emit)
            lay.addWidget(w)
        self.changed_box.toggled.connect(lambda _on: self.changed.emit())
        self.changed_since.dateTimeChanged.connect(
            lambda _d: self.changed_box.isChecked() and self.changed.emit())
        lay.addWidget(self.changed_box)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.clicked.connect(self.clear)
        lay.addWidget(self.clear_button)
        lay.addStretch(1)

    def set_choices(self, statuses: list[tuple[str, str]], customers: list[tuple[str, str]]) -> None:
        """Fills the status and customer lists (code, name) without emitting `changed`."""
        for combo, items, anyone in ((self.status, statuses, "Any status"),
                                     (self.customer, customers, "")):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anyone, None)
            for code, name in items:
                combo.addItem(name if combo is self.status else f"{code} · {name}", code)
            i = combo.findData(keep)
            combo.setCurrentIndex(max(0, i))
            combo.blockSignals(False)

    def _customer_typed(self) -> None:
        text = self.customer.currentText().strip()
        if not text:
            self.customer.setCurrentIndex(0)
            return
        i = self.customer.findText(text, Qt.MatchFlag.MatchStartsWith)
        if i >= 0 and i != self.customer.currentIndex():
            self.customer.setCurrentIndex(i)

    def view(self) -> View:
        item = self.views.currentItem()
        return VIEW_BY_KEY[item.data(Qt.ItemDataRole.UserRole) if item else "open"]

    def set_view(self, key: str) -> None:
        for i, v in enumerate(VIEWS):
            if v.key == key:
                self.views.setCurrentRow(i)

    def clear(self) -> None:
        for w in (self.views, self.status, self.customer, self.order_dates,
                  self.delivery_dates, self.changed_box):
            w.blockSignals(True)
        self.views.setCurrentRow(0)
        self.status.setCurrentIndex(0)
        self.customer.setCurrentIndex(0)
        self.order_dates.setChecked(False)
        self.delivery_dates.setChecked(False)
        self.changed_box.setChecked(False)
        for w in (self.views, self.status, self.customer, self.order_dates,
                  self.delivery_dates, self.changed_box):
            w.blockSignals(False)
        self.changed.emit()

    def apply(self, q: OrderQuery) -> OrderQuery:
        """The query with this panel's filters (text and sort are kept)."""
        v = self.view()
        od, dd = self.order_dates.bounds(), self.delivery_dates.bounds()
        since = None
        if self.changed_box.isChecked():
            since = self.changed_since.dateTime().toPython().astimezone(timezone.utc)
        status = self.status.currentData()
        return q.with_(stages=v.stages, deleted=v.deleted,
                       statuses=(status,) if status else (),
                       customer_code=self.customer.currentData() or None,
                       order_date_from=od[0], order_date_to=od[1],
                       delivery_date_from=dd[0], delivery_date_to=dd[1],
                       changed_since=since)

