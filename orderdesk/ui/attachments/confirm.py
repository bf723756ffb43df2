"""The small dialogs of the attachment panel: confirm types of incoming files, rename, retype."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QLabel,
    QLineEdit, QScrollArea, QVBoxLayout, QWidget,
)

from orderdesk.core.docs import ATTACHMENT_TYPES
from orderdesk.ui.attachments.intake import Choice, Incoming, suggest

TYPE_TITLES = {"Invoice": "Invoice", "DeliveryNote": "Delivery note",
               "CreditNote": "Credit note", "Certificate": "Certificate",
               "Custom": "Other (give a label)"}


def type_title(type: str, label: str = "") -> str:
    if type == "Custom":
        return label or "Other"
    return TYPE_TITLES.get(type, type)


class TypeChooser(QWidget):
    """A type box plus the label a Custom type needs; the label field follows the type."""

    def __init__(self, type: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QHBoxLayout

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.box = QComboBox(objectName="type_box")
        for t in ATTACHMENT_TYPES:
            self.box.addItem(TYPE_TITLES[t], t)
        self.label = QLineEdit(label, objectName="label_edit")
        self.label.setPlaceholderText("label")
        self.label.setMaxLength(80)
        lay.addWidget(self.box)
        lay.addWidget(self.label, 1)
        self.box.currentIndexChanged.connect(self._follow)
        self.box.setCurrentIndex(max(0, self.box.findData(type)))
        self._follow()

    def _follow(self) -> None:
        self.label.setEnabled(self.type() == "Custom")

    def type(self) -> str:
        return str(self.box.currentData())

    def set_type(self, type: str, label: str = "") -> None:
        self.box.setCurrentIndex(max(0, self.box.findData(type)))
        if label:
            self.label.setText(label)

    def value(self, fallback_label: str) -> tuple[str, str]:
        t = self.type()
        return (t, (self.label.text().strip() or fallback_label)[:80]) if t == "Custom" else (t, "")


class ConfirmDialog(QDialog):
    """One row per incoming file, its type pre-filled by the name rules; Enter confirms all."""

    def __init__(self, items: list[Incoming], existing_names: set[str], *, lot: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm_attach")
        self.items = items
        n = len(items)
        self.setWindowTitle(f"Attach {n} file{'s' if n != 1 else ''}")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Check the type of each file, then press Enter. Files are checked "
                             "by their content when stored."))
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        self.choosers: list[TypeChooser] = []
        self.replace: list[QCheckBox | None] = []
        for i, item in enumerate(items):
            t, label = suggest(item.name, lot=lot)
            name = QLabel(item.name)
            name.setToolTip(item.path or item.name)
            grid.addWidget(name, i * 2, 0)
            ch = TypeChooser(t, label)
            self.choosers.append(ch)
            grid.addWidget(ch, i * 2, 1)
            box = None
            if item.name in existing_names:
                # SPEC: same name, other content is offered as a replacement (old kept in history).
                box = QCheckBox("replace the attachment of this name (kept in history)")
                box.setChecked(True)
                grid.addWidget(box, i * 2 + 1, 1)
            self.replace.append(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lay.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Attach")
        ok.setDefault(True)  # Enter anywhere in the dialog confirms the pre-filled types
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(620, min(560, 140 + 44 * n))
        if self.choosers:
            self.choosers[0].box.setFocus()

    def choices(self) -> list[Choice]:
        out = []
        for item, ch, box in zip(self.items, self.choosers, self.replace):
            t, label = ch.value(fallback_label=item.name.rsplit(".", 1)[0] or "Document")
            out.append(Choice(item, t, label, replace=box.isChecked() if box else True))
        return out


class EditDialog(QDialog):
    """Rename an attachment or change its type (one dialog, the field asked for has focus)."""

    def __init__(self, file_name: str, type: str, label: str, *, focus: str = "name",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("edit_attachment")
        self.setWindowTitle("Rename attachment" if focus == "name" else "Attachment type")
        form = QFormLayout(self)
        self.name = QLineEdit(file_name, objectName="name_edit")
        self.name.setMaxLength(255)
        self.kind = TypeChooser(type, label)
        form.addRow("File name:", self.name)
        form.addRow("Type:", self.kind)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if focus == "name":
            self.name.setFocus()
            stem = file_name.rsplit(".", 1)[0]
            self.name.setSelection(0, len(stem))  # as file managers do: the extension stays
        else:
            self.kind.box.setFocus()
        self.resize(480, 0)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def values(self) -> tuple[str, str, str]:
        t, label = self.kind.value(fallback_label=self.name.text().rsplit(".", 1)[0])
        return self.name.text().strip(), t, label
