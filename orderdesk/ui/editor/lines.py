"""Line operations of the editor: add, insert, delete, duplicate, move, copy and paste."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QGuiApplication

from orderdesk.core.docs import Line
from orderdesk.core.fields import new_uuid
from orderdesk.core.paste import lines_to_tsv, parse_tsv
from orderdesk.ui.editor.document import EditorDocument
from orderdesk.ui.editor.grid import Grid


def blank_line() -> Line:
    return Line(item_code="", quantity=Decimal(1), id=new_uuid())


class LineOps:
    """What the Lines menu does, on the document through undoable commands."""

    def __init__(self, doc: EditorDocument, grid: Grid, lookup: Callable[[str], Any],
                 report: Callable[[str, str], None]) -> None:
        self.doc, self.grid, self.lookup, self.report = doc, grid, lookup, report

    @property
    def model(self) -> Any:
        return self.doc.lines

    def current_row(self) -> int:
        return self.grid.currentIndex().row()

    def selected(self) -> list[Line]:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        if not rows and self.current_row() >= 0:
            rows = [self.current_row()]
        return [self.model.obj(r) for r in rows]

    def _focus(self, row: int, col: int = 0, edit: bool = False) -> None:
        ix = self.model.index(row, col)
        self.grid.selectionModel().setCurrentIndex(
            ix, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.setFocus()
        if edit:
            self.grid.edit(ix)

    def add(self) -> bool:
        if not self.doc.editable("line"):
            return False
        row = self.model.rowCount()
        self.doc.insert("line", row, [blank_line()], "Add line")
        self._focus(row)
        return True

    def insert(self) -> None:
        if not self.doc.editable("line"):
            return
        row = max(0, self.current_row())
        self.doc.insert("line", row, [blank_line()], "Insert line")
        self._focus(row, edit=True)

    def delete(self) -> None:
        lines = self.selected()
        if lines:
            n = len(lines)
            row = self.doc.row_of("line", lines[0])
            self.doc.remove("line", lines, f"Delete {n} line{'s' if n != 1 else ''}")
            if self.model.rowCount():
                self._focus(min(row, self.model.rowCount() - 1))

    def duplicate(self) -> None:
        row = self.current_row()
        if row < 0 or not self.doc.editable("line"):
            return
        dup = copy.deepcopy(self.model.obj(row))
        dup.id, dup.position, dup.reserved = new_uuid(), None, Decimal(0)
        self.doc.insert("line", row + 1, [dup], "Duplicate line")
        self._focus(row + 1, self.grid.currentIndex().column())

    def move(self, delta: int) -> None:
        row, col = self.current_row(), self.grid.currentIndex().column()
        if row < 0:
            return
        to = row + delta
        if 0 <= to < self.model.rowCount():
            self.doc.move("line", self.model.obj(row), to)
            self._focus(to, col)

    def copy(self) -> str:
        text = lines_to_tsv(self.selected())
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> int:
        """Rows from a spreadsheet become new lines after the current one: one undo step."""
        if not self.doc.editable("line"):
            return 0
        if text is None:
            text = QGuiApplication.clipboard().text()
        result = parse_tsv(text)
        lines = []
        for line in result.lines:
            line.id = new_uuid()
            item = self.lookup(line.item_code)
            line.in_catalogue = item is not None
            if item is not None:  # cells left empty take the catalogue's values
                line.description = line.description or item.description
                if not line.unit_price and item.price:
                    line.unit_price = item.price
                if not line.taxes:
                    line.taxes = list(item.taxes)
            lines.append(line)
        if lines:
            row = self.current_row() + 1 if self.current_row() >= 0 else self.model.rowCount()
            # a trailing blank line (Enter pressed before pasting) is replaced, not kept
            cur = self.model.obj(row - 1) if row > 0 else None
            with self.doc.macro(f"Paste {len(lines)} line{'s' if len(lines) != 1 else ''}"):
                if cur is not None and _blank(cur):
                    self.doc.remove("line", [cur])
                    row -= 1
                self.doc.insert("line", row, lines)
            self._focus(row)
            self.grid.selectionModel().select(
                self.model.index(row + len(lines) - 1, self.model.columnCount() - 1),
                QItemSelectionModel.SelectionFlag.Select)
        if result.errors:
            shown = [f"row {e.row}, {e.column} “{e.value}”: {e.reason}" for e in result.errors]
            self.report("Some rows were not pasted",
                        f"{len(lines)} line{'s' if len(lines) != 1 else ''} pasted; these cells "
                        "need fixing in the source:\n" + "\n".join(shown[:30]))
        return len(lines)


def _blank(line: Line) -> bool:
    return not line.item_code and not line.description and not line.unit_price


__all__ = ["LineOps", "blank_line"]
