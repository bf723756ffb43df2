"""Exchange window fixtures: file names given instead of asked, dialogs answered like a user."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from orderdesk.core import Desk, Line, Order, Tax
from orderdesk.ui.exchange import ExportDialog, FileChooser
from orderdesk.ui.exchange.running import ProgressRun
from orderdesk.ui.mainwindow import MainWindow


class Given(FileChooser):
    """Answers the file dialogs with the paths a test chose (the QFileDialog is bypassed)."""

    def __init__(self) -> None:
        self.save: str | None = None
        self.open: list[str] = []
        self.asked: list[str] = []

    def save_path(self, parent: QWidget | None, title: str, suggested: str,
                  filters: str) -> str | None:
        self.asked.append(suggested)
        return self.save

    def open_paths(self, parent: QWidget | None, title: str, directory: str,
                   filters: str) -> list[str]:
        self.asked.append(directory)
        return list(self.open)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where exported files go: a folder of their own (the test database sits in tmp_path)."""
    d = tmp_path / "out"
    d.mkdir()
    return d


@pytest.fixture
def given(window: MainWindow) -> Given:
    g = Given()
    window.exchange.chooser = g
    return g


def export_with(fmt: str | None = None, scope: str | None = None,
                seen: list[ExportDialog] | None = None) -> Callable[[QDialog], bool]:
    """An answer for the export dialog: tick format/scope, press Export."""
    def answer(dlg: QDialog) -> bool:
        assert isinstance(dlg, ExportDialog)
        if seen is not None:
            seen.append(dlg)
        dlg.choose(fmt, scope)
        dlg.export_button.click()
        return dlg.result() == QDialog.DialogCode.Accepted
    return answer


def cancel_when(window: MainWindow, when: Callable[[int, int], bool]) -> list[ProgressRun]:
    """Clicks Cancel in the progress dialog of the next job at the first report `when` likes."""
    runs: list[ProgressRun] = []

    def started(run: ProgressRun) -> None:
        runs.append(run)

        def report(done: int, total: int) -> None:
            if when(done, total) and not run.cancelled:
                buttons = run.dialog.findChildren(QPushButton)
                assert [b.text() for b in buttons] == ["Cancel"]
                buttons[0].click()
        run.progressed.connect(report)

    window.exchange.job_started.connect(started)
    return runs


def awkward_order(desk: Desk) -> str:
    """One order whose texts need quoting and formula neutralising, with three lines."""
    desk.catalog.create_customers([("C-Ω", 'Quote " inside, comma')])
    doc = Order(customer_code="C-Ω", order_date=date(2026, 2, 3), delivery_date=date(2026, 3, 4),
                reference="=SUM(A1:A9)", customer_reference="two\nlines", site="Ελληνικά · 中文",
                notes="-minus first",
                lines=[Line("BOLT-M12", Decimal("2.5") * (k + 1),
                            Decimal("-1.25") if k == 1 else Decimal("10.10"),
                            description=("@at", "+plus", "plain")[k],
                            discount=Decimal("12.5") if k == 0 else Decimal(0),
                            taxes=[Tax("VAT", Decimal(21)), Tax("Eco", Decimal("0.5"))][:k + 1])
                       for k in range(3)])
    return desk.orders.create_many([doc])[0]


def save_shot(widget: QWidget, name: str, tmp_path: Path) -> Path:
    """Grabs the widget offscreen; into $ORDERDESK_SHOTS too when set (the README pictures)."""
    image = widget.grab()
    assert not image.isNull() and image.width() > 200
    out = tmp_path / name
    assert image.save(str(out))
    where = os.environ.get("ORDERDESK_SHOTS")
    if where:
        assert image.save(str(Path(where) / name))
    return out
