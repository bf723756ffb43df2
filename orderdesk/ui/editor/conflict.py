"""The dialog a save meets when someone else saved first: their changes beside mine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from orderdesk.core.errors import ConflictError
from orderdesk.core.merge import MergeResult
from orderdesk.core.money import format_taxes, plain

RELOAD, KEEP_MINE, MERGE = "reload", "keep_mine", "merge"
_CLASH = QBrush(QColor("#f8d7da"))


def value_text(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        return plain(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list) and all(hasattr(t, "rate") for t in v):
        return format_taxes(v) or "(none)"
    if hasattr(v, "item_code"):
        return f"{v.item_code} × {plain(v.quantity)} {v.unit}"
    if hasattr(v, "kind") and not isinstance(v, str):
        return f"{v.kind} {getattr(v, 'label', '') or getattr(v, 'value', '') or getattr(v, 'name', '')}".strip()
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return str(v) if v != "" else "(empty)"


class ConflictDialog(QDialog):
    """Lists every changed field: what it was, yours, theirs; clashes are highlighted.

    `choice` becomes RELOAD, KEEP_MINE or MERGE (merge only when nothing clashes).
    """

    def __init__(self, error: ConflictError, result: MergeResult,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflict_dialog")
        self.setWindowTitle("Someone else saved this order")
        self.result = result
        self.choice: str | None = None
        lay = QVBoxLayout(self)
        who = error.changed_by or "someone"
        when = error.changed_at.astimezone().strftime("%Y-%m-%d %H:%M") if error.changed_at else ""
        head = QLabel(f"<b>{who}</b> saved this order {('at ' + when) if when else ''} after you "
                      f"opened it (version {error.actual_version}, yours was "
                      f"{error.expected_version}). Nothing has been overwritten.")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = QTableWidget(0, 5, objectName="conflict_table")
        self.table.setHorizontalHeaderLabels(["Where", "Field", "Before", "Yours", "Theirs"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self._fill()
        n = len(result.conflicts)
        note = QLabel(f"{n} field{'s' if n != 1 else ''} changed on both sides (red): merging "
                      "is not possible; reload or keep yours." if n else
                      "You and they changed different things: Merge keeps both.")
        note.setWordWrap(True)
        lay.addWidget(note)
        box = QDialogButtonBox()
        self.reload_button = QPushButton("&Reload theirs (drop mine)")
        self.keep_button = QPushButton("&Keep mine (overwrite theirs)")
        self.merge_button = QPushButton("&Merge both")
        self.merge_button.setEnabled(result.merged is not None)
        for b, choice in ((self.merge_button, MERGE), (self.keep_button, KEEP_MINE),
                          (self.reload_button, RELOAD)):
            box.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
            b.clicked.connect(lambda _c=False, ch=choice: self._choose(ch))
        box.addButton(QDialogButtonBox.StandardButton.Cancel)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        (self.merge_button if result.merged is not None else self.reload_button).setDefault(True)
        self.resize(900, 480)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def _fill(self) -> None:
        rows: dict[tuple[str, str, str], list[Any]] = {}
        for side, changes in ((3, self.result.mine_changes), (4, self.result.their_changes)):
            for c in changes:
                key = (c.entity, c.entity_id or c.label, c.field)
                row = rows.setdefault(key, [c.label, _field_name(c.field, c.kind), c.old,
                                            None, None, False])
                row[side] = c.new if c.kind != "removed" else "(removed)"
        clashes = {(c.entity, c.entity_id or c.label, c.field) for c in self.result.conflicts}
        self.table.setRowCount(len(rows))
        for r, (key, (where, field, old, mine, theirs, _x)) in enumerate(rows.items()):
            clash = key in clashes or (key[0], key[1], "") in clashes
            for c, text in enumerate((where, field, value_text(old),
                                      "(unchanged)" if mine is None else value_text(mine),
                                      "(unchanged)" if theirs is None else value_text(theirs))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if clash:
                    item.setBackground(_CLASH)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)


def _field_name(field: str, kind: str) -> str:
    if not field:
        return kind
    if field.startswith("attribute:"):
        return f"attribute {field.split(':', 1)[1]}"
    return field.replace("_", " ")


__all__ = ["ConflictDialog", "KEEP_MINE", "MERGE", "RELOAD", "value_text"]
