"""Item models of the editor: the lines grid and the party tables, editing through undo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import (
    QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from orderdesk.core.docs import Line
from orderdesk.core.money import line_amounts
from orderdesk.ui.editor.columns import LINE_COLUMNS, PARTY_COLUMNS, Col, edit_text, parse, show_text
from orderdesk.ui.editor.commands import Bad

if TYPE_CHECKING:
    from orderdesk.ui.editor.document import EditorDocument

Index = QModelIndex | QPersistentModelIndex
R = Qt.ItemDataRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
BAD_BRUSH = QBrush(QColor("#f8d7da"))
BAD_TEXT = QBrush(QColor("#8b0000"))
FIGURE_BRUSH = QBrush(QColor(0, 0, 0, 10))
_NUMERIC = ("qty", "price", "money", "percent")
LINE_MIME = "application/x-orderdesk-line-rows"
_ANSWERED = frozenset((R.DisplayRole, R.EditRole, R.CheckStateRole, R.BackgroundRole,
                       R.ForegroundRole, R.ToolTipRole))


class RecordsModel(QAbstractTableModel):
    """One list of the document (addresses, payments…): a row per record, a column per field."""

    def __init__(self, doc: EditorDocument, kind: str) -> None:
        super().__init__(doc)
        self.doc, self.kind = doc, kind
        self.columns: tuple[Col, ...] = PARTY_COLUMNS.get(kind, ())
        self._shown: dict[tuple[str, str, str], str] = {}  # (kind, value, currency) → text

    # ---- reading ----
    def rows(self) -> list[Any]:
        return self.doc.records(self.kind)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = R.DisplayRole
                   ) -> Any:
        if role != R.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def obj(self, row: int) -> Any:
        return self.rows()[row]

    def data(self, index: Index, role: int = R.DisplayRole) -> Any:
        # Painting asks ~7 roles of every visible cell: the cheap answers come first.
        rows, r, c = self.rows(), index.row(), index.column()
        if not 0 <= r < len(rows) or not 0 <= c < len(self.columns):
            return None
        col = self.columns[c]
        if role == R.TextAlignmentRole:
            return RIGHT if col.kind in _NUMERIC else LEFT
        if role not in _ANSWERED:
            return None
        value = self.doc.raw_value(rows[r], col.field)
        if role == R.DisplayRole:
            return self.show(col, value)
        if role == R.EditRole:
            return edit_text(col, value)
        if role == R.CheckStateRole:
            if col.kind != "bool":
                return None
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if isinstance(value, Bad):
            if role == R.BackgroundRole:
                return BAD_BRUSH
            if role == R.ForegroundRole:
                return BAD_TEXT
            if role == R.ToolTipRole:
                return f"{col.title}: {value.reason}"
        return None

    def show(self, col: Col, value: Any) -> str:
        """A cell's text; numbers are formatted once per distinct value (babel is slow)."""
        currency = self.doc.order.currency
        if col.kind not in _NUMERIC or isinstance(value, Bad) or value is None:
            return show_text(col, value, self.doc.fmt, currency)
        key = (col.kind, str(value), currency)
        text = self._shown.get(key)
        if text is None:
            if len(self._shown) > 20000:
                self._shown.clear()
            text = self._shown[key] = show_text(col, value, self.doc.fmt, currency)
        return text

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.doc.editable(self.kind) and index.column() < len(self.columns):
            col = self.columns[index.column()]
            f |= Qt.ItemFlag.ItemIsUserCheckable if col.kind == "bool" else Qt.ItemFlag.ItemIsEditable
        return f

    # ---- editing: every change is an undo command ----
    def setData(self, index: Index, value: Any, role: int = R.EditRole) -> bool:
        if not index.isValid() or not self.flags(index) & (
                Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable):
            return False
        if value is None:
            return False  # a view clearing cells (setItemData with empty values)
        col = self.columns[index.column()]
        obj = self.obj(index.row())
        if role == R.CheckStateRole and col.kind == "bool":
            new: Any = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == R.EditRole:
            old = getattr(obj, col.field)
            new = parse(col, str(value), old if col.kind == "taxes" else None)
        else:
            return False
        self.set_value(obj, col, new)
        return True

    def set_value(self, obj: Any, col: Col, new: Any) -> None:
        self.doc.set(self.kind, obj, col.field, new,
                     text=f"Edit {col.title.lower()}")

    # ---- called by the document while a command runs ----
    def record_changed(self, obj: Any) -> None:
        row = self.doc.row_of(self.kind, obj)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)

    def insert(self, row: int, objs: Sequence[Any]) -> None:
        rows = self.rows()
        row = max(0, min(row, len(rows)))
        self.beginInsertRows(QModelIndex(), row, row + len(objs) - 1)
        rows[row:row] = list(objs)
        self.endInsertRows()

    def remove(self, objs: Sequence[Any]) -> None:
        rows = self.rows()
        for o in objs:
            r = self.doc.row_of(self.kind, o)
            if r < 0:
                continue
            self.beginRemoveRows(QModelIndex(), r, r)
            del rows[r]
            self.endRemoveRows()

    def move(self, obj: Any, to: int) -> None:
        rows = self.rows()
        src = self.doc.row_of(self.kind, obj)
        if src < 0 or src == to:
            return
        # Qt's destination is the row the item goes *before*, counted before the move.
        dest = to + 1 if to > src else to
        self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), dest)
        rows.insert(to, rows.pop(src))
        self.endMoveRows()

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def repaint_changed(self, old: Sequence[Any]) -> None:
        """The rows are the same records as `old` (now other objects): the cells of those
        whose values differ repaint; a save that changed no line repaints no line."""
        rows = self.rows()
        changed = [i for i, (a, b) in enumerate(zip(old, rows)) if a != b]
        if changed:
            first, last = changed[0], changed[-1]
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(last, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, first, last)


