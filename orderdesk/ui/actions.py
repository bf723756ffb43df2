"""The one registry of the main window's actions, reused by menus, toolbar and context menu."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle, QWidget

SK = QKeySequence.StandardKey


class A(Enum):
    NEW = auto()
    OPEN = auto()
    DELETE = auto()
    RESTORE = auto()
    CHANGE_STATUS = auto()
    EXPORT_SELECTION = auto()
    EXPORT_CSV = auto()
    EXPORT_ZIP = auto()
    EXPORT_XLSX = auto()
    IMPORT = auto()
    IMPORT_TEMPLATES = auto()
    FIND = auto()
    REFRESH = auto()
    QUIT = auto()
    BACKUP = auto()
    SELECT_ALL = auto()
    CUSTOMERS = auto()
    ITEMS = auto()
    STATUSES = auto()
    FILTERS = auto()
    CLEAR_FILTERS = auto()
    ABOUT = auto()
    ATTACHMENTS = auto()
    TIMELINE = auto()
    ADD_LOG = auto()
    # Stock and reports (orderdesk/ui/inventory, orderdesk/ui/reports_menu.py)
    INVENTORY = auto()
    TRACEABILITY = auto()
    REPORT_CONFIRMATION = auto()
    REPORT_DELIVERY_NOTE = auto()
    REPORT_INVOICE = auto()
    CERTIFICATE_PACK = auto()
    ORDER_LIST_REPORT = auto()


@dataclass(frozen=True)
class Spec:
    text: str
    tip: str
    keys: tuple[SK | str, ...] = ()
    icon: QStyle.StandardPixmap | None = None
    checkable: bool = False


SPECS: dict[A, Spec] = {
    A.NEW: Spec("&New order…", "Create a draft order", (SK.New,),
                QStyle.StandardPixmap.SP_FileIcon),
    A.OPEN: Spec("&Open order", "Open the current order (Enter)", (SK.Open,),
                 QStyle.StandardPixmap.SP_DialogOpenButton),
    A.DELETE: Spec("&Delete…", "Delete the selected orders (they can be restored)", (SK.Delete,),
                   QStyle.StandardPixmap.SP_TrashIcon),
    A.RESTORE: Spec("&Restore", "Restore the selected deleted orders", ("Ctrl+Shift+R",),
                    QStyle.StandardPixmap.SP_DialogResetButton),
    A.CHANGE_STATUS: Spec("Change &status", "Move the selected orders to another status"),
    A.EXPORT_SELECTION: Spec("&Export selection…",
                             "Export the selected orders to CSV, ZIP or XLSX"),
    A.EXPORT_CSV: Spec("Orders to &CSV…", "Export orders (one table) to a CSV file"),
    A.EXPORT_ZIP: Spec("Orders and lines to &ZIP…",
                       "Export orders.csv and order-line-items.csv in one ZIP archive"),
    A.EXPORT_XLSX: Spec("Orders and lines to &XLSX…",
                        "Export orders, lines and totals to an Excel workbook"),
    A.IMPORT: Spec("&Import…", "Import an orders and/or a lines file (CSV or XLSX), "
                   "with a preview before anything is written"),
    A.IMPORT_TEMPLATES: Spec("Save import &templates…",
                             "Save a ZIP of the two import files with headers and an example"),
    A.FIND: Spec("&Find…", "Search orders as you type", (SK.Find,),
                 QStyle.StandardPixmap.SP_FileDialogContentsView),
    A.REFRESH: Spec("Re&fresh", "Read the list again from the database", (SK.Refresh,),
                    QStyle.StandardPixmap.SP_BrowserReload),
    A.QUIT: Spec("&Quit", "Close OrderDesk", (SK.Quit, "Ctrl+Q")),
    A.BACKUP: Spec("&Back up database…", "Copy the database safely (SQLite's backup API)"),
    A.SELECT_ALL: Spec("Select &all", "Select every order on the list", (SK.SelectAll,)),
    A.CUSTOMERS: Spec("&Customers", "Customers: list, search, add, edit", ("Ctrl+Shift+C",)),
    A.ITEMS: Spec("&Items", "The catalogue of items", ("Ctrl+Shift+I",)),
    A.STATUSES: Spec("&Statuses and workflow…", "Add or rename statuses, allowed transitions"),
    A.FILTERS: Spec("&Filters", "Show or hide the filter panel", ("Ctrl+Shift+F",),
                    checkable=True),
    A.CLEAR_FILTERS: Spec("C&lear filters", "Back to the default list", ("Ctrl+Shift+L",)),
    A.ABOUT: Spec("&About OrderDesk", "Version and database"),
    A.ATTACHMENTS: Spec("&Attachments…", "Files of the current order: add, preview, open, save",
                        ("Ctrl+Shift+T",)),
    A.TIMELINE: Spec("&Timeline…", "Everything that happened to the current order",
                     ("Ctrl+H",)),
    A.ADD_LOG: Spec("Add &log entry…", "Note what happened (a call, a promise) on the order",
                    ("Ctrl+L",)),
    A.INVENTORY: Spec("In&ventory", "Stock lots: search, add, edit, import, certificates",
                      ("Ctrl+Shift+K",)),
    A.TRACEABILITY: Spec("T&raceability…", "Which lot serves which line of the current order, "
                         "with certificates"),
    A.REPORT_CONFIRMATION: Spec("Order &confirmation", "Confirmation PDF of the selected "
                                "orders (one PDF, in list order)", (SK.Print,)),
    A.REPORT_DELIVERY_NOTE: Spec("&Delivery note", "Delivery notes of the selected orders "
                                 "(one PDF, in list order)"),
    A.REPORT_INVOICE: Spec("&Invoice", "Invoices of the selected upgraded orders"),
    A.CERTIFICATE_PACK: Spec("Certificate &pack", "The current order's cover, traceability "
                             "and every certificate (reused while unchanged)", ("Ctrl+Shift+P",)),
    A.ORDER_LIST_REPORT: Spec("Order &list report", "Every order of the current filter as a PDF"),
}


class Actions:
    """Creates every action once; windows look them up by key."""

    def __init__(self, parent: QWidget) -> None:
        self._by_id: dict[A, QAction] = {}
        style = QApplication.style()
        for key, spec in SPECS.items():
            act = QAction(spec.text, parent)
            act.setToolTip(spec.tip)
            act.setStatusTip(spec.tip)
            act.setObjectName(f"action_{key.name.lower()}")
            shortcuts: list[QKeySequence] = []
            for k in spec.keys:
                shortcuts += QKeySequence.keyBindings(k) if isinstance(k, SK) else [QKeySequence(k)]
            # Some platforms bind nothing to a StandardKey (Refresh on a few): keep a fallback.
            if key is A.REFRESH:
                shortcuts.append(QKeySequence("Ctrl+R"))
            if key is A.DELETE and not shortcuts:
                shortcuts.append(QKeySequence("Delete"))
            unique: list[QKeySequence] = []
            for s in shortcuts:
                if not s.isEmpty() and s not in unique:
                    unique.append(s)
            act.setShortcuts(unique)
            if spec.icon is not None:
                act.setIcon(QIcon(style.standardIcon(spec.icon)))
            act.setCheckable(spec.checkable)
            self._by_id[key] = act
        # Enabled from the selection by the exchange commands (orderdesk.ui.exchange).
        self[A.EXPORT_SELECTION].setEnabled(False)

    def __getitem__(self, key: A) -> QAction:
        return self._by_id[key]

    def all(self) -> list[QAction]:
        return list(self._by_id.values())
