"""Unexpected errors are logged and shown, the program carries on; backups use the API."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from orderdesk.core import Desk, Order, ValidationError
from orderdesk.ui.crash import CrashReporter, setup_logging
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.tasks import TaskRunner

from .conftest import make_orders


@pytest.fixture
def reporter(qtbot: Any, tmp_path: Path) -> Any:
    import logging

    shown: list[tuple[str, str]] = []
    log_file = setup_logging(tmp_path / "orderdesk.log")
    r = CrashReporter(log_file, show=lambda s, d: shown.append((s, d)))
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook
    r.install()
    yield r, shown, log_file
    sys.excepthook, threading.excepthook = old_hook, old_thread_hook
    log = logging.getLogger("orderdesk")
    for h in list(log.handlers):
        if getattr(h, "_orderdesk", False):
            log.removeHandler(h)
            h.close()


def test_errors_from_slots_threads_and_workers_are_logged_and_shown(qtbot: Any,
                                                                  reporter: Any) -> None:
    r, shown, log_file = reporter
    try:
        raise RuntimeError("slot went wrong")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: len(shown) == 1)
    t = threading.Thread(target=lambda: 1 / 0)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: len(shown) == 2)  # shown on the GUI thread
    runner = TaskRunner(synchronous=True)
    runner.submit("failing", lambda _s: {}["missing"])  # no on_error: the reporter gets it
    qtbot.waitUntil(lambda: len(shown) == 3)
    assert [s.split(":")[0] for s, _d in shown] == ["RuntimeError", "ZeroDivisionError",
                                                   "KeyError"]
    assert "Traceback" in shown[0][1] and "slot went wrong" in shown[0][1]
    text = log_file.read_text(encoding="utf-8")
    assert "slot went wrong" in text and "ZeroDivisionError" in text and "KeyError" in text


def test_a_failed_write_leaves_no_transaction_open(qtbot: Any, reporter: Any,
                                                   ui_desk: Desk) -> None:
    _r, shown, _log = reporter
    runner = TaskRunner(synchronous=True)
    errors: list[BaseException] = []
    bad = Order(customer_code="NOBODY", order_date=__import__("datetime").date(2026, 1, 1))
    runner.submit("save", lambda _s: ui_desk.orders.create(bad), on_error=errors.append)
    assert isinstance(errors[0], ValidationError) and not shown
    assert getattr(ui_desk.store.local, "tx", None) is None
    make_orders(ui_desk, 1)  # the next write works at once
    con = sqlite3.connect(ui_desk.store.target, timeout=0.1)
    con.execute("BEGIN IMMEDIATE")  # nobody holds the write lock
    con.rollback()
    con.close()


def test_back_up_database_action(qtbot: Any, window: MainWindow, ui_desk: Desk,
                                 tmp_path: Path) -> None:
    make_orders(ui_desk, 5)
    out = tmp_path / "backup.sqlite3"
    window.back_up(str(out))
    qtbot.waitUntil(out.exists)
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 5
    assert not Path(f"{out}.part").exists()
    assert "backed up" in window.statusBar().currentMessage()
