"""Fixtures of the window tests: a real SQLite file, settings in tmp, dialogs that answer."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget

from orderdesk.core import Desk, Line, Order, Store, Tax, create_company, open_store
from orderdesk.ui import settings as S
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Nothing a test does may reach the user's own settings.
    d = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, d)


class Answers(Ui):
    """Records every question and message; answers confirmations with `yes`."""

    def __init__(self) -> None:
        self.yes = True
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.dialogs: list[QDialog] = []
        self.on_dialog: Any = None  # callable(dialog) -> bool (accepted)

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str = "OK") -> bool:
        self.asked.append(text)
        return self.yes

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.errors.append(text)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.infos.append(text)

    def run_dialog(self, dialog: QDialog) -> bool:
        self.dialogs.append(dialog)
        if self.on_dialog is None:
            return False
        result = bool(self.on_dialog(dialog))
        self.on_dialog = None if result else self.on_dialog
        return result


@pytest.fixture
def ui_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "ui.sqlite3")
    yield store
    store.close()


@pytest.fixture
def ui_desk(ui_store: Store) -> Desk:
    c = create_company(ui_store, "Test Co", "EUR")
    return Desk(ui_store, c.id)


def make_orders(desk: Desk, n: int, *, customer: str = "C1", name: str = "Acme Steel",
                item: str = "BOLT-M12", description: str = "Hex bolt M12") -> list[str]:
    desk.catalog.create_customers([(customer, name)])
    from datetime import date

    docs = [Order(customer_code=customer, order_date=date(2026, 1, 1 + i % 28),
                  customer_reference=f"PO-{i:05d}",
                  lines=[Line(item, Decimal(1 + i % 7), Decimal("12.50"), description,
                              taxes=[Tax("VAT", Decimal(21))])]) for i in range(n)]
    return desk.orders.create_many(docs)


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def settings(tmp_path: Path) -> S.Settings:
    return S.Settings(QSettings(str(tmp_path / "orderdesk.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot: Any, ui_store: Store, ui_desk: Desk, settings: S.Settings,
           answers: Answers) -> Iterator[MainWindow]:
    w = MainWindow(ui_store, ui_desk, settings=settings, runner=TaskRunner(synchronous=True),
                   ui=answers, fmt=Formatter("en_US"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
