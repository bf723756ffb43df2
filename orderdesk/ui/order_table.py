"""The order list view: fixed row height, header menu of columns, keeps its place on refresh."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QColor, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QPainter,
    QPaintEvent, QPen,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from orderdesk.ui.attachments.intake import local_files
from orderdesk.ui.order_model import COLUMNS, OrderListModel


class OrderTable(QTableView):
    """A QTableView that never measures rows: every row has the same height.

    Files dropped from the desktop onto a row are offered to that order (`files_dropped`).
    """

    files_dropped = Signal(int, list)  # row, local paths

    def __init__(self, model: OrderListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("order_table")
        self.setModel(model)
        self._model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)  # Tab leaves the list, arrows move in it
        vh = self.verticalHeader()
        vh.setVisible(False)
        # Fixed sections: the view computes positions as row × height, at any row count.
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)  # no dead strip at the right edge
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        hh.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        widths = {"number": 95, "reference": 110, "customer_reference": 95,
                  "customer_name": 230, "order_date": 100, "delivery_date": 100, "site": 120,
                  "stage": 65, "status": 80, "total_quantity": 85, "grand_total": 110,
                  "balance": 110, "created_at": 130, "updated_at": 130}
        for i, col in enumerate(COLUMNS):
            hh.resizeSection(i, widths.get(col.key, 100))
            hh.setSectionHidden(i, col.hidden)
        self._saved: tuple[list[str], str | None, int] | None = None
        model.refreshing.connect(self._save_place)
        model.refreshed.connect(self._restore_place)
        self.setAcceptDrops(True)
        self._drop_row = -1

    # ---- files dropped onto an order row ----
    def _drop_target(self, e: QDragMoveEvent | QDropEvent) -> int:
        if not local_files(e.mimeData()):
            return -1
        return self.indexAt(e.position().toPoint()).row()

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if local_files(e.mimeData()):
            e.acceptProposedAction()  # rows are told apart while moving
        else:
            e.ignore()

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:
        row = self._drop_target(e)
        if row != self._drop_row:
            self._drop_row = row
            self.viewport().update()
        if row >= 0:
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragLeaveEvent(self, e: QDragLeaveEvent) -> None:
        self._drop_row = -1
        self.viewport().update()

    def dropEvent(self, e: QDropEvent) -> None:
        row = self._drop_target(e)
        self._drop_row = -1
        self.viewport().update()
        if row < 0:
            e.ignore()
            return
        e.setDropAction(Qt.DropAction.CopyAction)
        e.accept()
        files = local_files(e.mimeData())
        # After the drop has returned: the confirm step is modal, and the dragging program
        # waits for the end of the drop (XdndFinished) until this handler is done.
        QTimer.singleShot(0, lambda: self.files_dropped.emit(row, files))

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        if self._drop_row >= 0:  # the order the files would go to, outlined while hovering
            y, h = self.rowViewportPosition(self._drop_row), self.rowHeight(self._drop_row)
            p = QPainter(self.viewport())
            p.setPen(QPen(QColor(30, 110, 200), 2))
            p.drawRect(1, y + 1, self.viewport().width() - 3, h - 2)
            p.end()

    # ---- columns the user chooses ----
    def _header_menu(self, pos: QPoint) -> None:
        self.columns_menu().exec(self.horizontalHeader().mapToGlobal(pos))

    def columns_menu(self) -> QMenu:
        menu = QMenu("&Columns", self)
        hh = self.horizontalHeader()
        for i, col in enumerate(COLUMNS):
            act = QAction(col.title, menu)
            act.setCheckable(True)
            act.setChecked(not hh.isSectionHidden(i))
            # The last visible column cannot be hidden: an empty list helps nobody.
            act.setEnabled(hh.isSectionHidden(i) or hh.count() - hh.hiddenSectionCount() > 1)
            act.toggled.connect(lambda on, i=i: hh.setSectionHidden(i, not on))
            menu.addAction(act)
        return menu

    # ---- selection by order id ----
    def selected_rows(self) -> list[int]:
        sm = self.selectionModel()
        return sorted(ix.row() for ix in sm.selectedRows()) if sm else []

    def selected_uuids(self) -> list[str]:
        out = []
        for r in self.selected_rows():
            u = self._model.uuid(r)
            if u:
                out.append(u)
        return out

    def current_uuid(self) -> str | None:
        ix = self.currentIndex()
        return self._model.uuid(ix.row()) if ix.isValid() else None

    def select_uuids(self, uuids: list[str], current: str | None = None) -> int:
        """Selects those of these orders the cache holds; returns how many."""
        sm = self.selectionModel()
        sel = QItemSelection()
        last = self._model.columnCount() - 1
        found = 0
        for u in uuids:
            r = self._model.find_cached(u)
            if r is not None:
                sel.select(self._model.index(r, 0), self._model.index(r, last))
                found += 1
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        sm.select(sel, flags)
        if current is not None:
            r = self._model.find_cached(current)
            if r is not None:
                sm.setCurrentIndex(self._model.index(r, max(0, self.currentIndex().column())),
                                   QItemSelectionModel.SelectionFlag.NoUpdate)
        return found

    def _save_place(self) -> None:
        self._saved = (self.selected_uuids(), self.current_uuid(),
                       self.verticalScrollBar().value())

    def _restore_place(self) -> None:
        if self._saved is None:
            return
        uuids, current, scroll = self._saved
        self._saved = None
        self.updateGeometries()  # the scroll range follows the new row count now
        self.verticalScrollBar().setValue(scroll)
        # Load the rows now on screen, so the selection can be found among them.
        first = self.rowAt(0)
        if first >= 0:
            self._model.row(first)
            self._model.row(min(self._model.rowCount() - 1,
                                first + self.viewport().height() // max(1, self.rowHeight(0))))
        self.select_uuids(uuids, current)
        if not self.currentIndex().isValid() and self._model.rowCount():
            # Arrows and Enter need a current row, also right after the list filled up.
            self.selectionModel().setCurrentIndex(self._model.index(self.rowAt(0) if
                                                                    self.rowAt(0) > 0 else 0, 0),
                                                  QItemSelectionModel.SelectionFlag.NoUpdate)
