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
    FIND = auto()
    REFRESH = auto()
    QUIT = auto()
    SELECT_ALL = auto()
    CUSTOMERS = auto()
    ITEMS = auto()
    STATUSES = auto()
    FILTERS = auto()
    CLEAR_FILTERS = auto()
    ABOUT = auto()


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
                             "Export the selected orders (comes with the export feature)"),
    A.FIND: Spec("&Find…", "Search orders as you type", (SK.Find,),
                 QStyle.StandardPixmap.SP_FileDialogContentsView),
    A.REFRESH: Spec("Re&fresh", "Read the list again from the database", (SK.Refresh,),
                    QStyle.StandardPixmap.SP_BrowserReload),
    A.QUIT: Spec("&Quit", "Close OrderDesk", (SK.Quit, "Ctrl+Q")),
    A.SELECT_ALL: Spec("Select &all", "Select every order on the list", (SK.SelectAll,)),
    A.CUSTOMERS: Spec("&Customers", "Customers: list, search, add, edit", ("Ctrl+Shift+C",)),
    A.ITEMS: Spec("&Items", "The catalogue of items", ("Ctrl+Shift+I",)),
    A.STATUSES: Spec("&Statuses and workflow…", "Add or rename statuses, allowed transitions"),
    A.FILTERS: Spec("&Filters", "Show or hide the filter panel", ("Ctrl+Shift+F",),
                    checkable=True),
    A.CLEAR_FILTERS: Spec("C&lear filters", "Back to the default list", ("Ctrl+Shift+L",)),
    A.ABOUT: Spec("&About OrderDesk", "Version and database"),
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
        # Exporting belongs to the export feature; until it lands the action stays off.
        self[A.EXPORT_SELECTION].setEnabled(False)

    def __getitem__(self, key: A) -> QAction:
        return self._by_id[key]

    def all(self) -> list[QAction]:
        return list(self._by_id.values())
