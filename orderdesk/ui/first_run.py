"""First run on an empty database: load demo data (in the background) or start empty."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QProgressBar, QRadioButton, QSpinBox, QVBoxLayout, QWidget,
)

from orderdesk.core import OrderDeskError, Store, create_company
from orderdesk.core.money import known_currencies
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.tasks import TaskHandle, TaskRunner, TaskState


class FirstRunDialog(QDialog):
    """Accepted once the database holds a company (demo data or the user's own)."""

    def __init__(self, store: Store, runner: TaskRunner, ui: Ui | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner, self.ui = store, runner, ui or Ui()
        self.task: TaskHandle | None = None
        self.setObjectName("first_run")
        self.setWindowTitle("Welcome to OrderDesk")
        lay = QVBoxLayout(self)
        intro = QLabel(f"This database is empty:\n{store.target}\n\nHow would you like to start?")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.demo = QRadioButton("Try it with &demo data (two companies, orders, stock lots)")
        self.empty = QRadioButton("Start &empty with my company")
        group = QButtonGroup(self)
        group.addButton(self.demo)
        group.addButton(self.empty)
        self.demo.setChecked(True)
        lay.addWidget(self.demo)
        self.orders = QSpinBox(minimum=10, maximum=1_000_000, singleStep=1000, value=2000)
        demo_form = QFormLayout()
        demo_form.setContentsMargins(24, 0, 0, 0)
        demo_form.addRow("Orders", self.orders)
        lay.addLayout(demo_form)
        lay.addWidget(self.empty)
        form = QFormLayout()
        form.setContentsMargins(24, 0, 0, 0)
        self.name = QLineEdit(objectName="company_name", placeholderText="e.g. Nordhaven Metals")
        self.currency = QComboBox(objectName="currency")
        self.currency.addItems(sorted(known_currencies()))
        self.currency.setCurrentText("EUR")
        form.addRow("Company &name", self.name)
        form.addRow("&Currency", self.currency)
        lay.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        lay.addWidget(self.progress)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.cancel)
        lay.addWidget(self.buttons)
        self.empty.toggled.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        empty = self.empty.isChecked()
        self.name.setEnabled(empty)
        self.currency.setEnabled(empty)
        self.orders.setEnabled(not empty)

    def start(self) -> None:
        if self.empty.isChecked():
            try:
                create_company(self.store, self.name.text(), self.currency.currentText())
            except OrderDeskError as e:
                self.ui.error(self, "Company not created", str(e))
                return
            self.accept()
            return
        from orderdesk.reports.samples import generate_demo

        n = self.orders.value()
        store = self.store
        self.progress.setVisible(True)
        self.progress.setRange(0, n)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        for w in (self.demo, self.empty, self.orders):
            w.setEnabled(False)

        def work(state: TaskState) -> dict[str, int]:
            return generate_demo(store, n, progress=lambda done, total: state.progress(done, total))

        self.task = self.runner.submit("Demo data", work, on_done=self._done,
                                       on_error=self._failed,
                                       on_progress=lambda d, t, _s: self.progress.setValue(d))
        self.task.cancelled.connect(self.reject)

    def _done(self, counts: Any) -> None:
        self.counts = counts
        self.accept()

    def _failed(self, e: BaseException) -> None:
        self.ui.error(self, "Demo data failed", str(e))
        self.reject()

    def cancel(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()  # stops after the current batch; rejected when it has
            return
        self.reject()
