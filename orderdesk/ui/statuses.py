"""Status settings: add and rename statuses, and the allowed transitions as a checkbox matrix."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.ui.dialogs import Ui


class StatusDialog(QDialog):
    """Edits the company's statuses; transitions are saved together with Save."""

    def __init__(self, desk: Desk, ui: Ui, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.ui = desk, ui
        self.setObjectName("status_dialog")
        self.setWindowTitle("Statuses and workflow")
        self.resize(900, 520)
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(QLabel("Statuses"))
        self.list = QListWidget(objectName="status_list")
        left.addWidget(self.list, 1)
        self.add_button = QPushButton("&Add…")
        self.rename_button = QPushButton("&Rename…")
        left.addWidget(self.add_button)
        left.addWidget(self.rename_button)
        lay.addLayout(left)
        right = QVBoxLayout()
        right.addWidget(QLabel("Allowed transitions: a tick lets an order move from the row's "
                               "status to the column's status."))
        self.matrix = QTableWidget(objectName="transitions")
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        right.addWidget(self.matrix, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save_transitions)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        lay.addLayout(right, 1)
        self.add_button.clicked.connect(self.add_status)
        self.rename_button.clicked.connect(self.rename_status)
        self.load()

    def load(self) -> None:
        statuses = self.desk.statuses.list()
        self.codes = [s.code for s in statuses]
        self.list.clear()
        for s in statuses:
            item = QListWidgetItem(f"{s.name}  ({s.code})" + ("  · final" if s.final else ""))
            item.setData(Qt.ItemDataRole.UserRole, s.code)
            self.list.addItem(item)
        allowed = self.desk.statuses.transitions()
        names = [s.name for s in statuses]
        self.matrix.clear()
        self.matrix.setRowCount(len(statuses))
        self.matrix.setColumnCount(len(statuses))
        self.matrix.setVerticalHeaderLabels([f"from {n}" for n in names])
        self.matrix.setHorizontalHeaderLabels([f"to {n}" for n in names])
        for r, a in enumerate(self.codes):
            for c, b in enumerate(self.codes):
                item = QTableWidgetItem()
                if a == b:
                    item.setFlags(Qt.ItemFlag.NoItemFlags)  # a status cannot go to itself
                else:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if (a, b) in allowed
                                       else Qt.CheckState.Unchecked)
                self.matrix.setItem(r, c, item)

    def pairs(self) -> set[tuple[str, str]]:
        out = set()
        for r, a in enumerate(self.codes):
            for c, b in enumerate(self.codes):
                item = self.matrix.item(r, c)
                if a != b and item is not None and item.checkState() == Qt.CheckState.Checked:
                    out.add((a, b))
        return out

    def set_allowed(self, a: str, b: str, on: bool) -> None:
        item = self.matrix.item(self.codes.index(a), self.codes.index(b))
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def save_transitions(self) -> bool:
        try:
            self.desk.statuses.set_transitions(self.pairs())
        except OrderDeskError as e:
            self.ui.error(self, "Transitions not saved", str(e))
            return False
        self.accept()
        return True

    def add_status(self, code: str = "", name: str = "") -> bool:
        if not code:
            name, ok = QInputDialog.getText(self, "New status", "Name (e.g. On hold):")
            if not ok or not name.strip():
                return False
            code = "-".join(name.lower().split())
        try:
            self.desk.statuses.add(code, name or code)
        except OrderDeskError as e:
            self.ui.error(self, "Status not added", str(e))
            return False
        self._reload_keeping_ticks()
        return True

    def rename_status(self, name: str = "") -> bool:
        item = self.list.currentItem()
        if item is None:
            return False
        code = item.data(Qt.ItemDataRole.UserRole)
        if not name:
            name, ok = QInputDialog.getText(self, "Rename status", f"New name of '{code}':",
                                            text=self.desk.statuses.name(code))
            if not ok or not name.strip():
                return False
        try:
            self.desk.statuses.rename(code, name)
        except OrderDeskError as e:
            self.ui.error(self, "Status not renamed", str(e))
            return False
        self._reload_keeping_ticks()
        return True

    def _reload_keeping_ticks(self) -> None:
        old, pending = set(self.codes), self.pairs()  # unsaved ticks survive a reload
        row = self.list.currentRow()
        self.load()
        for a in self.codes:
            for b in self.codes:
                if a != b and a in old and b in old:
                    self.set_allowed(a, b, (a, b) in pending)
        self.list.setCurrentRow(row)
