"""The editor's tables: cell delegates (completion, choices, validated numbers) and key handling."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRegularExpression, Qt
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QCompleter, QHeaderView, QLineEdit, QStyledItemDelegate,
    QStyleOptionViewItem, QTableView, QWidget,
)

from orderdesk.ui.editor.models import RecordsModel

Index = QModelIndex | QPersistentModelIndex
# Digits, signs, separators, spaces and % — letters never belong in a number cell.
_NUMBER_CHARS = QRegularExpression(r"[-+0-9.,\s'%\x{00a0}]*")


class CellDelegate(QStyledItemDelegate):
    """Editors by column kind; the model parses and marks bad values with their reason."""

    def __init__(self, items: Callable[[], list[tuple[str, str]]] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._items = items
        self._item_model: QStandardItemModel | None = None

    def _col(self, index: Index) -> Any:
        model = index.model()
        if isinstance(model, RecordsModel) and index.column() < len(model.columns):
            return model.columns[index.column()]
        return None

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index
                     ) -> QWidget:
        col = self._col(index)
        if col is not None and col.kind == "choice":
            box = QComboBox(parent)
            box.addItems(list(col.choices))
            return box
        ed = QLineEdit(parent)
        ed.setFrame(False)
        if col is None:
            return ed
        if col.kind in ("qty", "price", "money", "percent"):
            ed.setValidator(QRegularExpressionValidator(_NUMBER_CHARS, ed))
            ed.setAlignment(Qt.AlignmentFlag.AlignRight)
        if col.max_len and col.kind == "text":
            ed.setMaxLength(col.max_len)
        if col.field == "item_code" and self._items is not None:
            comp = QCompleter(self._catalogue(), ed)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            comp.setFilterMode(Qt.MatchFlag.MatchStartsWith)
            ed.setCompleter(comp)
        if col.kind == "taxes":
            ed.setPlaceholderText("VAT 21%; Eco 0.5%")
            ed.setToolTip("Taxes as NAME RATE%, several separated by ;")
        if col.kind == "attrs":
            ed.setPlaceholderText("key=value; key=value")
        return ed

    def _catalogue(self) -> QStandardItemModel:
        # Built once per editor on first use: opening an order never waits for it.
        if self._item_model is None:
            m = QStandardItemModel(self)
            for code, desc in self._items() if self._items else []:
                it = QStandardItem(code)
                it.setToolTip(desc)
                m.appendRow(it)
            self._item_model = m
        return self._item_model

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())
        else:
            super().setModelData(editor, model, index)


class Grid(QTableView):
    """A spreadsheet-like table: F2 or typing edits, Escape cancels, Enter goes down.

    Enter on the last row asks `add_row` for a new record and starts editing it.
    """

    def __init__(self, model: RecordsModel, delegate: CellDelegate, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.add_row: Callable[[], bool] | None = None
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.horizontalHeader()
        em = self.fontMetrics().averageCharWidth()
        for i, col in enumerate(model.columns):
            hh.resizeSection(i, max(col.width, len(col.title) + 1) * em + 14)
        hh.setStretchLastSection(True)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key = e.key()
        if (key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.state() != QAbstractItemView.State.EditingState
                and not e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            m = self.model()
            cur = self.currentIndex()
            if not cur.isValid() or cur.row() >= m.rowCount() - 1:
                if self.add_row is not None and self.add_row():
                    ix = m.index(m.rowCount() - 1, 0)
                    self.setCurrentIndex(ix)
                    self.edit(ix)
                return
            self.setCurrentIndex(m.index(cur.row() + 1, cur.column()))
            return
        super().keyPressEvent(e)

    def focusInEvent(self, e: Any) -> None:
        super().focusInEvent(e)
        m = self.model()
        if not self.currentIndex().isValid() and m.rowCount():
            self.setCurrentIndex(m.index(0, 0))


__all__ = ["CellDelegate", "Grid"]
