"""Puts the inventory window and the order traceability into the main window's menus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QWidget

from orderdesk.ui.actions import A

if TYPE_CHECKING:
    from orderdesk.ui.mainwindow import MainWindow


def menu(window: MainWindow, title: str) -> QMenu | None:
    """The main window's menu with this title (mnemonic ignored)."""
    for act in window.menuBar().actions():
        m = act.menu()
        if isinstance(m, QMenu) and m.title().replace("&", "") == title:
            return m
    return None


def install(window: MainWindow) -> None:
    a = window.actions_
    catalogue = menu(window, "Catalogue")
    (catalogue or window.menuBar()).addAction(a[A.INVENTORY])
    order = menu(window, "Order")
    if order is not None:
        order.addAction(a[A.TRACEABILITY])
    window.table.addAction(a[A.TRACEABILITY])
    a[A.INVENTORY].triggered.connect(lambda: show_inventory(window))
    a[A.TRACEABILITY].triggered.connect(lambda: show_traceability(window))

    def update() -> None:
        a[A.TRACEABILITY].setEnabled(window.table.currentIndex().isValid())

    window.table.selectionModel().currentChanged.connect(lambda *_: update())
    window.model.modelReset.connect(update)
    update()


def show_inventory(window: MainWindow) -> QWidget:
    """The one inventory window of the company (a company switch closes it)."""
    from orderdesk.ui.inventory.window import InventoryWindow

    w = window._windows.get("inventory")
    if w is None:
        w = window._windows["inventory"] = InventoryWindow(
            window.desk, window.runner, fmt=window.fmt, ui=window.ui, bridge=window.bridge,
            parent=window)
    w.show()
    w.raise_()
    w.activateWindow()
    return w


def show_traceability(window: MainWindow) -> QWidget | None:
    from orderdesk.ui.inventory.trace import TraceDialog

    ix = window.table.currentIndex()
    uid = window.model.uuid(ix.row()) if ix.isValid() else None
    if uid is None:
        return None
    key = f"trace:{uid}"
    w = window._windows.get(key)
    if w is None:
        w = window._windows[key] = TraceDialog(window.desk, order=uid, parent=window,
                                               fmt=window.fmt, bridge=window.bridge)
    w.show()
    w.raise_()
    w.activateWindow()
    return w
