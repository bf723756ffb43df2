"""Saving, conflicts, reloading and recovery files of the order editor."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtWidgets import QAbstractItemDelegate, QApplication

from orderdesk.core import ConflictError, Order, OrderDeskError
from orderdesk.core.recovery import order_to_json
from orderdesk.core.saving import FinanceEdits, save_order
from orderdesk.ui.editor.document import fast_copy
from orderdesk.ui.editor.grid import Grid


class PersistMixin:
    """Writes go through the core (one transaction each); the editor then shows the stored
    order. Unsaved state is mirrored in a recovery file while the user edits."""

    desk: Any
    doc: Any
    ui: Any
    key: str
    recovery: Any
    grid: Grid
    panels: dict[str, Any]
    saved: Any
    open_document: Any
    request_new: Any
    _catalogue: Any
    statusBar: Callable[[], Any]
    windowTitle: Callable[[], str]
    _update_title: Callable[[], None]

    # ---- saving ----
    def commit_editing(self) -> None:
        """Finishes an open cell editor so its value is part of what is saved."""
        w = QApplication.focusWidget()
        for grid in [self.grid, *(p.grid for p in self.panels.values())]:
            if w is not None and grid.isAncestorOf(w) and grid.state() == Grid.State.EditingState:
                grid.commitData(w)
                grid.closeEditor(w, QAbstractItemDelegate.EndEditHint.NoHint)
        self.doc.next_session()

    def save(self) -> bool:
        """Writes the document through the core in one transaction; True when stored."""
        self.commit_editing()
        problems = self.doc.problems()
        if problems:
            self.ui.error(self, "Cannot save yet", "Fix these first:\n" + "\n".join(problems))
            return False
        if not self.doc.dirty and not self.doc.is_new:
            return True
        mine = self.doc.build()
        base = self.doc.base
        return self._store(mine, base.version if base else None, self.doc.finance(), base)

    def _store(self, doc: Order, expected: int | None, fin: FinanceEdits,
               before: Order | None = None) -> bool:
        try:
            # `before`: what this editor loaded; while current the core compares against it
            # and reads back only the lines it wrote (a 1,000-line order saves in ~1/3).
            stored = save_order(self.desk, doc, expected, fin, before=before)
        except ConflictError as e:
            return self._conflict(e, doc, fin)
        except OrderDeskError as e:
            self.ui.error(self, "Order not saved", str(e))
            return False
        old_key = self.key
        self.key = stored.id or self.key
        self._loaded(stored, keep_views=True)
        if self.recovery is not None:
            self.recovery.discard(old_key)
        self.statusBar().showMessage(f"Order {stored.number} saved (version {stored.version})",
                                     5000)
        self.saved.emit(self.key)
        return True

    def _conflict(self, error: ConflictError, mine: Order, fin: FinanceEdits) -> bool:
        from orderdesk.core.merge import keep_mine, merge
        from orderdesk.ui.editor.conflict import KEEP_MINE, MERGE, RELOAD, ConflictDialog

        theirs = self.desk.orders.get(mine.id)  # type: ignore[arg-type]
        base = self.doc.base or theirs
        result = merge(base, mine, theirs)
        dlg = ConflictDialog(error, result, self)
        if not self.ui.run_dialog(dlg) or dlg.choice is None:
            return False
        if dlg.choice == RELOAD:
            self._loaded(theirs)
            if self.recovery is not None:
                self.recovery.discard(self.key)
            return True
        if dlg.choice == MERGE and result.merged is not None:
            return self._store(result.merged, theirs.version, fin, theirs)
        if dlg.choice == KEEP_MINE:
            return self._store(keep_mine(mine, theirs), theirs.version, fin, theirs)
        return False

    def _loaded(self, stored: Order, *, keep_views: bool = False) -> None:
        self.doc.load(fast_copy(stored), stored, keep_views=keep_views)
        self._catalogue = None  # the catalogue may have changed meanwhile

    def save_and_new(self) -> None:
        if self.save():
            self.request_new.emit()

    def duplicate_order(self) -> None:
        from orderdesk.core.fields import new_uuid

        doc = self.doc.build()
        doc.id = doc.number = doc.reference = doc.invoice_number = None
        doc.stage, doc.status, doc.version, doc.active = "draft", None, 0, True
        doc.payments, doc.shipments = [], []
        for line in doc.lines:
            line.id, line.reserved = new_uuid(), type(line.reserved)(0)
        for x in (*doc.addresses, *doc.contacts, *doc.surcharges):
            x.id = None
        self.open_document.emit(doc)

    def reload(self) -> None:
        if self.doc.is_new:
            return
        if self.doc.dirty and not self.ui.confirm(self, "Reload", "Drop your unsaved changes "
                                                  "and read the order again?", "Reload"):
            return
        self._loaded(self.desk.orders.get(self.doc.order.id))  # type: ignore[arg-type]
        if self.recovery is not None:
            self.recovery.discard(self.key)

    # ---- recovery ----
    def write_recovery(self) -> None:
        if self.recovery is None:
            return
        if not self.doc.dirty:
            self.recovery.discard(self.key)
            return
        base = self.doc.base
        self.recovery.save(self.key, {
            "order": order_to_json(self.doc.snapshot()),
            "bad": self.doc.bad_marks(),  # restored marked again: still blocking the save
            "base": order_to_json(base) if base else None,
            "db": str(self.desk.store.target), "company_id": self.desk.company_id,
            "title": self.windowTitle().replace("[*]", ""),
        })

    def mark_unsaved(self) -> None:
        """Content that is in no database yet (a duplicate): closing asks before losing it."""
        self.doc.restored = True
        self._update_title()

    def mark_restored(self, bad: Sequence[dict[str, Any]] = ()) -> None:
        """The content came from a recovery file: unsaved until the user saves it; `bad`
        are the cells that were marked bad when it was written."""
        if bad:
            self.doc.restore_marks(bad)
        self.doc.restored = True
        self._update_title()
        self.statusBar().showMessage("Restored unsaved changes: save them (Ctrl+S) to keep them")
        self.write_recovery()

    def _on_changes(self, changes: Any) -> None:
        oid = self.doc.order.id
        if oid is None or changes.company_id != self.desk.company_id or oid not in changes.orders:
            return
        if self.doc.dirty:
            self.statusBar().showMessage("Someone else changed this order: saving will show "
                                         "their changes beside yours", 10000)
            return
        # Our own save notifies too: the version alone says whether there is news.
        base = self.doc.base
        if base is None or self.desk.orders.order_head(oid)["version"] != base.version:
            self._loaded(self.desk.orders.get(oid))


__all__ = ["PersistMixin"]
