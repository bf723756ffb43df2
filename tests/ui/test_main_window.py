"""The main window driven like a user: search, sort, views, delete/restore, keyboard."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from orderdesk.core import Desk
from orderdesk.ui import settings as S
from orderdesk.ui.actions import A
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.order_model import COLUMN_KEYS
from orderdesk.ui.order_view import OrderViewDialog
from orderdesk.ui.tasks import TaskRunner

from .conftest import Answers, make_orders


def shown(w: MainWindow, key: str) -> list[str]:
    c = COLUMN_KEYS.index(key)
    return [w.model.data(w.model.index(r, c)) for r in range(w.model.rowCount())]


def select_rows(w: MainWindow, *rows: int) -> None:
    from PySide6.QtCore import QItemSelectionModel as SM

    sm = w.table.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(w.model.index(r, 0), SM.SelectionFlag.Select | SM.SelectionFlag.Rows)
    sm.setCurrentIndex(w.model.index(rows[0], 0), SM.SelectionFlag.NoUpdate)


def test_typing_in_the_search_field_filters_the_list(qtbot: Any, window: MainWindow,
                                                     ui_desk: Desk) -> None:
    make_orders(ui_desk, 12, customer="C1", name="Acme Steel")
    make_orders(ui_desk, 3, customer="C2", name="Zebra Werkzeug", item="PIPE-CU-22",
                description="Copper pipe")
    window.refresh()
    assert window.model.rowCount() == 15
    qtbot.keyClicks(window.search, "copper")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)  # debounced: after the timer
    assert set(shown(window, "customer_name")) == {"Zebra Werkzeug"}
    assert "3 orders" in window.count_label.text()
    window.search.clear()
    qtbot.keyClicks(window.search, "zebra werk")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # Enter searches now
    assert window.model.rowCount() == 3
    assert window.table.hasFocus()


def test_clicking_a_header_sorts_in_the_database(qtbot: Any, window: MainWindow,
                                                 ui_desk: Desk) -> None:
    make_orders(ui_desk, 25)
    window.refresh()
    hh = window.table.horizontalHeader()
    c = COLUMN_KEYS.index("customer_reference")
    x = hh.sectionViewportPosition(c) + hh.sectionSize(c) // 2
    qtbot.mouseClick(hh.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    first = window.model.query
    assert first.sort == "customer_reference"
    refs = shown(window, "customer_reference")
    assert refs == sorted(refs, reverse=first.descending)
    qtbot.mouseClick(hh.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.model.query.descending != first.descending
    refs2 = shown(window, "customer_reference")
    assert refs2 == list(reversed(refs))


def test_views_delete_and_restore_through_the_actions(qtbot: Any, window: MainWindow,
                                                      ui_desk: Desk, answers: Answers) -> None:
    uuids = make_orders(ui_desk, 6)
    ui_desk.lifecycle.send(uuids[0])
    window.refresh()
    assert window.model.rowCount() == 6
    window.filters.set_view("sent")
    assert window.model.rowCount() == 1 and window.model.uuid(0) == uuids[0]
    window.actions_[A.CLEAR_FILTERS].trigger()
    assert window.model.rowCount() == 6

    select_rows(window, 1, 2)
    doomed = window.selected_ids()
    assert window.actions_[A.DELETE].isEnabled() and not window.actions_[A.RESTORE].isEnabled()
    answers.yes = False
    window.actions_[A.DELETE].trigger()
    assert "2 orders" in answers.asked[-1] and window.model.rowCount() == 6
    answers.yes = True
    window.actions_[A.DELETE].trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 4)
    assert "4 orders" in window.count_label.text()

    window.actions_[A.CLEAR_FILTERS].trigger()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # Deleted view
    assert window.filters.view().key == "deleted"
    assert sorted(window.model.uuid(r) for r in range(window.model.rowCount())) == sorted(doomed)
    assert shown(window, "stage") == ["Deleted", "Deleted"]
    window.table.selectAll()
    assert window.actions_[A.RESTORE].isEnabled() and not window.actions_[A.DELETE].isEnabled()
    window.actions_[A.RESTORE].trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    window.filters.set_view("open")
    assert window.model.rowCount() == 6


def test_change_status_of_a_selection(qtbot: Any, window: MainWindow, ui_desk: Desk) -> None:
    make_orders(ui_desk, 4)
    window.refresh()
    select_rows(window, 0, 3)
    ids = window.selected_ids()
    window.set_status("paid")
    qtbot.waitUntil(lambda: shown(window, "status").count("Paid") == 2)
    assert {ui_desk.orders.get(u).status for u in ids} == {"paid"}
    assert window.selected_ids() == ids  # the selection survived the refresh
    window.set_status("done")  # not allowed from paid: the core says why
    assert window.ui.errors and "allowed" in window.ui.errors[-1]  # type: ignore[attr-defined]


def test_export_selection_is_present_but_disabled(window: MainWindow) -> None:
    act = window.actions_[A.EXPORT_SELECTION]
    assert not act.isEnabled()
    assert act in window.table.actions()


def test_keyboard_only(qtbot: Any, window: MainWindow, ui_desk: Desk, answers: Answers) -> None:
    make_orders(ui_desk, 8, name="Keyboard Kft")
    window.refresh()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.table.currentIndex().row() == 2
    target = window.model.uuid(2)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # Enter opens the order in its editor
    assert target in window.editors.editors
    window.editors.editors[target].close()
    window.activateWindow()
    window.table.setFocus()
    # type-to-search: typing in the list goes to the search field
    qtbot.keyClicks(window.table, "kft")
    assert window.search.hasFocus() and window.search.text() == "kft"
    qtbot.keyClick(window.search, Qt.Key.Key_Down)  # back to the list, search applied
    assert window.table.hasFocus() and window.model.query.text == "kft"
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)  # clears the search
    assert window.search.text() == ""
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.table.currentIndex().row() == window.model.rowCount() - 1
    select_rows(window, window.model.rowCount() - 1)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)  # the Delete key deletes (confirmed)
    qtbot.waitUntil(lambda: window.model.rowCount() == 7)


def test_list_follows_a_write_from_another_thread(qtbot: Any, window: MainWindow,
                                                  ui_desk: Desk) -> None:
    uuids = make_orders(ui_desk, 30)
    window.refresh()
    select_rows(window, 3, 4)
    keep = window.selected_ids()
    target = window.model.uuid(10)
    row = window.model.find_cached(target)

    def work() -> None:  # another desk (an import, another window) in a worker thread
        ui_desk.lifecycle.set_status([target], "shipped")
        ui_desk.orders.create_many([ui_desk.orders.get(uuids[0]).copy().__class__(
            customer_code="C1", order_date=ui_desk.orders.get(uuids[0]).order_date)])

    t = threading.Thread(target=work)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: window.model.rowCount() == 31)
    assert window.model.find_cached(target) == (row or 0) + 1  # the new order is on top
    assert "Shipped" in shown(window, "status")
    assert sorted(window.selected_ids()) == sorted(keep)


def test_layout_is_remembered(qtbot: Any, ui_store: Any, ui_desk: Desk, settings: S.Settings,
                              answers: Answers) -> None:
    make_orders(ui_desk, 3)
    w = MainWindow(ui_store, ui_desk, settings=settings, runner=TaskRunner(synchronous=True),
                   ui=answers)
    qtbot.addWidget(w)
    w.show()
    hh = w.table.horizontalHeader()
    site = COLUMN_KEYS.index("site")
    assert hh.isSectionHidden(site)
    hh.setSectionHidden(site, False)
    hh.resizeSection(COLUMN_KEYS.index("customer_name"), 333)
    w.filters.set_view("draft")
    w.table.sortByColumn(COLUMN_KEYS.index("order_date"), Qt.SortOrder.AscendingOrder)
    w.close()
    w2 = MainWindow(ui_store, ui_desk, settings=settings, runner=TaskRunner(synchronous=True),
                    ui=answers)
    qtbot.addWidget(w2)
    hh2 = w2.table.horizontalHeader()
    assert not hh2.isSectionHidden(site)
    assert hh2.sectionSize(COLUMN_KEYS.index("customer_name")) == 333
    assert w2.filters.view().key == "draft"
    assert w2.model.query.sort == "order_date" and not w2.model.query.descending
    w2.close()


def test_company_switcher(qtbot: Any, window: MainWindow, ui_store: Any, ui_desk: Desk) -> None:
    from orderdesk.core import create_company

    make_orders(ui_desk, 3)
    window.refresh()
    assert not window.company_action.isVisible()
    other = create_company(ui_store, "Other GmbH", "CHF")
    qtbot.waitUntil(lambda: window.company_box.count() == 2)
    assert window.company_action.isVisible()
    window.company_box.setCurrentIndex(window.company_box.findData(other.id))
    window.company_box.activated.emit(window.company_box.currentIndex())
    assert window.desk.company_id == other.id and window.model.rowCount() == 0
    assert "Other GmbH" in window.windowTitle()
    QApplication.processEvents()


def test_open_order_shows_lines_and_totals(qtbot: Any, window: MainWindow, ui_desk: Desk,
                                           answers: Answers) -> None:
    make_orders(ui_desk, 1)
    window.refresh()
    window.table.setCurrentIndex(window.model.index(0, 0))
    window.actions_[A.OPEN].trigger()
    editor = window.editors.editors[window.model.uuid(0)]
    assert editor.totals.values["Grand total"] == "€15.13"
    window.actions_[A.OPEN].trigger()  # an order already open comes to the front, once
    assert list(window.editors.editors) == [window.model.uuid(0)]
    editor.close()
    # a deleted order opens read-only, with its lines and totals
    ui_desk.orders.delete([window.model.uuid(0)])
    window.filters.set_view("deleted")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    window.table.setCurrentIndex(window.model.index(0, 0))
    seen: list[OrderViewDialog] = []
    answers.on_dialog = lambda d: seen.append(d) or False
    window.actions_[A.OPEN].trigger()
    dlg = seen[0]
    assert dlg.lines_model.rowCount() == 1
    assert dlg.lines_model.data(dlg.lines_model.index(0, 1)) == "BOLT-M12"
    assert dlg.total_labels["Grand total"].text() == "€15.13"


def test_new_order_dialog_creates_a_draft(qtbot: Any, window: MainWindow, ui_desk: Desk,
                                          answers: Answers) -> None:
    ui_desk.catalog.create_customers([("C9", "Nine Ltd")])
    window.refresh()

    def fill(d: Any) -> bool:
        d.customer.setCurrentIndex(d.customer.findData("C9"))
        d.customer_reference.setText("PO-NEW")
        return True

    answers.on_dialog = fill
    window.new_order_dialog()  # the quick header-only dialog (Ctrl+N opens the editor)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert shown(window, "customer_reference") == ["PO-NEW"]
