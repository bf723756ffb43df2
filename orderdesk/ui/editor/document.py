"""The document being edited: a working Order, its undo stack, item models and bad cells."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from orderdesk.core.docs import Order
from orderdesk.core.fields import new_uuid
from orderdesk.core.money import ZERO, Totals, compute_totals
from orderdesk.core.saving import FinanceEdits, finance_edits
from orderdesk.ui.editor.columns import Attr
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.editor.commands import Bad, InsertRows, MoveRow, RemoveRows, SetField

DOCUMENT_KINDS = ("order", "line", "address", "contact", "surcharge", "attribute")
FINANCE_KINDS = ("payment", "shipment")
_LISTS = {"line": "lines", "address": "addresses", "contact": "contacts",
          "surcharge": "surcharges", "payment": "payments", "shipment": "shipments"}


class EditorDocument(QObject):
    """Holds what the user edits; every change goes through `stack` so it can be undone.

    `base` is the order as loaded (None for a new one): the save's expected version, the
    merge base of a conflict, and the reference for payment and shipment edits.
    """

    header_changed = Signal(str)  # field name
    changed = Signal()  # after any change (totals, dirty flag, recovery timer follow)
    stage_changed = Signal()

    def __init__(self, order: Order, base: Order | None, fmt: Formatter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        from orderdesk.ui.editor.models import LinesModel, RecordsModel

        self.fmt = fmt
        self.stack = QUndoStack(self)
        self.bad: dict[tuple[int, str], Bad] = {}
        self._seq = 0
        self.models: dict[str, RecordsModel] = {}
        self.lines = LinesModel(self)
        self.models["line"] = self.lines
        for kind in ("address", "contact", "surcharge", "attribute", "payment", "shipment"):
            self.models[kind] = RecordsModel(self, kind)
        self.load(order, base)

    # ---- loading ----
    def load(self, order: Order, base: Order | None, *, keep_views: bool = False) -> None:
        """Replaces everything (open, reload, after a save); the undo history starts anew.

        `keep_views` (after a save): a table whose rows are still the same records, in the
        same order, repaints in place instead of being reset — the cursor and selection
        stay where the user left them, and a 1,000-line grid is not laid out anew.
        """
        before = {k: self._keys(k) for k in self.models} if keep_views else {}
        rows_before = {k: list(self.records(k)) for k in before}
        self.base = base
        self.order = order
        self.attrs = [Attr(k, val) for k, val in order.attributes.items()]
        for line in order.lines:
            line.id = line.id or new_uuid()  # a stable key for merge and undo
        order.lines = [ln for ln in order.lines if ln.active]
        self.bad.clear()
        self.restored = False  # content that is in no database as shown: recovered, duplicated
        self.stack.clear()
        for kind, m in self.models.items():
            keys = before.get(kind)
            if keys is not None and keys == self._keys(kind):
                m.repaint_changed(rows_before[kind])
            else:
                m.reset()
        self.stack.setClean()
        self.header_changed.emit("")
        self.stage_changed.emit()
        self.changed.emit()

    def _keys(self, kind: str) -> list[Any] | None:
        """What identifies each row of a table (None: a row without an id yet)."""
        if kind == "attribute":
            return [a.key for a in self.attrs]
        keys = [x.id for x in self.records(kind)]
        return None if None in keys else keys

    # ---- what may change ----
    @property
    def is_new(self) -> bool:
        return self.order.id is None

    def editable(self, kind: str) -> bool:
        """SPEC: a sent order's document is locked, payments and shipments stay editable;
        an archived or deleted order takes neither."""
        o = self.order
        if not o.active or o.stage == "archived":
            return False
        return kind in FINANCE_KINDS or o.stage == "draft"

    @property
    def dirty(self) -> bool:
        return self.restored or not self.stack.isClean()

    # ---- records ----
    def records(self, kind: str) -> list[Any]:
        if kind == "attribute":
            return self.attrs
        return getattr(self.order, _LISTS[kind])  # type: ignore[no-any-return]

    def row_of(self, kind: str, obj: Any) -> int:
        for i, x in enumerate(self.records(kind)):
            if x is obj:
                return i
        return -1

    def raw_value(self, obj: Any, field: str) -> Any:
        bad = self.bad.get((id(obj), field))
        return bad if bad is not None else getattr(obj, field)

    # ---- primitive changes (called by commands only) ----
    def apply_value(self, kind: str, obj: Any, field: str, value: Any) -> None:
        key = (id(obj), field)
        if isinstance(value, Bad):
            self.bad[key] = value
        else:
            self.bad.pop(key, None)
            setattr(obj, field, value)
        if kind == "order":
            self.header_changed.emit(field)
        else:
            self.models[kind].record_changed(obj)
        self.changed.emit()

    def insert_records(self, kind: str, row: int, objs: Sequence[Any]) -> None:
        self.models[kind].insert(row, objs)
        self.changed.emit()

    def remove_records(self, kind: str, objs: Sequence[Any]) -> None:
        # Bad marks of removed records stay: undo brings the record back with them, and
        # problems() only counts records that are present.
        self.models[kind].remove(objs)
        self.changed.emit()

    def move_record(self, kind: str, obj: Any, to: int) -> None:
        self.models[kind].move(obj, to)
        self.changed.emit()

    # ---- user edits (each one undoable) ----
    def next_session(self) -> None:
        """Ends a typing session: the next keystrokes start a new undo step."""
        self._seq += 1

    def set(self, kind: str, obj: Any, field: str, value: Any, *, typing: bool = False,
            text: str = "") -> bool:
        if not self.editable(kind):
            return False
        if self.raw_value(obj, field) == value:
            return False
        if not typing:
            self.next_session()
        self.stack.push(SetField(self, kind, obj, field, value,
                                 self._seq if typing else -1, text))
        return True

    def insert(self, kind: str, row: int, objs: Sequence[Any], text: str = "") -> None:
        if self.editable(kind) and objs:
            self.stack.push(InsertRows(self, kind, row, objs, text))

    def remove(self, kind: str, objs: Sequence[Any], text: str = "") -> None:
        if self.editable(kind) and objs:
            self.stack.push(RemoveRows(self, kind, objs, text))

    def move(self, kind: str, obj: Any, to: int) -> None:
        n = len(self.records(kind))
        if self.editable(kind) and 0 <= to < n and self.row_of(kind, obj) != to:
            self.stack.push(MoveRow(self, kind, obj, to))

    def macro(self, text: str) -> _Macro:
        return _Macro(self.stack, text)

    # ---- what the save sends ----
    def problems(self) -> list[str]:
        """Every bad cell, as the user should read it; saving waits until none is left."""
        where = {id(self.order): ""}
        for kind in (*_LISTS, "attribute"):
            for i, x in enumerate(self.records(kind), 1):
                where[id(x)] = f"{kind.capitalize()} {i}: "
        return [f"{where[oid]}{field.replace('_', ' ')} “{bad.text}”: {bad.reason}"
                for (oid, field), bad in self.bad.items() if oid in where]

    def bad_marks(self) -> list[dict[str, Any]]:
        """The bad cells as JSON values, for the recovery file: where, what was typed, why.

        A record is named by its row (the recovery file keeps every row, see `snapshot`);
        an attribute by its key.
        """
        where: dict[int, tuple[str, Any]] = {id(self.order): ("order", 0)}
        for kind in _LISTS:
            for i, x in enumerate(self.records(kind)):
                where[id(x)] = (kind, i)
        for a in self.attrs:
            where[id(a)] = ("attribute", a.key)
        out = []
        for (oid, field), bad in self.bad.items():
            if oid in where:
                kind, at = where[oid]
                out.append({"kind": kind, "row" if kind != "attribute" else "key": at,
                            "field": field, "text": bad.text, "reason": bad.reason})
        return out

    def restore_marks(self, marks: Sequence[dict[str, Any]]) -> None:
        """Puts bad cells kept in a recovery file back on the restored document."""
        for m in marks:
            kind, field = m.get("kind"), m.get("field")
            obj: Any = None
            if kind == "order":
                obj = self.order
            elif kind == "attribute":
                obj = next((a for a in self.attrs if a.key == m.get("key")), None)
            elif kind in _LISTS and isinstance(m.get("row"), int):
                rows = self.records(kind)
                obj = rows[m["row"]] if 0 <= m["row"] < len(rows) else None
            if obj is not None and isinstance(field, str) and hasattr(obj, field):
                self.bad[(id(obj), field)] = Bad(str(m.get("text", "")),
                                                 str(m.get("reason", "")))
        self.header_changed.emit("")
        for model in self.models.values():
            model.reset()
        self.changed.emit()

    def snapshot(self) -> Order:
        """Every row as it stands (blank lines too), for the recovery file."""
        o = fast_copy(self.order)
        o.attributes = {a.key: a.value for a in self.attrs if a.key}
        return o

    def build(self) -> Order:
        """The edited document as the core takes it (a copy; the editor keeps its own)."""
        o = fast_copy(self.order)
        o.attributes = {a.key: a.value for a in self.attrs if a.key}
        # A line added and left empty (Enter pressed once too often) is not saved.
        o.lines = [copy for copy, mine in zip(o.lines, self.order.lines)
                   if copy.item_code or copy.description or copy.unit_price
                   or (id(mine), "item_code") in self.bad]
        for i, line in enumerate(o.lines, 1):
            line.position = i
        return o

    def finance(self) -> FinanceEdits:
        base = self.base
        edits = finance_edits(base.payments if base else [], self.order.payments)
        return finance_edits(base.shipments if base else [], self.order.shipments, edits)

    def totals(self) -> Totals:
        """Exactly the core's money rules over the edited document."""
        o = self.order
        paid = sum((p.amount for p in o.payments if p.counts), ZERO)
        return compute_totals(o.currency, o.lines, o.surcharges, paid)


def fast_copy(o: Order) -> Order:
    """A copy deep enough for the editor: every record is new, Tax objects (never changed in
    place, only replaced) are shared. deepcopy takes ~20× longer on a 1,000-line order."""
    r = replace
    return r(o, lines=[r(ln, taxes=list(ln.taxes), attributes=dict(ln.attributes))
                       for ln in o.lines],
             addresses=[r(a, attributes=dict(a.attributes)) for a in o.addresses],
             contacts=[r(c) for c in o.contacts],
             surcharges=[r(s, taxes=list(s.taxes), attributes=dict(s.attributes))
                         for s in o.surcharges],
             payments=[r(p) for p in o.payments], shipments=[r(x) for x in o.shipments],
             attributes=dict(o.attributes))


class _Macro:
    """`with doc.macro("Paste 5 lines"):` — everything inside is one undo step."""

    def __init__(self, stack: QUndoStack, text: str) -> None:
        self.stack, self.text = stack, text

    def __enter__(self) -> None:
        self.stack.beginMacro(self.text)

    def __exit__(self, *exc: object) -> None:
        self.stack.endMacro()


__all__ = ["DOCUMENT_KINDS", "FINANCE_KINDS", "EditorDocument", "fast_copy"]
