"""Bridges the core's change notices (sent in the writing thread) to the GUI thread."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal

from orderdesk.core import ChangeSet, Store


class ChangeBridge(QObject):
    """Emits `changed(ChangeSet)` on the GUI thread after each committed write.

    Views connect to `changed` and decide for themselves what to refresh.
    """

    changed = Signal(object)
    _incoming = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Queued even when the write happened on the GUI thread: a listener must never
        # run view code inside the core's publish loop.
        self._incoming.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = store.subscribe(self._incoming.emit)

    def _deliver(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)

    def close(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
