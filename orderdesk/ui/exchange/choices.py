"""What to export and where: the format and scope dialog, and the file chooser tests replace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Format:
    key: str
    title: str  # the menu entry
    label: str  # in the export dialog
    suffix: str
    filter: str


FORMATS = {
    "csv": Format("csv", "Orders to &CSV…", "Orders to CSV (one table)", ".csv",
                  "CSV files (*.csv)"),
    "zip": Format("zip", "Orders and lines to &ZIP…",
                  "Orders and lines to ZIP (orders.csv and order-line-items.csv)", ".zip",
                  "ZIP archives (*.zip)"),
    "xlsx": Format("xlsx", "Orders and lines to &XLSX…",
                   "Orders and lines to XLSX (Excel, LibreOffice: Orders, Lines, Totals sheets)",
                   ".xlsx", "Excel workbooks (*.xlsx)"),
}
SCOPES = ("company", "filter", "selection")
IMPORT_FILTER = "Orders and lines (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"


W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """The widget with an object name (tests and style sheets find it by that name)."""
    widget.setObjectName(name)
    return widget


class ExportDialog(QDialog):
    """Format and scope of an export, with the number of orders each scope holds."""

    def __init__(self, parent: QWidget | None, fmt: str, scope: str,
                 counts: dict[str, int], view_title: str) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export orders")
        lay = QVBoxLayout(self)
        box = QGroupBox("Format")
        bl = QVBoxLayout(box)
        self.formats = QButtonGroup(self)
        for f in FORMATS.values():
            b = named(QRadioButton(f.label), f"format_{f.key}")
            b.setChecked(f.key == fmt)
            bl.addWidget(b)
            self.formats.addButton(b)
            b.setProperty("key", f.key)
        lay.addWidget(box)

        box = QGroupBox("Orders")
        bl = QVBoxLayout(box)
        self.scopes = QButtonGroup(self)
        texts = {"company": "Every order of the company",
                 "filter": f"The orders on the list ({view_title})",
                 "selection": "The selected orders"}
        for key in SCOPES:
            n = counts.get(key, 0)
            text = f"{texts[key]} — {n:,} {'order' if n == 1 else 'orders'}"
            b = named(QRadioButton(text), f"scope_{key}")
            b.setProperty("key", key)
            b.setEnabled(key != "selection" or n > 0)
            b.setChecked(key == scope and b.isEnabled())
            bl.addWidget(b)
            self.scopes.addButton(b)
        if self.scopes.checkedButton() is None:
            self.scopes.buttons()[1].setChecked(True)
        lay.addWidget(box)
        note = QLabel("Deleted orders are exported only from the Deleted view.")
        note.setEnabled(False)  # a hint, drawn greyed
        lay.addWidget(note)

        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = bb.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)

    def choose(self, fmt: str | None = None, scope: str | None = None) -> None:
        """Ticks a format and/or a scope (as a click would)."""
        for group, key in ((self.formats, fmt), (self.scopes, scope)):
            for b in group.buttons():
                if key is not None and b.property("key") == key:
                    b.setChecked(True)

    def choice(self) -> tuple[str, str]:
        """(format, scope); one of each is always ticked."""
        f, s = self.formats.checkedButton(), self.scopes.checkedButton()
        assert f is not None and s is not None
        return str(f.property("key")), str(s.property("key"))


class FileChooser:
    """Asks for file names through QFileDialog; tests put a chooser that answers itself."""

    def save_path(self, parent: QWidget | None, title: str, suggested: str,
                  filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return path or None

    def open_paths(self, parent: QWidget | None, title: str, directory: str,
                   filters: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, title, directory, filters)
        return list(paths)


def with_suffix(path: str, suffix: str) -> str:
    """Adds the format's suffix to a name typed without one (`orders` → `orders.csv`)."""
    p = Path(path)
    return path if p.suffix else str(p.with_name(p.name + suffix))
