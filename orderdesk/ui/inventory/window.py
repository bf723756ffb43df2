"""The inventory window: stock lots with search and filters, their certificates and orders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow,
    QSplitter, QTabWidget, QToolBar, QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.inventory import Lot
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.inventory.lot_dialog import LotDialog
from orderdesk.ui.inventory.models import (
    ANY, C_AVAIL, C_CERT, C_ITEM, C_LOC, C_LOT, C_NAME, C_QTY, C_RES, C_UNIT, WITH, WITHOUT,
    LotFilter, LotTableModel, RowsModel,
)
from orderdesk.ui.inventory.reserve import table
from orderdesk.ui.inventory.trace import lot_columns
from orderdesk.ui.tasks import TaskRunner, TaskState


class InventoryWindow(QMainWindow):
    """Stock lots: add, edit, deactivate, import from CSV; certificates by drag and drop."""

    def __init__(self, desk: Desk, runner: TaskRunner, *, fmt: Formatter | None = None,
                 ui: Ui | None = None, bridge: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inventory_window")
        self.setWindowTitle("Inventory — OrderDesk")
        self.desk, self.runner, self.bridge = desk, runner, bridge
        self.fmt = fmt or Formatter("en_US")
        self.ui = ui or Ui()
        # Replaceable in tests: the file an import reads.
        self.ask_import_path: Callable[[], str] = self._ask_import_path
        self.model = LotTableModel(self._fetch, self.fmt, self)
        self.table = table(self.model, "lots_table")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(C_ITEM, Qt.SortOrder.AscendingOrder)
        fm = self.fontMetrics()
        for col, sample in ((C_ITEM, "BAR-S355-40__"), (C_NAME, "x" * 30), (C_LOT, "H-2026-0000_"),
                            (C_QTY, "00,000.000"), (C_RES, "00,000.000"), (C_AVAIL, "Available_"),
                            (C_UNIT, "Unit__"), (C_LOC, "Hall B / 12__"),
                            (C_CERT, "Certificates_")):
            self.table.horizontalHeader().resizeSection(col, fm.horizontalAdvance(sample) + 14)
        # The name takes the spare width; the numbers and the certificate count stay narrow.
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(C_NAME, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _ix: self.edit_current())

        self.search = QLineEdit(objectName="lot_search", clearButtonEnabled=True)
        self.search.setPlaceholderText("Search item, name, lot/heat, location…")
        self.item_filter = QLineEdit(objectName="lot_item_filter", clearButtonEnabled=True)
        self.item_filter.setPlaceholderText("Item code")
        self.lot_filter = QLineEdit(objectName="lot_number_filter", clearButtonEnabled=True)
        self.lot_filter.setPlaceholderText("Lot / heat")
        self.location_filter = QLineEdit(objectName="lot_location_filter", clearButtonEnabled=True)
        self.location_filter.setPlaceholderText("Location")
        self.cert_filter = QComboBox(objectName="lot_cert_filter")
        for text, key in (("Any certificate state", ANY), ("With certificate", WITH),
                          ("Without certificate", WITHOUT)):
            self.cert_filter.addItem(text, key)
        self.inactive = QCheckBox("Include deactivated", objectName="lot_inactive")
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.apply_filter)
        for w in (self.search, self.item_filter, self.lot_filter, self.location_filter):
            w.textChanged.connect(lambda _t: self._timer.start())
            w.returnPressed.connect(self.apply_filter)
        self.cert_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.inactive.toggled.connect(lambda _on: self.apply_filter())
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for w in (self.item_filter, self.lot_filter, self.location_filter):
            bar.addWidget(w, 1)
        bar.addWidget(self.cert_filter)
        bar.addWidget(self.inactive)

        self.tabs = QTabWidget(objectName="lot_tabs")
        self.cert_holder = QWidget()
        self.cert_layout = QVBoxLayout(self.cert_holder)
        self.cert_layout.setContentsMargins(0, 0, 0, 0)
        self.cert_panel: QWidget | None = None
        self.cert_hint = QLabel("Select a lot to see its certificates; drop PDF, JPG or PNG "
                                "files on them to attach.")
        self.cert_layout.addWidget(self.cert_hint)
        self.served = RowsModel(lot_columns(self.fmt), self)
        self.served_table = table(self.served, "lot_served")
        self.tabs.addTab(self.cert_holder, "Certificates")
        self.tabs.addTab(self.served_table, "Orders served")

        top = QWidget()
        col = QVBoxLayout(top)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(bar)
        col.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="inventory_splitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.tabs)
        self.splitter.setSizes([430, 330])
        self.setCentralWidget(self.splitter)
        self.count = QLabel(objectName="lot_count")
        self.statusBar().addPermanentWidget(self.count)

        self.acts: dict[str, QAction] = {}
        tb = QToolBar("Inventory", objectName="inventory_toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for key, text, keys, slot in (
                ("add", "&Add lot…", QKeySequence.StandardKey.New, self.add_lot),
                ("edit", "&Edit…", "F2", self.edit_current),
                ("deactivate", "&Deactivate", QKeySequence.StandardKey.Delete,
                 self.toggle_active),
                ("import", "&Import CSV…", "Ctrl+I", self.import_dialog),
                ("refresh", "Re&fresh", QKeySequence.StandardKey.Refresh, self.reload)):
            act = QAction(text, self, objectName=f"inv_{key}")
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _on=False, f=slot: f())
            tb.addAction(act)
            self.acts[key] = act
        self.addToolBar(tb)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._current_changed())
        self.model.modelReset.connect(self._current_changed)
        if bridge is not None:
            bridge.changed.connect(self._on_changes)
        self._shown_lot: str | None = None
        self.resize(1180, 800)
        self.reload()

    # ---- the list ----
    def _fetch(self, flt: LotFilter) -> list[Lot]:
        return self.desk.inventory.lots(search=flt.search, include_inactive=flt.include_inactive)

    def current_filter(self) -> LotFilter:
        return LotFilter(search=self.search.text().strip(),
                         item_code=self.item_filter.text().strip(),
                         lot=self.lot_filter.text().strip(),
                         location=self.location_filter.text().strip(),
                         certificates=self.cert_filter.currentData(),
                         include_inactive=self.inactive.isChecked())

    def apply_filter(self) -> None:
        self._timer.stop()
        keep = self.current_lot()
        self.model.set_filter(self.current_filter())
        self._reselect(keep.id if keep else None)

    def reload(self) -> None:
        keep = self.current_lot()
        self.model.filter = self.current_filter()
        self.model.reload()
        self._reselect(keep.id if keep else None)

    def _reselect(self, lot_id: str | None) -> None:
        row = self.model.row_of(lot_id) if lot_id else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.selectRow(row)
        n = self.model.rowCount()
        nocert = sum(1 for lot in self.model.rows if not lot.certificates and lot.active)
        self.count.setText(f"{n:,} {'lot' if n == 1 else 'lots'}" +
                           (f" · {nocert:,} without certificate" if nocert else ""))
        self._current_changed()

    def current_lot(self) -> Lot | None:
        ix = self.table.currentIndex()
        return self.model.lot(ix.row()) if ix.isValid() else None

    def select_lot(self, lot_id: str) -> bool:
        row = self.model.row_of(lot_id)
        if row is not None:
            self.table.selectRow(row)
        return row is not None

    def _current_changed(self) -> None:
        lot = self.current_lot()
        self.acts["edit"].setEnabled(lot is not None)
        self.acts["deactivate"].setEnabled(lot is not None)
        self.acts["deactivate"].setText("&Reactivate" if lot and not lot.active else "&Deactivate")
        lot_id = lot.id if lot else None
        if lot_id != self._shown_lot:
            self._shown_lot = lot_id
            self._show_certificates(lot)
        self.served.set_rows(self.desk.inventory.reservations(lot=lot_id) if lot_id else [])
        orders = {r.order_number for r in self.served.rows}
        self.tabs.setTabText(1, f"Orders served ({len(orders)})")

    def _show_certificates(self, lot: Lot | None) -> None:
        from orderdesk.ui.attachments import AttachmentPanel

        if self.cert_panel is not None:
            self.cert_layout.removeWidget(self.cert_panel)
            # Hidden at once: the deferred delete only happens when the loop comes round.
            self.cert_panel.hide()
            self.cert_panel.deleteLater()
            self.cert_panel = None
        self.cert_hint.setVisible(lot is None)
        if lot is None or not lot.id:
            return
        self.cert_panel = AttachmentPanel(self.desk, self.runner, lot=lot.id, ui=self.ui,
                                          bridge=self.bridge)
        self.cert_layout.addWidget(self.cert_panel)
        self.tabs.setTabText(0, f"Certificates — {lot.lot or lot.name}")

    # ---- changes ----
    def add_lot(self) -> Lot | None:
        dlg = LotDialog(self.desk, None, self)
        flt = self.current_filter()
        if flt.item_code:
            dlg.item_code.setText(flt.item_code)
        if self.ui.run_dialog(dlg) and dlg.saved is not None:
            self.reload()
            self.select_lot(dlg.saved.id or "")
            self.statusBar().showMessage(f"Lot {dlg.saved.lot or dlg.saved.name} added", 5000)
            return dlg.saved
        return None

    def edit_current(self) -> Lot | None:
        lot = self.current_lot()
        if lot is None or not lot.id:
            return None
        dlg = LotDialog(self.desk, self.desk.inventory.get(lot.id), self)
        if self.ui.run_dialog(dlg) and dlg.saved is not None:
            self.reload()
            return dlg.saved
        return None

    def toggle_active(self) -> None:
        lot = self.current_lot()
        if lot is None or not lot.id:
            return
        full = self.desk.inventory.get(lot.id)
        if full.active and not self.ui.confirm(
                self, "Deactivate lot", f"Deactivate lot {lot.lot or lot.name}?\n\nIt can no "
                "longer be reserved; existing reservations stay. “Include deactivated” shows it "
                "again to reactivate.", "Deactivate"):
            return
        try:
            self.desk.inventory.save(replace(full, active=not full.active))
        except OrderDeskError as e:
            self.ui.error(self, "Lot not changed", str(e))
            return
        self.statusBar().showMessage(f"Lot {lot.lot or lot.name} "
                                     f"{'deactivated' if full.active else 'reactivated'}", 5000)
        self.reload()

    def _ask_import_path(self) -> str:
        path, _f = QFileDialog.getOpenFileName(self, "Import lots from CSV", "",
                                               "CSV files (*.csv *.txt);;All files (*)")
        return path

    def import_dialog(self) -> None:
        path = self.ask_import_path()
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        """Imports in the worker; all or nothing, every problem listed when refused."""
        from orderdesk.exchange.lots import LotImportRefused, import_lots

        desk = self.desk
        name = Path(path).name

        def work(state: TaskState) -> Any:
            return import_lots(desk, path, progress=lambda d, t: state.progress(
                d, t, f"Importing {name}: {d:,} of {t:,} lots"))

        def failed(e: BaseException) -> None:
            self.statusBar().clearMessage()
            if isinstance(e, LotImportRefused):
                self.ui.error(self, f"{name} not imported", str(e))
            else:
                self.ui.error(self, f"{name} not imported", f"{type(e).__name__}: {e}")

        def done(result: Any) -> None:
            self.reload()
            self.statusBar().showMessage(f"{name}: {result.summary()}", 10000)

        self.statusBar().showMessage(f"Importing {name}…")
        self.runner.submit("Importing lots", work, on_done=done, on_error=failed,
                           on_progress=lambda d, t, text: self.statusBar().showMessage(text))

    def _on_changes(self, changes: Any) -> None:
        if changes.company_id != self.desk.company_id:
            return
        if changes.lots or changes.attachments or changes.lines:
            self.reload()
