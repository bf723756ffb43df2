"""The File menu's export, import and template commands: dialogs, background jobs, messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir, QItemSelectionModel, QObject, Signal

from orderdesk.core import Desk, OrderDeskError, OrderQuery
from orderdesk.exchange import (
    ExchangeError,
    ImportPlan,
    ImportResult,
    Selection,
    apply_import,
    export_csv,
    export_xlsx,
    export_zip,
    plan_import,
    write_templates,
)
from orderdesk.ui import settings as S
from orderdesk.ui.actions import A, Actions
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.exchange.choices import (
    FORMATS,
    IMPORT_FILTER,
    ExportDialog,
    FileChooser,
    with_suffix,
)
from orderdesk.ui.exchange.preview import ImportPreviewDialog
from orderdesk.ui.exchange.running import ProgressRun
from orderdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from orderdesk.ui.mainwindow import MainWindow

# Where the last exchange file was picked: the next dialog opens there.
LAST_DIR = S.Option[str]("exchange/last_dir", "", str)

_RUN = {"csv": export_csv, "zip": export_zip, "xlsx": export_xlsx}


@dataclass
class Host:
    """What the exchange commands need from the window, and nothing more."""

    parent: QWidget
    desk: Callable[[], Desk]
    query: Callable[[], OrderQuery]  # the list's current filter
    view_title: Callable[[], str]
    selection: QItemSelectionModel
    selected_ids: Callable[[], list[str]]  # the selected rows' order ids
    row_count: Callable[[], int]
    runner: TaskRunner
    ui: Ui
    actions: Actions
    settings: S.Settings
    status: Callable[[str, int], None]


class ExchangeController(QObject):
    """Runs exports, imports and the template command; the window only wires the actions."""

    job_started = Signal(object)  # the ProgressRun of each export/import step, as it starts

    def __init__(self, host: Host) -> None:
        super().__init__(host.parent)
        self.host = host
        self.chooser = FileChooser()
        a = host.actions
        a[A.EXPORT_CSV].triggered.connect(lambda: self.export("csv"))
        a[A.EXPORT_ZIP].triggered.connect(lambda: self.export("zip"))
        a[A.EXPORT_XLSX].triggered.connect(lambda: self.export("xlsx"))
        a[A.EXPORT_SELECTION].triggered.connect(self.export_selection)
        a[A.IMPORT].triggered.connect(self.import_files)
        a[A.IMPORT_TEMPLATES].triggered.connect(self.save_templates)
        host.selection.selectionChanged.connect(lambda *_: self._update_action())
        host.selection.model().modelReset.connect(self._update_action)
        self._update_action()

    @classmethod
    def for_window(cls, w: MainWindow) -> ExchangeController:
        return cls(Host(
            parent=w, desk=lambda: w.desk, query=lambda: w.model.query,
            view_title=lambda: w.filters.view().title + (f", search “{w.search.text().strip()}”"
                                                         if w.search.text().strip() else ""),
            selection=w.table.selectionModel(), selected_ids=w.table.selected_uuids,
            row_count=w.model.rowCount, runner=w.runner, ui=w.ui, actions=w.actions_,
            settings=w.settings, status=lambda text, ms: w.statusBar().showMessage(text, ms)))

    def _update_action(self) -> None:
        self.host.actions[A.EXPORT_SELECTION].setEnabled(self.host.selection.hasSelection())

    # ---- export ----
    def _selected_count(self) -> int:
        ranges = self.host.selection.selection()
        return sum(r.height() for r in ranges)  # type: ignore[attr-defined]  # a QList

    def _selection(self) -> Selection:
        # Everything selected: export the query (constant memory at a million orders)
        # rather than a million ids.
        if self._selected_count() >= self.host.row_count() > 0:
            return self.host.query()
        return self.host.selected_ids()

    def export_selection(self) -> None:
        self.export(None, "selection")

    def export(self, fmt: str | None, scope: str = "filter") -> None:
        """Asks format and scope (a menu entry ticks its format), then the file, then runs."""
        h = self.host
        counts = {"company": h.desk().listing.count(OrderQuery(stages=())),
                  "filter": h.row_count(), "selection": self._selected_count()}
        dlg = ExportDialog(h.parent, fmt or "xlsx", scope, counts, h.view_title())
        if not h.ui.run_dialog(dlg):
            return
        fmt, scope = dlg.choice()
        f = FORMATS[fmt]
        name = {"csv": "orders", "zip": "orders-and-lines", "xlsx": "orders"}[fmt]
        suggested = str(Path(self._dir()) / f"{name}-{date.today().isoformat()}{f.suffix}")
        path = self.chooser.save_path(h.parent, "Export orders to", suggested, f.filter)
        if not path:
            return
        path = with_suffix(path, f.suffix)
        self._remember(path)
        what: Selection = (None if scope == "company" else h.query() if scope == "filter"
                           else self._selection())
        self.run_export(fmt, what, path)

    def run_export(self, fmt: str, what: Selection, path: str) -> None:
        h, desk, fn = self.host, self.host.desk(), _RUN[fmt]
        run = self._progress("Exporting",
                             lambda d, t: f"Exporting orders… {d:,} of {t:,}" if t else
                             "Exporting orders…")

        def done(got: Any) -> None:
            orders, lines = got if isinstance(got, tuple) else (got, None)
            counts = _n(orders, "order", "orders") + (
                f" and {_n(lines, 'line', 'lines')}" if lines is not None else "")
            h.status(f"Exported {counts} to {Path(path).name}", 10000)
            h.ui.info(h.parent, "Export finished", f"{counts} written to\n{path}")

        def cancelled() -> None:
            h.status("Export cancelled; no file was written", 10000)

        run.start("Export", lambda progress: fn(desk, what, path, progress),  # type: ignore[operator]
                  on_done=done, on_cancel=cancelled,
                  on_error=lambda e: self._failed("Export failed", e, "No file was written."))

    # ---- import ----
    def import_files(self) -> None:
        h = self.host
        paths = self.chooser.open_paths(h.parent, "Import orders and/or lines (one or two files)",
                                        self._dir(), IMPORT_FILTER)
        if not paths:
            return
        if len(paths) > 2:
            h.ui.error(h.parent, "Import", "Choose one or two files: an orders file and/or a "
                       f"lines file ({len(paths)} were chosen).")
            return
        self._remember(paths[0])
        self.plan(paths)

    def plan(self, paths: list[str]) -> None:
        """Reads and checks the files off the GUI thread, then shows the preview."""
        desk = self.host.desk()
        run = self._progress("Reading the import",
                             lambda d, _t: f"Reading and checking… {d:,} rows" if d else
                             "Reading and checking the files…")
        run.start("Import check", lambda progress: plan_import(desk, paths, progress),
                  on_done=lambda plan: self.preview(plan, desk),
                  on_cancel=lambda: self.host.status("Import cancelled; nothing was written",
                                                     10000),
                  on_error=lambda e: self._failed("Import failed", e,
                                                  "Nothing was written."))

    def preview(self, plan: ImportPlan, desk: Desk) -> None:
        dlg = ImportPreviewDialog(plan, self.host.parent)
        if not self.host.ui.run_dialog(dlg) or not (plan.ok and plan.changes_anything):
            return
        self.commit(plan, desk)

    def commit(self, plan: ImportPlan, desk: Desk) -> None:
        """Writes the checked plan in one transaction; Cancel rolls all of it back."""
        h = self.host
        run = self._progress("Importing", lambda d, t: f"Importing orders… {d:,} of {t:,}"
                             if t else "Importing orders…")

        def done(r: ImportResult) -> None:
            text = (f"{_n(r.created, 'new order', 'new orders')}, {r.updated:,} updated, "
                    f"{_n(r.lines, 'line', 'lines')}, "
                    f"{_n(r.new_customers, 'new customer', 'new customers')}")
            h.status(f"Imported: {text}", 10000)
            h.ui.info(h.parent, "Import finished", f"Imported from "
                      f"{', '.join(Path(f).name for f, _ in plan.files)}:\n{text}.")

        run.start("Import", lambda progress: apply_import(desk, plan, progress),
                  on_done=done,
                  on_cancel=lambda: h.status("Import cancelled; nothing was written", 10000),
                  on_error=lambda e: self._failed("Import failed", e, "Nothing was written."))

    # ---- templates ----
    def save_templates(self) -> None:
        h = self.host
        path = self.chooser.save_path(h.parent, "Save import templates",
                                      str(Path(self._dir()) / "orderdesk-import-templates.zip"),
                                      FORMATS["zip"].filter)
        if not path:
            return
        path = with_suffix(path, ".zip")
        self._remember(path)

        def done(_r: Any) -> None:
            h.status(f"Templates saved to {Path(path).name}", 10000)
            h.ui.info(h.parent, "Import templates saved",
                      f"{path}\n\nholds orders-template.csv and order-line-items-template.csv: "
                      "the headers and one example row each.")

        h.runner.submit("Templates", lambda _state: write_templates(path), on_done=done,
                        on_error=lambda e: self._failed("Templates not saved", e, ""))

    # ---- shared ----
    def _progress(self, title: str, describe: Callable[[int, int], str]) -> ProgressRun:
        run = ProgressRun(self.host.runner, self.host.parent, title, describe)
        self.job_started.emit(run)
        return run

    def _failed(self, title: str, e: BaseException, after: str) -> None:
        known = isinstance(e, (ExchangeError, OrderDeskError, OSError))
        text = str(e) if known else f"{type(e).__name__}: {e}"
        self.host.status("", 0)
        self.host.ui.error(self.host.parent, title, f"{text}\n\n{after}".strip())

    def _dir(self) -> str:
        d = self.host.settings.get(LAST_DIR)
        return d if d and Path(d).is_dir() else QDir.homePath()

    def _remember(self, path: str) -> None:
        self.host.settings.set(LAST_DIR, str(Path(path).parent))


def _n(value: int, one: str, many: str) -> str:
    return f"{value:,} {one if value == 1 else many}"