class LinesModel(RecordsModel):
    """The lines grid: editable fields, then the live line figures (the core's rounding)."""

    FIGURES = ("Subtotal", "Tax", "Total")

    def __init__(self, doc: EditorDocument) -> None:
        super().__init__(doc, "line")
        self.columns = LINE_COLUMNS
        self.lookup: Any = None  # item code → ItemDoc | None, set by the editor
        self.stock: Any = None  # stock flags (orderdesk.ui.inventory.editor_hook)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns) + len(self.FIGURES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = R.DisplayRole
                   ) -> Any:
        if (role == R.DisplayRole and orientation == Qt.Orientation.Horizontal
                and len(self.columns) <= section < self.columnCount()):
            return self.FIGURES[section - len(self.columns)]
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = R.DisplayRole) -> Any:
        c, r = index.column(), index.row()
        if not 0 <= r < self.rowCount():
            return None
        if c < len(self.columns):
            line: Line = self.obj(r)
            if self.stock is not None:
                flag = self.stock.data(line, self.columns[c].field, role)
                if flag is not None:
                    return flag
            if role == R.ToolTipRole and c == 1 and line.description and not isinstance(
                    self.doc.raw_value(line, "description"), Bad):
                return line.description  # the column is narrower than most descriptions
            if c == 0 and not line.in_catalogue and not isinstance(
                    self.doc.raw_value(line, "item_code"), Bad):
                if role == R.ToolTipRole:
                    return "Not in the catalogue (a free line)"
                if role == R.FontRole:
                    f = QFont()
                    f.setItalic(True)
                    return f
            return super().data(index, role)
        if role == R.TextAlignmentRole:
            return RIGHT
        if role == R.DisplayRole and c < self.columnCount():
            line = self.obj(r)
            a = line_amounts(line, self.doc.order.currency)
            value = (a.subtotal, a.tax, a.total)[c - len(self.columns)]
            return self.doc.fmt.money(value, self.doc.order.currency)
        if role == R.BackgroundRole:
            return FIGURE_BRUSH  # computed: visibly not a field
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Drops land between rows (the root takes them), never on a line.
            return (Qt.ItemFlag.ItemIsDropEnabled if self.doc.editable("line")
                    else Qt.ItemFlag.NoItemFlags)
        f = super().flags(index)
        if self.doc.editable("line"):
            f |= Qt.ItemFlag.ItemIsDragEnabled
        return f

    def set_value(self, line: Any, col: Col, new: Any) -> None:
        if col.field != "item_code" or isinstance(new, Bad) or self.lookup is None:
            super().set_value(line, col, new)
            return
        item = self.lookup(new)
        if self.doc.raw_value(line, "item_code") == new:
            return
        with self.doc.macro(f"Item {new}"):
            self.doc.set("line", line, "item_code", new)
            self.doc.set("line", line, "in_catalogue", item is not None)
            if item is not None:  # the catalogue fills the rest; the user may change it after
                for field, value in (("description", item.description), ("unit", item.unit),
                                     ("unit_price", item.price), ("taxes", list(item.taxes))):
                    self.doc.set("line", line, field, value)

    # ---- drag to reorder ----
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [LINE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes})
        data = QMimeData()
        data.setData(LINE_MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        if (action != Qt.DropAction.MoveAction or not data.hasFormat(LINE_MIME)
                or not self.doc.editable("line")):
            return False
        rows = [int(x) for x in bytes(data.data(LINE_MIME).data()).decode().split(",") if x]
        target = row if row >= 0 else (parent.row() if parent.isValid() else self.rowCount())
        objs = [self.obj(r) for r in rows]
        with self.doc.macro("Move lines"):
            for o in objs:
                src = self.doc.row_of("line", o)
                to = target - 1 if src < target else target
                self.doc.move("line", o, max(0, min(to, self.rowCount() - 1)))
                target = self.doc.row_of("line", o) + 1
        # The view would remove the "moved" source rows next: our removeRows refuses.
        return True
