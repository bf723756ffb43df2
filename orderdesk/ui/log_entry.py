"""Add a log entry to an order: title, description, optionally a file attached with it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.filetypes import Refused
from orderdesk.core.intake import attach_one, read_limited
from orderdesk.ui.attachments.confirm import TypeChooser
from orderdesk.ui.attachments.intake import suggest
from orderdesk.ui.attachments.panel import FILE_FILTER


class LogEntryDialog(QDialog):
    """Writes on OK; stays open with the reason when the title is missing or the file refused.

    Actor and time are filled in by the core's transaction.
    """

    def __init__(self, desk: Desk, order: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("log_entry")
        self.desk, self.order = desk, order
        number = desk.orders.get(order).number
        self.setWindowTitle(f"Log entry — order {number}")
        form = QFormLayout(self)
        self.title = QLineEdit(objectName="log_title")
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("e.g. Called the customer")
        self.description = QPlainTextEdit(objectName="log_description")
        self.description.setTabChangesFocus(True)
        self.file_label = QLabel("No file", objectName="log_file")
        pick = QPushButton("Choose file…")
        pick.clicked.connect(self._pick)
        self.clear_file = QPushButton("No file")
        self.clear_file.clicked.connect(lambda: self.set_file(None))
        row = QHBoxLayout()
        row.addWidget(self.file_label, 1)
        row.addWidget(pick)
        row.addWidget(self.clear_file)
        self.kind = TypeChooser("Custom", "")
        self.message = QLabel(objectName="log_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b21818;")
        form.addRow("Title:", self.title)
        form.addRow("Description:", self.description)
        form.addRow("Attachment:", row)
        form.addRow("Type:", self.kind)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add entry")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.path: str | None = None
        self.attachment_id: str | None = None
        self.set_file(None)
        self.resize(520, 360)

    def _pick(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Attach a file", "", FILE_FILTER)
        if path:
            self.set_file(path)

    def set_file(self, path: str | None) -> None:
        self.path = path
        self.file_label.setText(Path(path).name if path else "No file")
        self.clear_file.setEnabled(path is not None)
        self.kind.setEnabled(path is not None)
        if path:
            self.kind.set_type(*suggest(Path(path).name))

    def save(self) -> bool:
        """Stores the file (if any) and the entry; False with the reason shown otherwise."""
        title = self.title.text().strip()
        if not title:
            self.message.setText("A log entry needs a title.")
            self.title.setFocus()
            return False
        try:
            if self.path and self.attachment_id is None:
                name = Path(self.path).name
                try:
                    data = read_limited(self.path)
                except Refused as e:
                    self.message.setText(f"{name} {e.reason}")
                    return False
                t, label = self.kind.value(fallback_label=Path(name).stem or "Document")
                out = attach_one(self.desk, name, data, order=self.order, type=t, label=label)
                if out.duplicate_of is not None:
                    self.attachment_id = out.duplicate_of.id  # the same file: point at it
                elif out.stored is None:
                    self.message.setText(out.message())
                    return False
                else:
                    self.attachment_id = out.stored.id
            self.desk.attachments.add_log(self.order, title, self.description.toPlainText(),
                                          attachment_id=self.attachment_id)
        except OrderDeskError as e:
            self.message.setText(str(e))
            return False
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()
