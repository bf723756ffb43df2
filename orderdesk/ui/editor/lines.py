"""Line operations of the editor: add, insert, delete, duplicate, move, copy and paste."""

from __future__ import annotations

import copy
import csv
import io
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QGuiApplication

from orderdesk.core.docs import Line
from orderdesk.core.fields import new_uuid
from orderdesk.core.paste import COLUMNS, CellError, PasteResult, lines_to_tsv, parse_tsv
from orderdesk.ui.editor.columns import LINE_COLUMNS, parse
from orderdesk.ui.editor.commands import Bad
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
        """Rows from a spreadsheet become new lines after the current one: one undo step.

        A row with bad cells comes in too, each bad cell marked with its reason (saving
        waits until they are fixed), so nothing the customer sent is left behind unseen.
        """
        if not self.doc.editable("line"):
            return 0
        if text is None:
            text = QGuiApplication.clipboard().text()
        result = parse_tsv(text)
        rows = [(n, line, {}) for n, line in zip(result.rows, result.lines)]
        rows += bad_rows(text, result)
        rows.sort(key=lambda r: r[0])
        lines = []
        for _n, line, bad in rows:
            line.id = new_uuid()
            item = None if "item_code" in bad else self.lookup(line.item_code)
            line.in_catalogue = item is not None
            if item is not None:  # cells left empty take the catalogue's values
                line.description = line.description or item.description
                if not line.unit_price and item.price and "unit_price" not in bad:
                    line.unit_price = item.price
                if not line.taxes and "taxes" not in bad:
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
                for _n, line, bad in rows:
                    for field, mark in bad.items():
                        self.doc.set("line", line, field, mark)
            self._focus(row)
            self.grid.selectionModel().select(
                self.model.index(row + len(lines) - 1, self.model.columnCount() - 1),
                QItemSelectionModel.SelectionFlag.Select)
            self._show_first_bad(row, rows)
        unplaced = [e for e in result.errors
                    if e.column not in COLUMNS or (result.header and e.row == 1)]
        if unplaced:  # a header or extra cells: nothing in the grid to mark
            shown = [f"row {e.row}, {e.column} “{e.value}”: {e.reason}" for e in unplaced]
            self.report("Some cells were not pasted",
                        f"{len(lines)} line{'s' if len(lines) != 1 else ''} pasted; these "
                        "cells had no column to go in:\n" + "\n".join(shown[:30]))
        return len(lines)

    def _show_first_bad(self, row: int, rows: list[tuple[int, Line, dict[str, Bad]]]) -> None:
        """The cursor goes to the first marked cell: fixing starts there."""
        fields = [c.field for c in self.model.columns]
        for i, (_n, _line, bad) in enumerate(rows):
            if bad:
                col = min(fields.index(f) for f in bad)
                self._focus(row + i, col)
                return


def bad_rows(text: str, result: PasteResult) -> list[tuple[int, Line, dict[str, Bad]]]:
    """The pasted rows the parser refused, as lines with their bad cells marked.

    Every cell the parser named is a mark with its reason; the row's other cells are read
    by the grid's own column rules, so the line is what typing the row would give.
    """
    errors: dict[int, list[CellError]] = {}
    for e in result.errors:
        if not (result.header and e.row == 1):
            errors.setdefault(e.row, []).append(e)
    cells_of = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    by_field = {c.field: c for c in LINE_COLUMNS}
    out = []
    for n, errs in sorted(errors.items()):
        cells = cells_of[n - 1] if 0 < n <= len(cells_of) else []
        values = {col: cells[i] for i, col in enumerate(result.columns)
                  if col is not None and i < len(cells)}
        bad = {e.column: Bad(e.value, e.reason) for e in errs if e.column in COLUMNS}
        line = Line(item_code="", quantity=Decimal(1))
        for field in COLUMNS:
            raw = values.get(field, "")
            if field in bad or not raw.strip():
                continue
            value = parse(by_field[field], raw)
            if isinstance(value, Bad):
                bad[field] = value
            else:
                setattr(line, field, value)
        if "quantity" in bad:
            line.quantity = Decimal(0)  # the totals count no guess while the cell is bad
        out.append((n, line, bad))  # no mark: only cells beyond the columns were wrong
    return out


def _blank(line: Line) -> bool:
    return not line.item_code and not line.description and not line.unit_price


__all__ = ["LineOps", "blank_line"]
