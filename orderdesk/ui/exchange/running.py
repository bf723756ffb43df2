"""One exchange job in the TaskRunner behind a QProgressDialog whose Cancel stops it cleanly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from orderdesk.exchange import Cancelled as ExchangeCancelled
from orderdesk.exchange import Progress
from orderdesk.ui.tasks import TaskHandle, TaskRunner, TaskState

# A job that stopped at the user's Cancel returns this instead of a result: the runner then
# reports success, so the same on_done path (never a race with a late signal) ends every run.
CANCELLED = object()

# Cross-thread progress signals are throttled to about twenty a second: an import reads
# hundreds of thousands of rows and the dialog need not hear of every batch.
_EMIT_EVERY = 0.05


class ProgressRun(QObject):
    """Runs `job(progress)` off the GUI thread with a modal progress dialog and Cancel.

    Exactly one of `on_done(result)`, `on_cancel()` or `on_error(exc)` is called on the GUI
    thread, after the dialog is gone. The cancel flag is ours, not the handle's, so a click
    on Cancel reaches a job already running inside `submit` (the synchronous test runner).
    """

    progressed = Signal(int, int)  # after the dialog shows it; tests hook cancels here

    def __init__(self, runner: TaskRunner, parent: QWidget, title: str,
                 describe: Callable[[int, int], str]) -> None:
        super().__init__(parent)
        self.runner, self.describe = runner, describe
        self.cancel_flag = threading.Event()
        self.handle: TaskHandle | None = None
        self._closed = False
        self.dialog = QProgressDialog(describe(0, 0), "Cancel", 0, 0, parent)
        self.dialog.setObjectName("exchange_progress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # quick jobs finish without a flash of a dialog
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)

    def cancel(self) -> None:
        self.cancel_flag.set()
        self.dialog.setLabelText("Cancelling… nothing is kept.")

    @property
    def cancelled(self) -> bool:
        return self.cancel_flag.is_set()

    def start(self, name: str, job: Callable[[Progress], Any], *,
              on_done: Callable[[Any], None], on_cancel: Callable[[], None],
              on_error: Callable[[BaseException], None]) -> TaskHandle:
        flag = self.cancel_flag
        # Only signals that cross threads are worth thinning out; the synchronous runner
        # (tests) sees every report, so a test can cancel at an exact point.
        every = 0.0 if self.runner.synchronous else _EMIT_EVERY

        def work(state: TaskState) -> Any:
            last = [0.0]

            def progress(done: int, total: int) -> bool:
                now = time.monotonic()
                if now - last[0] >= every or (total and done >= total):
                    last[0] = now
                    state.progress(done, total)
                return not (flag.is_set() or state.cancelled)

            try:
                return job(progress)
            except ExchangeCancelled:
                return CANCELLED

        def done(result: Any) -> None:
            self._close()
            if result is CANCELLED:
                on_cancel()
            else:
                on_done(result)

        def failed(e: BaseException) -> None:
            self._close()
            on_error(e)

        self.handle = self.runner.submit(name, work, on_done=done, on_error=failed,
                                         on_progress=self._show)
        # Cancelled through the runner itself (the window closing): just take the dialog down.
        self.handle.cancelled.connect(self._close)
        return self.handle

    def _show(self, done: int, total: int, _text: str) -> None:
        if self._closed:  # a late report would pop a finished dialog up again
            return
        if total:
            self.dialog.setMaximum(min(total, 2**31 - 1))
            self.dialog.setValue(min(done, total, 2**31 - 1))
        else:  # an unknown total: a busy bar and a running count
            self.dialog.setMaximum(0)
        if not self.cancel_flag.is_set():
            self.dialog.setLabelText(self.describe(done, total))
        self.progressed.emit(done, total)

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        d = self.dialog
        # close() would emit canceled again: disconnect first.
        d.canceled.disconnect(self.cancel)
        d.reset()
        d.hide()
        d.deleteLater()
        self.deleteLater()
