"""Background tasks (progress, cancel, errors on the GUI thread) and the change bridge."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtCore import QSettings

from orderdesk.core import ChangeSet, Desk, ValidationError
from orderdesk.ui import settings as S
from orderdesk.ui.bridge import ChangeBridge
from orderdesk.ui.tasks import TaskRunner, TaskState

from .conftest import make_orders


def test_task_result_and_progress_arrive_on_the_gui_thread(qtbot: Any) -> None:
    runner = TaskRunner(QThreadPool())
    gui = QThread.currentThread()
    seen: list[tuple[int, bool]] = []
    worker_threads: list[Any] = []

    def work(state: TaskState) -> int:
        worker_threads.append(threading.current_thread())
        for i in range(5):
            state.progress(i + 1, 5, f"step {i}")
        return 42

    def on_progress(done: int, total: int, text: str) -> None:
        seen.append((done, QThread.currentThread() is gui))

    results: list[Any] = []
    handle = runner.submit("count", work, on_done=lambda r: results.append(
        (r, QThread.currentThread() is gui)), on_progress=on_progress)
    qtbot.waitUntil(lambda: handle.done)
    assert results == [(42, True)]
    assert [d for d, _ in seen] == [1, 2, 3, 4, 5] and all(g for _, g in seen)
    assert worker_threads[0] is not threading.main_thread()
    assert runner.active == 0


def test_cancel_and_failure(qtbot: Any) -> None:
    runner = TaskRunner(QThreadPool())
    started, release = threading.Event(), threading.Event()

    def slow(state: TaskState) -> str:
        started.set()
        release.wait(5)
        state.check()  # raises Cancelled
        return "finished anyway"

    cancelled: list[bool] = []
    h = runner.submit("slow", slow, on_done=lambda r: cancelled.append(False))
    h.cancelled.connect(lambda: cancelled.append(True))
    started.wait(5)
    h.cancel()
    release.set()
    qtbot.waitUntil(lambda: h.done)
    assert cancelled == [True] and h.result is None

    errors: list[BaseException] = []

    def bad(state: TaskState) -> None:
        raise ValidationError("customer", "X", "is unknown")

    h2 = runner.submit("bad", bad, on_error=errors.append)
    qtbot.waitUntil(lambda: h2.done)
    assert isinstance(errors[0], ValidationError) and "customer" in str(errors[0])


def test_synchronous_runner_for_tests() -> None:
    runner = TaskRunner(synchronous=True)
    out: list[int] = []
    runner.submit("now", lambda s: 7, on_done=out.append)
    assert out == [7]


def test_bridge_delivers_worker_writes_on_the_gui_thread(qtbot: Any, ui_desk: Desk) -> None:
    bridge = ChangeBridge(ui_desk.store)
    gui = QThread.currentThread()
    got: list[tuple[ChangeSet, bool]] = []
    bridge.changed.connect(lambda cs: got.append((cs, QThread.currentThread() is gui)))
    t = threading.Thread(target=lambda: make_orders(ui_desk, 2))
    t.start()
    t.join()
    assert got == []  # queued: nothing runs inside the core's publish loop
    qtbot.waitUntil(lambda: any(cs.created_orders for cs, _ in got))
    assert all(on_gui for _, on_gui in got)
    bridge.close()
    make_orders(ui_desk, 1, customer="C7")
    qtbot.wait(20)
    assert not any("C7" in cs.customers for cs, _ in got)


def test_settings_are_typed_and_kept_in_the_given_file(tmp_path: Any) -> None:
    path = tmp_path / "s.ini"
    s = S.Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert s.get(S.SEARCH_DELAY_MS) == 250 and s.get(S.ORDER_VIEW) == "open"
    s.set(S.SEARCH_DELAY_MS, 400)
    s.set(S.ORDER_VIEW, "sent")
    s.sync()
    again = S.Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert again.get(S.SEARCH_DELAY_MS) == 400 and again.get(S.ORDER_VIEW) == "sent"
    again.q.setValue(S.SEARCH_DELAY_MS.key, "not a number")
    assert again.get(S.SEARCH_DELAY_MS) == 250
    assert path.exists()


@pytest.mark.parametrize("n", [3])
def test_demo_data_in_the_background_with_progress(qtbot: Any, ui_store: Any, n: int,
                                                   answers: Any) -> None:
    from orderdesk.core import companies
    from orderdesk.ui.first_run import FirstRunDialog

    runner = TaskRunner(QThreadPool())
    dlg = FirstRunDialog(ui_store, runner, answers)
    qtbot.addWidget(dlg)
    dlg.orders.setValue(40)
    values: list[int] = []
    dlg.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(dlg.accepted, timeout=60000):
        dlg.start()
    assert values and values[-1] == 40
    assert [c.name for c in companies(ui_store)][0] == "Nordhaven Metals s.r.o."
    runner.wait()


def test_first_run_start_empty(qtbot: Any, ui_store: Any, answers: Any) -> None:
    from orderdesk.core import companies
    from orderdesk.ui.first_run import FirstRunDialog

    dlg = FirstRunDialog(ui_store, TaskRunner(synchronous=True), answers)
    qtbot.addWidget(dlg)
    dlg.empty.setChecked(True)
    dlg.currency.setCurrentText("CZK")
    dlg.start()  # no name yet
    assert answers.errors and not companies(ui_store)
    dlg.name.setText("Brno Steel")
    with qtbot.waitSignal(dlg.accepted):
        dlg.start()
    assert [(c.name, c.currency) for c in companies(ui_store)] == [("Brno Steel", "CZK")]
