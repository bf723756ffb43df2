"""Unexpected errors: written to a log file in the data directory and shown with details.

Python errors in Qt slots reach `sys.excepthook` (PySide6 prints and carries on), worker
errors nobody handles reach `report` through the TaskRunner; both end here. The program
stays usable: every write runs in a transaction that rolls back when it raises.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("orderdesk")


def log_path() -> Path:
    from orderdesk.core.paths import data_dir

    return data_dir() / "orderdesk.log"


def setup_logging(path: Path | None = None) -> Path:
    """Errors and warnings to a rotating log file (5 × 1 MB) in the data directory."""
    path = path or log_path()
    if not any(getattr(h, "_orderdesk", False) for h in log.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1 << 20, backupCount=5,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._orderdesk = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


class CrashReporter(QObject):
    """Logs every unexpected error and shows it on the GUI thread, whatever thread raised."""

    _show = Signal(str, str)

    def __init__(self, log_file: Path, show: Callable[[str, str], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.shown: list[str] = []
        self._show_fn = show or self._dialog
        self._show.connect(self._on_show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = lambda a: self.excepthook(a.exc_type, a.exc_value,  # type: ignore[arg-type]
                                                         a.exc_traceback)

    def excepthook(self, kind: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:
        self.report(value, "".join(traceback.format_exception(kind, value, tb)))

    def report(self, error: BaseException, details: str | None = None) -> None:
        details = details or "".join(traceback.format_exception(error))
        log.error("unexpected error: %s\n%s", error, details)
        self._show.emit(f"{type(error).__name__}: {error}", details)

    @Slot(str, str)
    def _on_show(self, summary: str, details: str) -> None:
        self.shown.append(summary)
        self._show_fn(summary, details)

    def _dialog(self, summary: str, details: str) -> None:
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("OrderDesk — unexpected error")
        box.setText("Something went wrong. Nothing half-done was saved; you can carry on.")
        box.setInformativeText(f"{summary}\n\nThe details are in {self.log_file}.")
        box.setDetailedText(details)  # selectable, with a copy button on every platform
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
