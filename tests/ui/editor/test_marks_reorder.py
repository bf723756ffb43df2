"""Pasted rows with bad cells come in marked; lines reorder by drag and drop, undoably."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QModelIndex, Qt

from orderdesk.core import Desk
from orderdesk.ui.editor.models import BAD_BRUSH, LINE_MIME
from orderdesk.ui.editor.window import OrderEditor

from ..conftest import Answers
from .conftest import sample_order

R = Qt.ItemDataRole
ROWS = ("A-1\tfirst\t2\r\n"
        "B-2\tsecond\tlots\r\n"
        "\tthird\t1,234\t\t1.5\t150\r\n"
        "BOLT-M12\t\t4\r\n")


def test_pasted_rows_with_bad_cells_are_marked_and_block_saving(
        open_editor: Callable[..., OrderEditor], edesk: Desk, answers: Answers) -> None:
    e = open_editor(None)
    e.header.customer.setText("C2")
    e.header.customer.editingFinished.emit()
    assert e.ops.paste(ROWS) == 4  # every row came in, in the sheet's order
    m, d = e.doc.lines, e.doc
    assert [m.obj(i).item_code for i in range(4)] == ["A-1", "B-2", "", "BOLT-M12"]
    qty = m.index(1, 2)
    assert m.data(qty) == "lots" and "is not a number" in m.data(qty, R.ToolTipRole)
    assert m.data(qty, R.BackgroundRole) is BAD_BRUSH
    assert "is required" in m.data(m.index(2, 0), R.ToolTipRole)
    assert "ambiguous" in m.data(m.index(2, 2), R.ToolTipRole)
    assert "must not exceed 100" in m.data(m.index(2, 5), R.ToolTipRole)
    assert m.data(m.index(2, 4)) == "€1.50"  # the row's good cells are read as typed
    assert m.obj(3).description == "Hex bolt M12"  # a clean row still takes the catalogue's
    assert not answers.errors  # marked at the cells, no message box
    assert (e.grid.currentIndex().row(), e.grid.currentIndex().column()) == (1, 2)
    e._show_totals()
    assert "Line 2: quantity “lots”: 'lots' is not a number" in e.problems_label.text()
    assert not e.save() and "Line 3: item code “”: is required" in answers.errors[-1]
    # the paste is one step: undo takes the rows and their marks, redo brings both back
    d.stack.undo()
    assert m.rowCount() == 0 and d.problems() == []
    d.stack.redo()
    assert m.rowCount() == 4 and len(d.problems()) == 4
    for row, col, text in ((1, 2, "5"), (2, 0, "C-3"), (2, 2, "1234"), (2, 5, "15")):
        m.setData(m.index(row, col), text)
    assert d.problems() == [] and e.save(), answers.errors
    stored = edesk.orders.get(e.doc.order.id)  # type: ignore[arg-type]
    assert [(ln.item_code, ln.quantity, ln.discount) for ln in stored.lines] == [
        ("A-1", 2, 0), ("B-2", 5, 0), ("C-3", 1234, 15), ("BOLT-M12", 4, 0)]


def test_cells_beyond_the_columns_are_reported(open_editor: Callable[..., OrderEditor],
                                               answers: Answers) -> None:
    e = open_editor(None)
    assert e.ops.paste("A-1\tfirst\t2\tpcs\t1\t0\tVAT 21%\tk=v\textra\n") == 1
    assert e.doc.problems() == []
    assert "row 1, column 9 “extra”" in answers.errors[-1]


def _drag(m: Any, rows: list[int], to: int) -> bool:
    """What the view does on a drop between rows: the model's mime data, then the drop."""
    data = m.mimeData([m.index(r, 0) for r in rows])
    assert m.canDropMimeData(data, Qt.DropAction.MoveAction, to, 0, QModelIndex())
    return bool(m.dropMimeData(data, Qt.DropAction.MoveAction, to, 0, QModelIndex()))


