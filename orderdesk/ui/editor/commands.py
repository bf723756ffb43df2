"""Undo commands of the editor: each knows its inverse; typing in one field folds into one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from orderdesk.ui.editor.document import EditorDocument

SET_FIELD_ID = 1


class Bad:
    """A value the user typed that does not parse; kept at its cell with the reason."""

    __slots__ = ("text", "reason")

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bad) and (self.text, self.reason) == (other.text, other.reason)

    def __repr__(self) -> str:
        return f"Bad({self.text!r}, {self.reason!r})"


class SetField(QUndoCommand):
    """One field of one record (the order, a line, a party row) takes a new value.

    `seq` is the document's typing session: consecutive edits of the same field in the
    same session (keystrokes in one line edit) merge into one undo step.
    """

    def __init__(self, doc: EditorDocument, kind: str, obj: Any, field: str, new: Any,
                 seq: int, text: str = "") -> None:
        super().__init__(text or f"Edit {field.replace('_', ' ')}")
        self.doc, self.kind, self.obj, self.field, self.seq = doc, kind, obj, field, seq
        self.old = doc.raw_value(obj, field)
        self.new = new

    def id(self) -> int:
        return SET_FIELD_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetField) or other.seq != self.seq or self.seq < 0:
            return False
        if other.obj is not self.obj or other.field != self.field:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.doc.apply_value(self.kind, self.obj, self.field, self.new)

    def undo(self) -> None:
        self.doc.apply_value(self.kind, self.obj, self.field, self.old)


class InsertRows(QUndoCommand):
    """Records inserted at `row` of a list (lines or a party table)."""

    def __init__(self, doc: EditorDocument, kind: str, row: int, objs: Sequence[Any],
                 text: str = "") -> None:
        n = len(objs)
        super().__init__(text or f"Add {n} {kind}{'s' if n != 1 else ''}")
        self.doc, self.kind, self.row, self.objs = doc, kind, row, list(objs)

    def redo(self) -> None:
        self.doc.insert_records(self.kind, self.row, self.objs)

    def undo(self) -> None:
        self.doc.remove_records(self.kind, self.objs)


class RemoveRows(QUndoCommand):
    """Records removed; undo puts each back at its former row."""

    def __init__(self, doc: EditorDocument, kind: str, objs: Sequence[Any],
                 text: str = "") -> None:
        n = len(objs)
        super().__init__(text or f"Delete {n} {kind}{'s' if n != 1 else ''}")
        rows = doc.records(kind)
        self.doc, self.kind = doc, kind
        self.placed = sorted(((doc.row_of(kind, o), o) for o in objs), key=lambda t: t[0])
        assert all(r >= 0 for r, _ in self.placed), rows

    def redo(self) -> None:
        self.doc.remove_records(self.kind, [o for _, o in self.placed])

    def undo(self) -> None:
        for row, obj in self.placed:  # ascending: each earlier row is back before the next
            self.doc.insert_records(self.kind, row, [obj])


class MoveRow(QUndoCommand):
    """A record moved from one row to another."""

    def __init__(self, doc: EditorDocument, kind: str, obj: Any, to: int,
                 text: str = "") -> None:
        super().__init__(text or f"Move {kind}")
        self.doc, self.kind, self.obj, self.to = doc, kind, obj, to
        self.src = doc.row_of(kind, obj)

    def redo(self) -> None:
        self.doc.move_record(self.kind, self.obj, self.to)

    def undo(self) -> None:
        self.doc.move_record(self.kind, self.obj, self.src)


__all__ = ["Bad", "InsertRows", "MoveRow", "RemoveRows", "SetField"]
