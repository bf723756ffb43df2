"""The attachments of one order or lot as a table: type, name, size, uploader, MD5, check."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from orderdesk.core.attachments import AttachmentInfo
from orderdesk.ui.attachments.confirm import type_title

Index = QModelIndex | QPersistentModelIndex
# The check comes before the long MD5: a damaged file must show without scrolling.
COLUMNS = ("Type", "Name", "Size", "Uploaded by", "Uploaded at", "Check", "MD5")
C_TYPE, C_NAME, C_SIZE, C_BY, C_AT, C_CHECK, C_MD5 = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole + 1
DAMAGED_ROLE = Qt.ItemDataRole.UserRole + 2
DAMAGED = QColor(178, 24, 24)
REMOVED = QColor(128, 128, 128)


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.2f} MB"


class AttachmentModel(QAbstractTableModel):
    """Rows of AttachmentInfo plus what the MD5 check found; never says "ok" unchecked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AttachmentInfo] = []
        # uid → "" (content matches its MD5) or the failure text; absent = not checked yet.
        self.checked: dict[str, str] = {}

    def set_rows(self, rows: list[AttachmentInfo]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        keep = {a.id for a in rows}
        self.checked = {k: v for k, v in self.checked.items() if k in keep}
        self.endResetModel()

    def set_checked(self, results: dict[str, str]) -> None:
        self.checked.update(results)
        for r, a in enumerate(self.rows):
            if a.id in results:
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    def forget_checks(self) -> None:
        self.checked.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0, C_CHECK), self.index(len(self.rows) - 1, C_CHECK))

    def info(self, row: int) -> AttachmentInfo | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, uid: str) -> int | None:
        return next((r for r, a in enumerate(self.rows) if a.id == uid), None)

    def damaged(self, uid: str) -> str:
        return self.checked.get(uid, "")

    def check_text(self, a: AttachmentInfo) -> str:
        state = self.checked.get(a.id)
        if state is None:
            text = "checking…"
        elif state:
            text = "DAMAGED"  # the tooltip and the details line say what does not match
        else:
            text = "MD5 ok"
        if a.verdict and not state:
            text += f" · PDF {a.verdict}"
        if not a.active:
            text = "removed · " + text
        return text

    # ---- Qt ----
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return super().headerData(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        # Dragging a row out gives the file (the view builds the drag from a temp copy).
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        a, c = self.rows[index.row()], index.column()
        bad = self.checked.get(a.id, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, c)
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == C_CHECK:
                return bad or self.check_text(a)
            if c == C_SIZE:
                return f"{a.size:,} bytes"
            if c == C_NAME:
                return f"{a.file_name}\n{a.media_type}"
            return self._display(a, c)
        if role == Qt.ItemDataRole.ForegroundRole:
            if bad:
                return QBrush(DAMAGED)
            if not a.active:
                return QBrush(REMOVED)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if c == C_MD5:
                f = QFont("monospace")
                f.setStyleHint(QFont.StyleHint.Monospace)
                f.setStrikeOut(False)
                return f
            if bad and c == C_CHECK:
                f = QFont()
                f.setBold(True)
                return f
            if not a.active:
                f = QFont()
                f.setStrikeOut(c == C_NAME)
                f.setItalic(True)
                return f
            return None
        if role == Qt.ItemDataRole.DecorationRole and c == C_CHECK and bad:
            # An icon stays visible on a selected row, where the red text colour does not.
            from PySide6.QtWidgets import QApplication, QStyle

            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) \
                if c == C_SIZE else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return a.id
        if role == DAMAGED_ROLE:
            return bool(bad)
        return None

    def _display(self, a: AttachmentInfo, c: int) -> str:
        if c == C_TYPE:
            return type_title(a.type, a.label)
        if c == C_NAME:
            return a.file_name
        if c == C_SIZE:
            return human_size(a.size)
        if c == C_BY:
            return a.uploaded_by
        if c == C_AT:
            return a.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M") if a.uploaded_at else ""
        if c == C_MD5:
            return a.md5
        return self.check_text(a)