def test_drag_to_reorder_lines_and_undo(open_editor: Callable[..., OrderEditor],
                                        edesk: Desk) -> None:
    e = open_editor(edesk.orders.create(sample_order(lines=5)).id)
    m, d = e.doc.lines, e.doc
    names = lambda: [m.obj(i).description for i in range(m.rowCount())]  # noqa: E731
    assert names() == ["Bolt 1", "Bolt 2", "Bolt 3", "Bolt 4", "Bolt 5"]
    assert LINE_MIME in m.mimeTypes() and m.supportedDropActions() == Qt.DropAction.MoveAction
    assert m.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled  # drops between rows
    assert m.flags(m.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert _drag(m, [0], 3)  # the first line dropped above the fourth
    assert names() == ["Bolt 2", "Bolt 3", "Bolt 1", "Bolt 4", "Bolt 5"]
    assert _drag(m, [3, 4], 0)  # two lines to the top, in their order: one step
    assert names() == ["Bolt 4", "Bolt 5", "Bolt 2", "Bolt 3", "Bolt 1"]
    d.stack.undo()
    assert names() == ["Bolt 2", "Bolt 3", "Bolt 1", "Bolt 4", "Bolt 5"]
    d.stack.undo()
    assert names() == ["Bolt 1", "Bolt 2", "Bolt 3", "Bolt 4", "Bolt 5"] and not d.dirty
    d.stack.redo()
    assert _drag(m, [1], 5)  # to the end
    assert names() == ["Bolt 2", "Bolt 1", "Bolt 4", "Bolt 5", "Bolt 3"]
    # After a move the table view clears the "moved" cells unless told not to: the lines
    # must keep their values.
    assert not e.grid.dragDropOverwriteMode()
    assert not m.setItemData(m.index(0, 1), {R.EditRole: None})
    assert m.obj(0).description == "Bolt 2"
    assert e.save()
    stored = edesk.orders.get(e.doc.order.id)  # type: ignore[arg-type]
    assert [ln.description for ln in stored.lines] == names()
    assert [ln.position for ln in stored.lines] == [1, 2, 3, 4, 5]


def test_a_sent_order_refuses_drops(open_editor: Callable[..., OrderEditor],
                                    edesk: Desk) -> None:
    uid = edesk.orders.create(sample_order(lines=3)).id
    edesk.lifecycle.send(uid)  # type: ignore[arg-type]
    e = open_editor(uid)
    m = e.doc.lines
    assert not m.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert not m.flags(m.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    first = m.obj(0)
    data = m.mimeData([m.index(0, 0)])
    m.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert m.obj(0) is first and e.doc.stack.count() == 0


def test_save_keeps_the_cursor_and_repaints_only_changed_lines(
        open_editor: Callable[..., OrderEditor], edesk: Desk, qtbot: Any) -> None:
    e = open_editor(edesk.orders.create(sample_order(lines=6)).id)
    m = e.doc.lines
    e.grid.setCurrentIndex(m.index(4, 2))
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    m.modelReset.connect(lambda: resets.append(1))
    m.dataChanged.connect(lambda a, b, _r=(): changed.append((a.row(), b.row())))
    m.setData(m.index(2, 2), "3")
    e.header.site.setText("Yard")
    e.header.site.textEdited.emit("Yard")
    changed.clear()
    assert e.save()
    assert resets == [] and (e.grid.currentIndex().row(), e.grid.currentIndex().column()) == (4, 2)
    assert changed == [(2, 2)]  # only the edited line (its stored figures are new)
    assert e.doc.base is not None and e.doc.base.site == "Yard" and not e.doc.dirty
    assert e.doc.order.lines[2] is not e.doc.base.lines[2]  # the editor edits its own copy
    e.header.site.textEdited.emit("Yard 2")
    assert e.save() and edesk.orders.get(e.doc.order.id).site == "Yard 2"  # type: ignore[arg-type]
    assert edesk.orders.get(e.doc.order.id).lines[2].quantity == Decimal(3)  # type: ignore[arg-type]


def test_header_problems_of_a_paste_are_reported(open_editor: Callable[..., OrderEditor],
                                                 answers: Answers) -> None:
    e = open_editor(None)
    n = e.ops.paste("Item\tQty\tQuantity\tColour\nA-1\t2\t3\tred\n")
    assert n == 1
    text = answers.errors[-1]
    assert "row 1, quantity “Quantity”: this column appears twice" in text
    assert "row 1, Colour “Colour”: unknown column" in text
