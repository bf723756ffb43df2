"""The history timeline panel of an order: filters, the lazy tree, export, live updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTreeView, QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.history import HistoryFilter
from orderdesk.core.timeline import TimelinePager, facets
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.tasks import TaskRunner, TaskState
from orderdesk.ui.timeline.model import TimelineModel


class TimelinePanel(QWidget):
    """Every event of one order, newest first, grouped by who and the minute."""

    exported = Signal(str)  # the written file's path

    def __init__(self, desk: Desk, bridge: Any, order: str, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None, ui: Ui | None = None,
                 page_size: int = 100) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_panel")
        self.desk, self.order = desk, order
        self.runner = runner or TaskRunner(parent=self)
        self.ui = ui or Ui()
        self.model = TimelineModel(desk, order, page_size=page_size, parent=self)
        # QTreeView's layout keeps fetching until there are as many TOP-LEVEL rows as fit on
        # screen; ours are groups of up to hundreds of events, so it loaded 1,600 events
        # (300+ ms) for the first screen of a 10,000-event order. Pages are pulled here
        # instead, when the list is scrolled near its end (see _maybe_fetch).
        self.model.auto_fetch = False

        self.entity = QComboBox(objectName="tl_entity")
        self.field = QComboBox(objectName="tl_field")
        self.user = QComboBox(objectName="tl_user")
        self.text = QLineEdit(objectName="tl_text")
        self.text.setPlaceholderText("Filter text…")
        self.text.setClearButtonEnabled(True)
        self.pdf_button = QPushButton("Export PDF…", objectName="tl_pdf")
        self.xlsx_button = QPushButton("Export XLSX…", objectName="tl_xlsx")
        self.pdf_button.clicked.connect(lambda: self.export_dialog("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export_dialog("xlsx"))
        top = QHBoxLayout()
        for w in (self.entity, self.field, self.user):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            top.addWidget(w)
        top.addWidget(self.text, 1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)

        self.view = QTreeView(objectName="timeline_view")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)  # no measuring of rows: lazy pages stay cheap
        self.view.setRootIsDecorated(True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        hh = self.view.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 90)
        hh.resizeSection(2, 80)
        self.count = QLabel(objectName="tl_count")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.count)

        self._text_timer = QTimer(self, singleShot=True, interval=250)
        self._text_timer.timeout.connect(self.apply_filter)
        self.text.textChanged.connect(lambda _t: self._text_timer.start())
        self.text.returnPressed.connect(self.apply_filter)
        for box in (self.entity, self.field, self.user):
            box.activated.connect(lambda _i: self.apply_filter())
        sb = self.view.verticalScrollBar()
        sb.valueChanged.connect(lambda _v: self._maybe_fetch())
        sb.rangeChanged.connect(lambda _a, _b: self._maybe_fetch())
        self.model.rowsInserted.connect(self._expand_new)
        self.model.modelReset.connect(self._after_reset)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        self._fill_facets()
        self._after_reset()
        if bridge is not None:
            bridge.changed.connect(self._on_changes)

    # ---- filters ----
    def _fill_facets(self) -> None:
        try:
            f = facets(self.desk, self.order)
        except OrderDeskError:
            return
        for box, first, values in ((self.entity, "All entities", f.entity_types),
                                   (self.field, "All fields", f.fields),
                                   (self.user, "All users", f.actors)):
            keep = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(first, None)
            for value, label in values:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(keep)))
            box.blockSignals(False)

    def current_filter(self) -> HistoryFilter:
        return HistoryFilter(entity_type=self.entity.currentData(), field=self.field.currentData(),
                             actor=self.user.currentData(), text=self.text.text().strip() or None)

    def apply_filter(self) -> None:
        self._text_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter:
            self.model.set_filter(flt)

    # ---- view ----
    def _expand_new(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        for r in range(first, last + 1):
            ix = self.model.index(r, 0)
            self.view.setFirstColumnSpanned(r, QModelIndex(), True)
            self.view.expand(ix)

    def _maybe_fetch(self) -> None:
        """The next page once the end of what is loaded is (nearly) on screen."""
        sb = self.view.verticalScrollBar()
        if (self.view.isVisible() and self.model.has_more
                and sb.value() >= sb.maximum() - sb.pageStep() // 4):
            self.model.fetch_page()
            # If the list still fits, the scroll bar has nothing to say: look again once
            # the new rows are laid out.
            QTimer.singleShot(0, self._maybe_fetch)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._maybe_fetch)  # a tall window may show all that is loaded

    def _after_reset(self) -> None:
        self._expand_new(QModelIndex(), 0, self.model.rowCount() - 1)
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.event_count()
        more = " · more below as you scroll" if self.model.has_more else ""
        f = self.model.filter
        filtered = any((f.entity_type, f.field, f.actor, f.text))
        self.count.setText(f"{n:,} event{'s' if n != 1 else ''} shown"
                           f"{' (filtered)' if filtered else ''}{more}")

    # ---- live ----
    def _on_changes(self, changes: Any) -> None:
        if changes.company_id != self.desk.company_id:
            return
        if self.order in changes.orders or changes.attachments or changes.lines or changes.lots:
            try:
                if self.model.refresh_newer():
                    self._fill_facets()
                    self._update_count()
            except OrderDeskError:
                pass  # the order went away; what is shown stays readable

    # ---- export (off the GUI thread; the whole filtered timeline, not just what is loaded) --
    def export(self, path: str, kind: str) -> None:
        desk, order, flt = self.desk, self.order, self.model.filter
        number = desk.orders.get(order).number
        title = f"History of order {number}"
        company = desk.company().name

        def work(state: TaskState) -> str:
            from orderdesk.exchange.timeline_xlsx import timeline_xlsx
            from orderdesk.reports.timeline import timeline_pdf

            state.progress(0, 2, "Reading the history")
            events = TimelinePager(desk, order, flt, page_size=1000).all()
            state.check()
            state.progress(1, 2, f"Writing {len(events):,} events")
            if kind == "pdf":
                note = _filter_note(flt)
                return str(timeline_pdf(events, path, title, company=company, note=note))
            return str(timeline_xlsx(events, path))

        self.count.setText(f"Exporting to {Path(path).name}…")
        self.runner.submit(f"Exporting history to {kind.upper()}", work,
                           on_done=self._exported, on_error=self._export_failed)

    def _exported(self, path: str) -> None:
        self._update_count()
        self.count.setText(self.count.text() + f" · exported to {path}")
        self.exported.emit(path)

    def _export_failed(self, e: BaseException) -> None:
        self._update_count()
        self.ui.error(self, "Export failed", str(e) if isinstance(e, OrderDeskError)
                      else f"{type(e).__name__}: {e}")

    def export_dialog(self, kind: str) -> None:
        number = self.desk.orders.get(self.order).number
        name = f"history-{number}.{kind}"
        flt = "PDF (*.pdf)" if kind == "pdf" else "Excel workbook (*.xlsx)"
        path, _f = QFileDialog.getSaveFileName(self, "Export history", name, flt)
        if path:
            self.export(path, kind)


def _filter_note(f: HistoryFilter) -> str:
    parts = [f"{k}: {v}" for k, v in (("entity", f.entity_type), ("field", f.field),
                                       ("user", f.actor), ("text", f.text)) if v]
    return "Filtered by " + ", ".join(parts) if parts else ""
