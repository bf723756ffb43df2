"""The editor's actions, declared once: text, shortcut, tip; menus and the grid reuse them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

SK = QKeySequence.StandardKey


class E(Enum):
    SAVE = auto()
    SAVE_NEW = auto()
    DUPLICATE_ORDER = auto()
    RELOAD = auto()
    CLOSE = auto()
    UNDO = auto()
    REDO = auto()
    COPY_LINES = auto()
    PASTE_LINES = auto()
    ADD_LINE = auto()
    INSERT_LINE = auto()
    DELETE_LINES = auto()
    DUPLICATE_LINE = auto()
    MOVE_UP = auto()
    MOVE_DOWN = auto()
    EDIT_CELL = auto()
    SEND = auto()
    BACK_TO_DRAFT = auto()
    UPGRADE = auto()
    MARK_PAID = auto()
    MARK_SHIPPED = auto()
    MARK_DELIVERED = auto()
    MARK_DONE = auto()
    CANCEL_ORDER = auto()
    FOCUS_HEADER = auto()
    FOCUS_LINES = auto()


@dataclass(frozen=True)
class Spec:
    text: str
    tip: str
    keys: tuple[SK | str, ...]
    grid: bool = False  # only while the lines grid has focus (Ctrl+C in a field copies text)


SPECS: dict[E, Spec] = {
    E.SAVE: Spec("&Save", "Save the order (one transaction)", (SK.Save, "Ctrl+S")),
    E.SAVE_NEW: Spec("Save and &new", "Save, then start the next order",
                     ("Ctrl+Shift+S", "Ctrl+Alt+N")),
    E.DUPLICATE_ORDER: Spec("&Duplicate order", "A new unsaved draft with the same content",
                            ("Ctrl+Shift+D",)),
    E.RELOAD: Spec("&Reload", "Read the order again (asks before dropping changes)",
                   ("F5",)),
    E.CLOSE: Spec("&Close", "Close this order", (SK.Close, "Ctrl+W")),
    E.UNDO: Spec("&Undo", "Undo the last edit", (SK.Undo, "Ctrl+Z")),
    E.REDO: Spec("&Redo", "Redo the undone edit", ("Ctrl+Shift+Z", SK.Redo, "Ctrl+Y")),
    E.COPY_LINES: Spec("&Copy lines", "Copy the selected lines as tab-separated rows",
                       (SK.Copy,), grid=True),
    E.PASTE_LINES: Spec("&Paste lines", "Paste rows copied from a spreadsheet as new lines",
                        (SK.Paste,), grid=True),
    E.ADD_LINE: Spec("&Add line", "Add a line at the end (Enter on the last row too)",
                     ("Ctrl+Return", "Ctrl+Enter")),
    E.INSERT_LINE: Spec("&Insert line", "Insert a line above the current one", ("Ctrl+I",)),
    E.DELETE_LINES: Spec("De&lete lines", "Delete the selected lines", ("Ctrl+Delete",),
                         grid=True),
    E.DUPLICATE_LINE: Spec("Duplicate l&ine", "Copy the current line below it", ("Ctrl+D",),
                           grid=True),
    E.MOVE_UP: Spec("Move line &up", "Move the current line up", ("Ctrl+Up",), grid=True),
    E.MOVE_DOWN: Spec("Move line do&wn", "Move the current line down", ("Ctrl+Down",),
                      grid=True),
    E.EDIT_CELL: Spec("&Edit cell", "Edit the current cell (Escape cancels)", ("F2",),
                      grid=True),
    E.SEND: Spec("&Send", "Send the order: its document locks, an archived copy is kept",
                 ("Ctrl+Alt+Return",)),
    E.BACK_TO_DRAFT: Spec("&Back to draft", "Unlock a sent order", ("Ctrl+Alt+Backspace",)),
    E.UPGRADE: Spec("&Upgrade to invoice", "Create the invoice draft and open it",
                    ("Ctrl+Alt+I",)),
    E.MARK_PAID: Spec("Mark &paid", "Status: paid", ("Ctrl+Alt+P",)),
    E.MARK_SHIPPED: Spec("Mark s&hipped", "Status: shipped", ("Ctrl+Alt+H",)),
    E.MARK_DELIVERED: Spec("Mark &delivered", "Status: delivered", ("Ctrl+Alt+D",)),
    E.MARK_DONE: Spec("Mark d&one", "Status: done", ("Ctrl+Alt+O",)),
    E.CANCEL_ORDER: Spec("&Cancel order", "Status: cancelled (releases reservations)",
                         ("Ctrl+Alt+X",)),
    E.FOCUS_HEADER: Spec("Go to &header", "Move to the customer field", ("Alt+1",)),
    E.FOCUS_LINES: Spec("Go to &lines", "Move to the lines grid", ("Alt+2",)),
}
STATUS_OF = {E.MARK_PAID: "paid", E.MARK_SHIPPED: "shipped", E.MARK_DELIVERED: "delivered",
             E.MARK_DONE: "done", E.CANCEL_ORDER: "cancelled"}


class EditorActions:
    """Creates each action once; grid-only actions fire only while the grid has focus."""

    def __init__(self, window: QWidget, grid: QWidget) -> None:
        self._by: dict[E, QAction] = {}
        for key, spec in SPECS.items():
            act = QAction(spec.text, window)
            act.setObjectName(f"editor_{key.name.lower()}")
            act.setToolTip(spec.tip)
            act.setStatusTip(spec.tip)
            keys: list[QKeySequence] = []
            for k in spec.keys:
                keys += QKeySequence.keyBindings(k) if isinstance(k, SK) else [QKeySequence(k)]
            unique: list[QKeySequence] = []
            for s in keys:
                if not s.isEmpty() and s not in unique:
                    unique.append(s)
            act.setShortcuts(unique)
            if spec.grid:
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                grid.addAction(act)
            else:
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(act)
            self._by[key] = act

    def __getitem__(self, key: E) -> QAction:
        return self._by[key]

    def all(self) -> list[QAction]:
        return list(self._by.values())
