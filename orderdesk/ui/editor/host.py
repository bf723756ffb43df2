"""Keeps the open editors: one window per order, focusing an order already open, recovery."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt

from orderdesk.core import Desk, Order, OrderDeskError
from orderdesk.core.recovery import RecoveryEntry, RecoveryStore, default_directory, order_from_json
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.editor.window import OrderEditor
from orderdesk.ui.fmt import Formatter


def recovery_beside(settings_file: str) -> RecoveryStore:
    """Recovery files next to the settings file (tests keep both in tmp), else the data dir."""
    if settings_file and os.path.isabs(settings_file) and not settings_file.startswith("\\"):
        return RecoveryStore(Path(settings_file).parent / "recovery")
    return RecoveryStore(default_directory())


class EditorHost(QObject):
    """Opens orders in editors; the same order twice brings its window forward."""

    def __init__(self, desk: Callable[[], Desk], *, fmt: Formatter, ui: Ui,
                 recovery: RecoveryStore | None, runner: Any = None, bridge: Any = None,
                 status_name: Callable[[str], str] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk, self.fmt, self.ui = desk, fmt, ui
        self.recovery, self.runner, self.bridge = recovery, runner, bridge
        self.status_name = status_name
        self.editors: dict[str, OrderEditor] = {}

    @property
    def desk(self) -> Desk:
        return self._desk()

    def _make(self, order: Order | None, base: Order | None = None) -> OrderEditor:
        e = OrderEditor(self.desk, order, fmt=self.fmt, ui=self.ui, recovery=self.recovery,
                        base=base, runner=self.runner, bridge=self.bridge,
                        status_name=self.status_name)
        e.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a closed editor frees its order
        self.editors[e.key] = e
        e.closed.connect(self._closed)
        e.saved.connect(lambda key, ed=e: self._rekey(ed))
        e.open_document.connect(self._open_copy)
        e.request_new.connect(lambda: self.show(self._make(None)))
        return e

    def _open_copy(self, doc: Order) -> None:
        e = self._make(doc)
        e.mark_unsaved()
        self.show(e)

    def show(self, e: OrderEditor) -> OrderEditor:
        e.show()
        e.raise_()
        e.activateWindow()
        return e

    def open(self, uuid: str) -> OrderEditor | None:
        """The order's editor, focused; opened first when it is not open yet."""
        e = self.editors.get(uuid)
        if e is None:
            try:
                order = self.desk.orders.get(uuid)
            except OrderDeskError as err:
                self.ui.error(None, "Cannot open the order", str(err))
                return None
            e = self._make(order)
        return self.show(e)

    def new(self) -> OrderEditor:
        e = self.show(self._make(None))
        e.header.customer.setFocus()
        return e

    def _rekey(self, e: OrderEditor) -> None:
        # A new order gets its UUID on its first save: find it by that from now on.
        for k, v in list(self.editors.items()):
            if v is e and k != e.key:
                del self.editors[k]
        self.editors[e.key] = e

    def _closed(self, key: str) -> None:
        self.editors.pop(key, None)

    def close_all(self) -> bool:
        """Closes every editor (each asks about unsaved changes); False if one stayed."""
        for e in list(self.editors.values()):
            if not e.close():
                return False
        return True

    # ---- recovery ----
    def pending(self) -> list[RecoveryEntry]:
        if self.recovery is None:
            return []
        d = self.desk
        return [e for e in self.recovery.load_all()
                if e.payload.get("db") == str(d.store.target)
                and e.payload.get("company_id") == d.company_id]

    def offer_recovery(self) -> list[OrderEditor]:
        """Asks about each unsaved edit left by a crash; restored ones open as unsaved."""
        opened = []
        for entry in self.pending():
            title = entry.payload.get("title") or "an order"
            when = entry.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if self.ui.confirm(None, "Restore unsaved changes",
                               f"OrderDesk was closed with unsaved changes to {title} "
                               f"(last kept {when}).\n\nRestore them?", "Restore"):
                opened.append(self.restore(entry))
            else:
                assert self.recovery is not None
                self.recovery.discard(entry.key)
        return opened

    def restore(self, entry: RecoveryEntry) -> OrderEditor:
        order = order_from_json(entry.payload["order"])
        base_json = entry.payload.get("base")
        base = order_from_json(base_json) if base_json else None
        e = self._make(order, base)
        if e.key != entry.key and self.recovery is not None:
            self.recovery.discard(entry.key)
        e.mark_restored(entry.payload.get("bad") or [])
        return self.show(e)


__all__ = ["EditorHost", "recovery_beside"]
