"""One way to run work off the GUI thread: progress, a cancel flag, results by signal.

A task is a plain function `fn(state) -> result` that never touches a widget; it reports
through `state.progress(done, total, text)` and looks at `state.cancelled`. The result
(or the exception) is delivered on the GUI thread. Tests use `synchronous=True`.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a task (by `state.check()`) when the user cancelled it."""


class TaskState:
    """What a running task sees: progress reporting and the cancel flag (thread-safe)."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, text: str = "") -> bool:
        """Reports progress; returns False once cancelled (the core's Progress protocol)."""
        self._emit(done, total, text)
        return not self._cancel.is_set()


class TaskHandle(QObject):
    """One submitted task. Signals arrive on the GUI thread (queued across threads)."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after any of the three above

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        # Worker-thread emits go to the handle's own slots (queued), which re-emit on the
        # GUI thread: plain-function receivers then never run in the worker.
        self.state = TaskState(self._progress_in.emit)
        self._progress_in.connect(self.progressed)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self.state.cancel()

    def _run(self, fn: Callable[[TaskState], Any]) -> None:
        # Runs in the worker thread: only signals leave it.
        try:
            result = fn(self.state)
        except Cancelled:
            self._deliver.emit("cancelled", None)
        except Exception as e:  # noqa: BLE001 - delivered to the GUI, never swallowed
            self._deliver.emit("failed", e)
        else:
            if self.state.cancelled:
                self._deliver.emit("cancelled", None)
            else:
                self._deliver.emit("succeeded", result)

    _deliver = Signal(str, object)
    _progress_in = Signal(int, int, str)

    def _on_deliver(self, kind: str, value: Any) -> None:
        self.done = True
        if kind == "succeeded":
            self.result = value
            self.succeeded.emit(value)
        elif kind == "failed":
            self.error = value
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.finished.emit()


def _unhandled(error: BaseException) -> None:
    import sys

    sys.excepthook(type(error), error, error.__traceback__)


class _Runnable(QRunnable):
    def __init__(self, handle: TaskHandle, fn: Callable[[TaskState], Any]) -> None:
        super().__init__()
        self.handle, self.fn = handle, fn
        self.setAutoDelete(True)

    def run(self) -> None:
        self.handle._run(self.fn)


class TaskRunner(QObject):
    """Submits tasks to a thread pool and keeps their handles alive until they finish."""

    def __init__(self, pool: QThreadPool | None = None, *, synchronous: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.synchronous = synchronous
        self._running: set[TaskHandle] = set()

    def submit(self, name: str, fn: Callable[[TaskState], Any], *,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int, str], None] | None = None) -> TaskHandle:
        handle = TaskHandle(name)
        # The handle lives in the GUI thread, so the worker's emits are queued to it.
        handle._deliver.connect(handle._on_deliver)
        if on_done:
            handle.succeeded.connect(on_done)
        if on_error:
            handle.failed.connect(on_error)
        else:  # nobody handles it: the crash reporter logs and shows it
            handle.failed.connect(_unhandled)
        if on_progress:
            handle.progressed.connect(on_progress)
        self._running.add(handle)
        handle.finished.connect(lambda: self._running.discard(handle))
        if self.synchronous:
            handle._run(fn)
        else:
            self.pool.start(_Runnable(handle, fn))
        return handle

    @property
    def active(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for handle in list(self._running):
            handle.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Waits for the pool (at shutdown and in tests); deliveries still need the loop."""
        return bool(self.pool.waitForDone(msecs))
