"""The main window: the order list with its filters, search, actions and status bar."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QLabel, QLineEdit, QMainWindow, QMenu, QSizePolicy, QSplitter, QToolButton,
    QWidget,
)

from orderdesk.core import Desk, OrderDeskError, Store, companies
from orderdesk.ui import settings as S
from orderdesk.ui.actions import A, Actions
from orderdesk.ui.bridge import ChangeBridge
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.filters import VIEWS, FilterPanel
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.order_model import COLUMNS, OrderListModel
from orderdesk.ui.order_table import OrderTable
from orderdesk.ui.tasks import TaskRunner, TaskState


class SearchTable(OrderTable):
    """The list hands typed characters to the search field (type-to-search)."""

    typed: Callable[[str], None] | None = None

    def keyboardSearch(self, search: str) -> None:
        # Qt's default walks every row looking for a prefix: never at a million rows.
        if self.typed is not None:
            self.typed(search)


class MainWindow(QMainWindow):
    def __init__(self, store: Store, desk: Desk, *, settings: S.Settings,
                 runner: TaskRunner | None = None, ui: Ui | None = None,
                 fmt: Formatter | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.store, self.desk, self.settings = store, desk, settings
        self.runner = runner or TaskRunner(parent=self)
        self.ui = ui or Ui()
        if fmt is None:
            from PySide6.QtCore import QLocale

            fmt = Formatter(QLocale().name())
        self.fmt = fmt
        self._status_names: dict[str, str] = {}
        self._windows: dict[str, QWidget] = {}
        self._flows: set[Any] = set()  # attach flows still running (kept alive until done)
        self.actions_ = Actions(self)
        self.bridge = ChangeBridge(store, self)
        self.bridge.changed.connect(self._on_changes)
        from orderdesk.ui.editor.host import EditorHost, recovery_beside

        # Orders open in editor windows; unsaved edits are kept in recovery files.
        self.editors = EditorHost(lambda: self.desk, fmt=self.fmt, ui=self.ui,
                                  recovery=recovery_beside(settings.q.fileName()),
                                  runner=self.runner, bridge=self.bridge,
                                  status_name=self._status_name, parent=self)

        self._load_status_names()
        self.model = OrderListModel(desk.listing, fmt, self._status_name, self,
                                    count_async=self._count_in_background)
        self.table = SearchTable(self.model)
        self.table.typed = self._type_to_search
        self.filters = FilterPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="main_splitter")
        self.splitter.addWidget(self.filters)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 1050])
        self.setCentralWidget(self.splitter)

        self.search = QLineEdit(objectName="search")
        self.search.setPlaceholderText("Search number, reference, customer, item…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.search.installEventFilter(self)
        self.company_box = QComboBox(objectName="company_box")
        self.company_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._search_timer = QTimer(self, singleShot=True)
        self._search_timer.setInterval(settings.get(S.SEARCH_DELAY_MS))
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)

        self.count_label = QLabel(objectName="count_label")
        self.company_label = QLabel()
        self.statusBar().addPermanentWidget(self.company_label)
        self.statusBar().addPermanentWidget(self.count_label)
        self._build_menus()
        self._build_toolbar()
        self._connect()
        from orderdesk.ui.exchange import ExchangeController

        self.exchange = ExchangeController.for_window(self)  # File › Export, Import, templates
        from orderdesk.ui.inventory.wiring import install as install_inventory
        from orderdesk.ui.reports_menu import ReportsMenu

        install_inventory(self)  # Catalogue › Inventory, Order › Traceability
        self.reports = ReportsMenu(self)  # the Reports menu
        self._fill_companies()
        self._refresh_choices()
        self.resize(1280, 800)
        self._restore_layout()
        self.filters.set_view(settings.get(S.ORDER_VIEW))
        self.apply_filters()
        self.table.setFocus()
        self._update_title()

    # ---- building ----
    def _build_menus(self) -> None:
        a, mb = self.actions_, self.menuBar()
        m = mb.addMenu("&File")
        for k in (A.NEW, A.OPEN, A.EXPORT_SELECTION):
            m.addAction(a[k])
        self.export_menu = m.addMenu("E&xport")
        for k in (A.EXPORT_CSV, A.EXPORT_ZIP, A.EXPORT_XLSX):
            self.export_menu.addAction(a[k])
        m.addAction(a[A.IMPORT])
        m.addAction(a[A.IMPORT_TEMPLATES])
        m.addSeparator()
        m.addAction(a[A.BACKUP])
        m.addSeparator()
        m.addAction(a[A.QUIT])
        m = mb.addMenu("&Edit")
        for k in (A.SELECT_ALL, A.DELETE, A.RESTORE):
            m.addAction(a[k])
        self.status_menu = QMenu("Change &status", self)
        self.status_menu.aboutToShow.connect(self._fill_status_menu)
        a[A.CHANGE_STATUS].setMenu(self.status_menu)
        m.addAction(a[A.CHANGE_STATUS])
        m.addSeparator()
        m.addAction(a[A.FIND])
        m = mb.addMenu("&View")
        self.view_group = QActionGroup(self)
        for i, v in enumerate(VIEWS):
            act = QAction(v.title, self, checkable=True)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.setData(v.key)
            act.triggered.connect(lambda _on=False, k=v.key: self.filters.set_view(k))
            self.view_group.addAction(act)
            m.addAction(act)
        m.addSeparator()
        m.addAction(a[A.FILTERS])
        m.addAction(a[A.CLEAR_FILTERS])
        self.columns_menu = m.addMenu("&Columns")
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        m.addAction(a[A.REFRESH])
        m = mb.addMenu("&Order")
        for k in (A.ATTACHMENTS, A.TIMELINE, A.ADD_LOG):
            m.addAction(a[k])
        m = mb.addMenu("&Catalogue")
        for k in (A.CUSTOMERS, A.ITEMS, A.STATUSES):
            m.addAction(a[k])
        m = mb.addMenu("&Help")
        m.addAction(a[A.ABOUT])

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Main")
        tb.setObjectName("main_toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        a = self.actions_
        for k in (A.NEW, A.OPEN, A.DELETE, A.RESTORE):
            tb.addAction(a[k])
        tb.addAction(a[A.CHANGE_STATUS])
        btn = tb.widgetForAction(a[A.CHANGE_STATUS])
        if isinstance(btn, QToolButton):
            btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        tb.addAction(a[A.EXPORT_SELECTION])
        tb.addAction(a[A.REFRESH])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        self.company_action = tb.addWidget(self.company_box)
        tb.addWidget(self.search)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for k in (A.OPEN, A.ATTACHMENTS, A.TIMELINE, A.ADD_LOG, A.DELETE, A.RESTORE,
                  A.CHANGE_STATUS, A.EXPORT_SELECTION):
            self.table.addAction(a[k])

    def _connect(self) -> None:
        a = self.actions_
        a[A.NEW].triggered.connect(self.new_order)
        a[A.OPEN].triggered.connect(self.open_current)
        a[A.DELETE].triggered.connect(self.delete_selected)
        a[A.RESTORE].triggered.connect(self.restore_selected)
        a[A.FIND].triggered.connect(self.focus_search)
        a[A.REFRESH].triggered.connect(self.refresh)
        a[A.QUIT].triggered.connect(self.close)
        a[A.BACKUP].triggered.connect(lambda: self.back_up())
        a[A.SELECT_ALL].triggered.connect(self.table.selectAll)
        a[A.CUSTOMERS].triggered.connect(lambda: self.show_window("customers"))
        a[A.ITEMS].triggered.connect(lambda: self.show_window("items"))
        a[A.STATUSES].triggered.connect(self.edit_statuses)
        a[A.FILTERS].setChecked(True)
        a[A.FILTERS].toggled.connect(self.filters.setVisible)
        a[A.CLEAR_FILTERS].triggered.connect(self.clear_filters)
        a[A.ABOUT].triggered.connect(self.about)
        a[A.ATTACHMENTS].triggered.connect(lambda: self.show_order_tool("attachments"))
        a[A.TIMELINE].triggered.connect(lambda: self.show_order_tool("timeline"))
        a[A.ADD_LOG].triggered.connect(self.add_log_entry)
        self.table.files_dropped.connect(self.attach_to_row)
        self.table.activated.connect(lambda _ix: self.open_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.model.counted.connect(lambda _n: self._update_count())
        self.filters.changed.connect(self.apply_filters)
        self.company_box.activated.connect(self._company_chosen)

    # ---- the query ----
    def apply_filters(self) -> None:
        self._search_timer.stop()
        q = self.filters.apply(self.model.query).with_(text=self.search.text().strip())
        if q != self.model.query:
            self.model.set_query(q)
        v = self.filters.view()
        for act in self.view_group.actions():
            act.setChecked(act.data() == v.key)
        self._update_count()
        self._update_actions()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    def _search_now(self) -> None:
        self.apply_filters()
        self.table.setFocus()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        v = self.filters.view()
        if self.model.counting:
            self.count_label.setText(f"counting… · {v.title}")
            return
        self.count_label.setText(f"{n:,} {'order' if n == 1 else 'orders'} · {v.title}")

    def back_up(self, path: str | None = None) -> None:
        """Copies the live database through SQLite's backup API, never by file copy."""
        if not self.store.is_sqlite:
            self.ui.info(self, "Back up database", "A shared PostgreSQL database is backed "
                         "up on its server (pg_dump).")
            return
        if path is None:
            from datetime import date

            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getSaveFileName(
                self, "Back up database", f"orderdesk-backup-{date.today().isoformat()}.sqlite3",
                "SQLite database (*.sqlite3 *.db)")
            if not path:
                return
        store = self.store
        self.runner.submit("Backing up", lambda _state: store.backup(path),
                           on_done=lambda _r: self.statusBar().showMessage(
                               f"Database backed up to {path}", 8000))

    def _count_in_background(self, q: Any, done: Callable[[int], None]) -> None:
        listing = self.desk.listing  # the core reads in the worker's own connection
        self.runner.submit("Counting orders", lambda _state: listing.count(q), on_done=done)

    def clear_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filters.clear()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _type_to_search(self, text: str) -> None:
        if text.strip():
            self.search.setFocus()
            self.search.setText(self.search.text() + text)

    def eventFilter(self, obj: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self._search_now()
                return True
            if event.key() == Qt.Key.Key_Escape:
                if self.search.text():
                    self.search.clear()
                else:
                    self.table.setFocus()
                return True
        return super().eventFilter(obj, event)

    def refresh(self) -> None:
        self._load_status_names()
        self._refresh_choices()
        self.model.reload()
        self._update_count()

    # ---- selection and actions ----
    def selected_ids(self) -> list[str]:
        sm = self.table.selectionModel()
        total = sum(r.height() for r in sm.selection())
        if total and total >= self.model.rowCount():  # everything: ask the core, not the cache
            return self.desk.listing.uuids(self.model.query)
        return self.table.selected_uuids()

    def _update_actions(self) -> None:
        a = self.actions_
        deleted = self.model.query.deleted
        has = self.table.selectionModel().hasSelection()
        a[A.OPEN].setEnabled(self.table.currentIndex().isValid())
        for k in (A.ATTACHMENTS, A.TIMELINE, A.ADD_LOG):
            a[k].setEnabled(self.table.currentIndex().isValid())
        a[A.DELETE].setEnabled(has and not deleted)
        a[A.RESTORE].setEnabled(has and deleted)
        a[A.CHANGE_STATUS].setEnabled(has and not deleted)
        sel = len(self.table.selectionModel().selectedRows()) if has else 0
        if sel > 1:
            self.statusBar().showMessage(f"{sel:,} selected", 3000)

    def _write(self, title: str, fn: Callable[[Desk], Any], done: Callable[[Any], None]) -> None:
        """Runs a core write off the GUI thread; the list follows through the bridge."""
        desk = self.desk
        self.statusBar().showMessage(f"{title}…")
        self.runner.submit(title, lambda _state: fn(desk), on_done=done,
                           on_error=lambda e: self._failed(title, e))

    def _failed(self, title: str, e: BaseException) -> None:
        self.statusBar().clearMessage()
        self.ui.error(self, f"{title} failed", str(e) if isinstance(e, OrderDeskError)
                      else f"{type(e).__name__}: {e}")

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.model.query.deleted:
            return
        n = len(ids)
        what = f"{n:,} orders" if n > 1 else f"order {self.model.row(self.table.selected_rows()[0]).number}"  # type: ignore[union-attr]
        if not self.ui.confirm(self, "Delete orders",
                               f"Delete {what}?\n\nDeleted orders can be restored from the "
                               "Deleted view; their stock reservations are released.",
                               f"Delete {n:,}" if n > 1 else "Delete"):
            return
        self._write("Deleting", lambda d: d.orders.delete(ids),
                    lambda r: self.statusBar().showMessage(f"Deleted {r.count:,} orders", 5000))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.model.query.deleted:
            return
        self._write("Restoring", lambda d: d.orders.restore(ids),
                    lambda r: self.statusBar().showMessage(f"Restored {r.count:,} orders", 5000))

    def set_status(self, code: str) -> None:
        ids = self.selected_ids()
        if not ids:
            return

        def done(r: Any) -> None:
            self.statusBar().showMessage(f"{len(r.changed):,} orders now "
                                         f"{self._status_name(code)}", 5000)
            if r.warnings:
                self.ui.info(self, "Status changed", "\n".join(r.warnings[:20]))

        self._write("Changing status", lambda d: d.lifecycle.set_status(ids, code), done)

    def _fill_status_menu(self) -> None:
        self.status_menu.clear()
        for s in self.desk.statuses.list():
            if s.code == "invoiced":
                continue  # set by upgrading to an invoice
            act = self.status_menu.addAction(s.name)
            act.setObjectName(f"status_{s.code}")
            act.triggered.connect(lambda _on=False, c=s.code: self.set_status(c))

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        for act in self.table.columns_menu().actions():
            act.setParent(self.columns_menu)
            self.columns_menu.addAction(act)

    # ---- windows and dialogs ----
    def open_current(self) -> None:
        from orderdesk.ui.order_view import OrderViewDialog

        ix = self.table.currentIndex()
        uuid = self.model.uuid(ix.row()) if ix.isValid() else None
        if uuid is None:
            return
        row = self.model.row(ix.row())
        if row is None or getattr(row, "active", True):
            self.editors.open(uuid)  # an order already open comes to the front
            return
        try:  # a deleted order is shown read-only
            order = self.desk.orders.get(uuid)
        except OrderDeskError as e:
            self.ui.error(self, "Cannot open the order", str(e))
            return
        dlg = OrderViewDialog(order, self.fmt, self._status_name(order.status or ""), self,
                              desk=self.desk, runner=self.runner, bridge=self.bridge, ui=self.ui)
        self.ui.run_dialog(dlg)

    # ---- attachments, timeline and log entries of the current order ----
    def attach_to_row(self, row: int, paths: list[str]) -> None:
        """Files dropped on a row: confirm step, then stored on that order off the GUI thread."""
        from orderdesk.ui.attachments.intake import AttachFlow, Incoming

        uuid, info = self.model.uuid(row), self.model.row(row)
        if uuid is None:
            return
        number = getattr(info, "number", "") or ""
        flow = AttachFlow(self.desk, self.runner, self.ui, self, order=uuid)
        flow.progressed.connect(lambda d, t, name: self.statusBar().showMessage(
            f"Attaching to {number}: {name} ({d + 1} of {t})…" if name else ""))
        flow.finished.connect(lambda _o: self.statusBar().showMessage(
            f"Order {number}: {flow.report.splitlines()[0] if flow.report else ''}", 10000))
        flow.finished.connect(lambda _o: self._flows.discard(flow))
        self._flows.add(flow)
        if not flow.start([Incoming.from_path(p) for p in paths]):
            self._flows.discard(flow)

    def _current_order(self) -> tuple[str, str] | None:
        ix = self.table.currentIndex()
        uuid = self.model.uuid(ix.row()) if ix.isValid() else None
        if uuid is None:
            return None
        return uuid, getattr(self.model.row(ix.row()), "number", "") or ""

    def show_order_tool(self, which: str) -> QWidget | None:
        """The attachments or the timeline of the current order, in a window of its own."""
        from PySide6.QtWidgets import QDialog, QVBoxLayout

        from orderdesk.ui.attachments import AttachmentPanel
        from orderdesk.ui.timeline import TimelinePanel

        cur = self._current_order()
        if cur is None:
            return None
        uuid, number = cur
        key = f"{which}:{uuid}"
        w = self._windows.get(key)
        if w is None:
            w = self._windows[key] = QDialog(self)
            w.setObjectName(f"{which}_window")
            lay = QVBoxLayout(w)
            if which == "attachments":
                w.setWindowTitle(f"Attachments — order {number}")
                panel = AttachmentPanel(self.desk, self.runner, order=uuid, ui=self.ui,
                                        bridge=self.bridge)
                lay.addWidget(panel)
                panel.take_window_drops(w)  # a drop on the window's margins counts too
                w.resize(1000, 560)
            else:
                w.setWindowTitle(f"History — order {number}")
                lay.addWidget(TimelinePanel(self.desk, self.bridge, uuid, runner=self.runner,
                                            ui=self.ui))
                w.resize(900, 620)
        w.show()
        w.raise_()
        w.activateWindow()
        return w

    def add_log_entry(self) -> None:
        from orderdesk.ui.log_entry import LogEntryDialog

        cur = self._current_order()
        if cur is None:
            return
        if self.ui.run_dialog(LogEntryDialog(self.desk, cur[0], self)):
            self.statusBar().showMessage(f"Log entry added to order {cur[1]}", 5000)

    def new_order(self) -> None:
        self.editors.new()

    def new_order_dialog(self) -> None:
        from orderdesk.ui.new_order import NewOrderDialog

        dlg = NewOrderDialog(self.desk, self)
        while self.ui.run_dialog(dlg):
            try:
                order = self.desk.orders.create(dlg.document())
            except OrderDeskError as e:
                self.ui.error(self, "Order not created", str(e))
                continue
            self.statusBar().showMessage(f"Order {order.number} created", 5000)
            return

    def show_window(self, which: str) -> QWidget:
        from orderdesk.ui.catalog import CustomersWindow, ItemsWindow

        w = self._windows.get(which)
        if w is None:
            cls = CustomersWindow if which == "customers" else ItemsWindow
            w = self._windows[which] = cls(self.desk, self.fmt, self.ui, self)
        w.show()
        w.raise_()
        w.activateWindow()
        return w

    def edit_statuses(self) -> None:
        from orderdesk.ui.statuses import StatusDialog

        self.ui.run_dialog(StatusDialog(self.desk, self.ui, self))

    def about(self) -> None:
        from orderdesk import __version__

        self.ui.info(self, "About OrderDesk", f"OrderDesk {__version__}\n\nDatabase: "
                     f"{self.store.target}\nCompany: {self.desk.company().name}")

    # ---- changes from anywhere ----
    def _on_changes(self, changes: Any) -> None:
        if changes.company_id != self.desk.company_id:
            if changes.companies:
                self._fill_companies()
            return
        if changes.statuses:
            self._load_status_names()
            self._refresh_choices()
        elif changes.customers:
            self._refresh_choices()
        before = self.model.rowCount()
        kind = self.model.apply_changes(changes)
        if kind != "none" or before != self.model.rowCount():
            self._update_count()
            self._update_actions()
        for w in self._windows.values():
            refresh = getattr(w, "refresh", None)
            if refresh and (changes.customers or changes.items):
                refresh()

    def _load_status_names(self) -> None:
        self._status_names = {s.code: s.name for s in self.desk.statuses.list()}

    def _status_name(self, code: str) -> str:
        return self._status_names.get(code, code)

    def _refresh_choices(self) -> None:
        custs = [(c.code, c.name) for c in self.desk.catalog.customers(limit=5000)]
        self.filters.set_choices(sorted(self._status_names.items(),
                                        key=lambda kv: list(self._status_names).index(kv[0])),
                                 custs)

    # ---- companies ----
    def _fill_companies(self) -> None:
        found = companies(self.store)
        self.company_box.blockSignals(True)
        self.company_box.clear()
        for c in found:
            self.company_box.addItem(f"{c.name} ({c.currency})", c.id)
        self.company_box.setCurrentIndex(max(0, self.company_box.findData(self.desk.company_id)))
        self.company_box.blockSignals(False)
        self.company_action.setVisible(len(found) > 1)  # a switcher only where there is a choice

    def _company_chosen(self, index: int) -> None:
        cid = self.company_box.itemData(index)
        if cid is not None and cid != self.desk.company_id:
            self.switch_company(int(cid))

    def switch_company(self, company_id: int) -> None:
        self.desk = Desk(self.store, company_id, self.desk.actor)
        for w in self._windows.values():
            w.close()
            w.deleteLater()
        self._windows.clear()
        self.settings.set(S.LAST_COMPANY, company_id)
        self._load_status_names()
        self._refresh_choices()
        self.model.listing = self.desk.listing
        self.model.set_query(self.model.query)
        self._fill_companies()
        self._update_count()
        self._update_title()

    def _update_title(self) -> None:
        c = self.desk.company()
        self.setWindowTitle(f"{c.name} — OrderDesk")
        self.company_label.setText(f"{c.name} · {c.currency}")

    # ---- layout kept between runs ----
    def _restore_layout(self) -> None:
        s = self.settings
        if not s.get(S.MAIN_GEOMETRY).isEmpty():
            self.restoreGeometry(s.get(S.MAIN_GEOMETRY))
        if not s.get(S.MAIN_STATE).isEmpty():
            self.restoreState(s.get(S.MAIN_STATE))
        if not s.get(S.MAIN_SPLITTER).isEmpty():
            self.splitter.restoreState(s.get(S.MAIN_SPLITTER))
        header = s.get(S.ORDER_HEADER)
        hh = self.table.horizontalHeader()
        if not header.isEmpty() and hh.restoreState(header):
            sort = hh.sortIndicatorSection()
            if 0 <= sort < len(COLUMNS):
                self.model.sort(sort, hh.sortIndicatorOrder())
        self.actions_[A.FILTERS].setChecked(self.filters.isVisibleTo(self) or
                                            not self.isVisible())

    def save_layout(self) -> None:
        s = self.settings
        s.set(S.MAIN_GEOMETRY, self.saveGeometry())
        s.set(S.MAIN_STATE, self.saveState())
        s.set(S.MAIN_SPLITTER, self.splitter.saveState())
        s.set(S.ORDER_HEADER, self.table.horizontalHeader().saveState())
        s.set(S.ORDER_VIEW, self.filters.view().key)
        s.set(S.LAST_COMPANY, self.desk.company_id)
        s.sync()

    def offer_recovery(self) -> None:
        """Unsaved editor state left by a crash or kill: offered once the window shows."""
        self.editors.offer_recovery()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not getattr(self, "_recovery_offered", False):
            self._recovery_offered = True
            QTimer.singleShot(0, self.offer_recovery)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.editors.close_all():  # an editor with unsaved changes said Cancel
            event.ignore()
            return
        self.save_layout()
        self.runner.cancel_all()
        self.bridge.close()
        for w in self._windows.values():
            w.close()
        super().closeEvent(event)
