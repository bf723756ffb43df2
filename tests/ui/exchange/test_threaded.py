"""The same export and import with the real thread pool: results arrive through the event loop."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QProgressDialog

from orderdesk.core import Desk, Store
from orderdesk.ui import settings as S
from orderdesk.ui.actions import A
from orderdesk.ui.exchange import ImportPreviewDialog
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.order_model import COLUMN_KEYS
from orderdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Answers, make_orders

from .conftest import Given, export_with


@pytest.fixture
def threaded(qtbot: Any, ui_store: Store, ui_desk: Desk, settings: S.Settings,
             answers: Answers) -> Iterator[MainWindow]:
    w = MainWindow(ui_store, ui_desk, settings=settings, runner=TaskRunner(), ui=answers,
                   fmt=Formatter("en_US"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.runner.wait()
    w.close()


def test_export_then_reimport_off_the_gui_thread(qtbot: Any, threaded: MainWindow,
                                                 ui_desk: Desk, answers: Answers,
                                                 tmp_path: Path) -> None:
    ids = make_orders(ui_desk, 30)
    threaded.refresh()
    given = Given()
    threaded.exchange.chooser = given
    given.save = str(tmp_path / "orders.csv")
    answers.on_dialog = export_with(scope="company")
    threaded.actions_[A.EXPORT_CSV].trigger()
    qtbot.waitUntil(lambda: bool(answers.infos), timeout=20000)
    assert answers.infos == [f"30 orders written to\n{tmp_path / 'orders.csv'}"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "orders.csv").read_text("utf-8-sig"),
                                           newline="")))
    assert sorted(r["OrderId"] for r in rows) == sorted(ids)
    # No progress dialog outlives its job.
    qtbot.waitUntil(lambda: not [d for d in threaded.findChildren(QProgressDialog)
                                 if d.isVisible()])

    for r in rows[:5]:  # someone edits five POs in a spreadsheet and imports the file
        r["CustomerReference"] += "-rev2"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    (tmp_path / "edited.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
    given.open = [str(tmp_path / "edited.csv")]
    seen: list[ImportPreviewDialog] = []

    def accept(dlg: QDialog) -> bool:
        assert isinstance(dlg, ImportPreviewDialog)
        seen.append(dlg)
        dlg.import_button.click()
        return dlg.result() == QDialog.DialogCode.Accepted

    answers.on_dialog = accept
    threaded.actions_[A.IMPORT].trigger()
    qtbot.waitUntil(lambda: len(answers.infos) == 2 or bool(answers.errors), timeout=20000)
    assert not answers.errors, answers.errors
    assert seen[0].counts["updated_orders"].text() == "5"
    assert "0 new orders, 5 updated" in answers.infos[1]
    qtbot.waitUntil(lambda: sum(ref.endswith("-rev2") for ref in shown(threaded)) == 5)


def shown(w: MainWindow) -> list[str]:
    c = COLUMN_KEYS.index("customer_reference")
    return [w.model.data(w.model.index(r, c)) for r in range(w.model.rowCount())]
