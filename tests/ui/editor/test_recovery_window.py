"""A killed editor's work comes back; the main window opens orders in editors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from orderdesk.core import Desk, Store
from orderdesk.ui.actions import A
from orderdesk.ui.editor.host import EditorHost
from orderdesk.ui.editor.window import OrderEditor
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.order_view import OrderViewDialog

from ..conftest import Answers
from .conftest import sample_order, stock_desk

CHILD = Path(__file__).with_name("recovery_child.py")


def test_recovery_after_the_process_is_killed(qtbot: Any, ui_store: Store, edesk: Desk,
                                             tmp_path: Path, answers: Answers) -> None:
    uid = edesk.orders.create(sample_order(lines=2)).id
    assert uid is not None
    rec_dir = tmp_path / "recovery"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[3]))
    child = subprocess.Popen([sys.executable, str(CHILD), str(ui_store.target),
                              str(edesk.company_id), uid, str(rec_dir)],
                             stdout=subprocess.PIPE, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    # the next start: the entry is found and offered; saying yes restores it unsaved
    from orderdesk.core.recovery import RecoveryStore

    host = EditorHost(lambda: edesk, fmt=Formatter("en_US"), ui=answers,
                      recovery=RecoveryStore(rec_dir))
    assert [e.key for e in host.pending()] == [uid]
    (e,) = host.offer_recovery()  # the host's editors delete themselves on close
    assert "Restore them?" in answers.asked[0]
    assert e.doc.dirty and e.isWindowModified()
    assert e.doc.order.site == "Recovered yard" and e.header.site.text() == "Recovered yard"
    assert [ln.item_code for ln in e.doc.order.lines] == ["BOLT-M12", "BOLT-M12", "PIPE-CU-22"]
    assert e.doc.order.lines[0].quantity == 77
    m = e.doc.lines
    bad = m.index(1, 5)  # the discount typed bad before the kill is marked again
    assert m.data(bad) == "150" and "must not exceed 100" in m.data(bad, Qt.ItemDataRole.ToolTipRole)
    assert m.data(bad, Qt.ItemDataRole.BackgroundRole) is not None
    assert edesk.orders.get(uid).site == ""  # nothing reached the database by itself
    assert not e.save() and "Line 2: discount “150”" in answers.errors[-1]
    m.setData(bad, "15")
    assert e.save()
    stored = edesk.orders.get(uid)
    assert stored.site == "Recovered yard" and len(stored.lines) == 3
    assert stored.lines[1].discount == 15
    assert host.pending() == []  # saved: the recovery file is gone
    e.close()


def test_main_window_opens_orders_in_editors(qtbot: Any, window: MainWindow, ui_desk: Desk,
                                             answers: Answers) -> None:
    stock_desk(ui_desk)
    a = ui_desk.orders.create(sample_order()).id
    b = ui_desk.orders.create(sample_order(lines=1)).id
    window.refresh()
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(0, 0))
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    first = window.editors.editors[window.model.uuid(0)]  # type: ignore[index]
    assert isinstance(first, OrderEditor) and first.isVisible()
    window.table.setCurrentIndex(window.model.index(1, 0))
    window.actions_[A.OPEN].trigger()
    assert len(window.editors.editors) == 2  # several open at once
    window.table.setCurrentIndex(window.model.index(0, 0))
    window.actions_[A.OPEN].trigger()  # already open: the same window, focused
    assert len(window.editors.editors) == 2 and {a, b} == set(window.editors.editors)
    window.actions_[A.NEW].trigger()  # Ctrl+N: a blank editor
    new = [e for e in window.editors.editors.values() if e.doc.is_new]
    assert len(new) == 1 and new[0].doc.order.currency == "EUR"
    # a deleted order opens read-only in the order view
    ui_desk.orders.delete([a])  # type: ignore[list-item]
    window.filters.set_view("deleted")
    window.table.setCurrentIndex(window.model.index(0, 0))
    seen: list[Any] = []
    answers.on_dialog = lambda d: seen.append(d) or False
    window.actions_[A.OPEN].trigger()
    assert isinstance(seen[0], OrderViewDialog)
    for e in list(window.editors.editors.values()):
        e.doc.stack.setClean()
    assert window.editors.close_all()
