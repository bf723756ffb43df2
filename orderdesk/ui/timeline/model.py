"""An order's history as a two-level item model: actor/minute groups, their events; lazy pages."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from orderdesk.core import Desk
from orderdesk.core.history import Event, HistoryFilter
from orderdesk.core.timeline import Group, TimelinePager, describe, entity_name, group_events
from orderdesk.core.timeline import minute_of

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Change", "Entity", "Time")
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
_serial = itertools.count(1)
_LOG = QColor(30, 90, 160)
_GROUP_BG = QColor(236, 240, 246)


@dataclass
class _Node:
    """A group with a stable id: child indexes point at it, whatever rows come before it."""

    serial: int
    group: Group


class TimelineModel(QAbstractItemModel):
    """Newest first. Further pages come through canFetchMore/fetchMore, or `fetch_page` when
    `auto_fetch` is off (the panel then decides from scrolling); live changes are put on top
    by `refresh_newer` without reloading what is shown."""

    def __init__(self, desk: Desk, order: str, flt: HistoryFilter | None = None,
                 page_size: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk, self.order, self.page_size = desk, order, page_size
        self.pager = TimelinePager(desk, order, flt, page_size)
        self.nodes: list[_Node] = []
        self._row: dict[int, int] = {}  # serial → row
        self._fetching = False
        self.auto_fetch = True
        self.fetch_page()

    # ---- loading ----
    @property
    def filter(self) -> HistoryFilter:
        return self.pager.filter

    def set_filter(self, flt: HistoryFilter) -> None:
        self.beginResetModel()
        self.pager.reset(flt)
        self.nodes, self._row = [], {}
        self.endResetModel()
        self.fetch_page()

    def reload(self) -> None:
        self.set_filter(self.pager.filter)

    @property
    def has_more(self) -> bool:
        """Older events exist that are not loaded yet."""
        return self.pager.can_fetch_more

    def canFetchMore(self, parent: Index) -> bool:
        return self.auto_fetch and not parent.isValid() and self.pager.can_fetch_more

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self.fetch_page()

    def fetch_page(self) -> None:
        """Appends the next page of older events (if any)."""
        if not self.pager.can_fetch_more or self._fetching:
            return
        # A listener of rowsInserted may ask for more while this page is being inserted
        # (the model tester does); the rows in flight must land first.
        self._fetching = True
        try:
            self._append(self.pager.fetch_more())
        finally:
            self._fetching = False

    def _append(self, page: list[Event]) -> None:
        i = 0
        if self.nodes and page:
            last = self.nodes[-1].group
            while i < len(page) and _key(page[i]) == last.key:
                i += 1
            if i:  # the page goes on with the last group's actor and minute
                parent = self.index(len(self.nodes) - 1, 0)
                n = len(last.events)
                self.beginInsertRows(parent, n, n + i - 1)
                last.events.extend(page[:i])
                self.endInsertRows()
                self.dataChanged.emit(parent, parent)  # its heading counts the changes
        new = group_events(page[i:])
        if new:
            n = len(self.nodes)
            self.beginInsertRows(QModelIndex(), n, n + len(new) - 1)
            for g in new:
                node = _Node(next(_serial), g)
                self._row[node.serial] = len(self.nodes)
                self.nodes.append(node)
            self.endInsertRows()

    def refresh_newer(self) -> int:
        """Puts events newer than the newest shown on top; returns how many came."""
        if not self.nodes:
            self.reload()
            return self.event_count()
        top = self.nodes[0].group.events[0]
        page = self.desk.history.timeline(self.order, flt=self.pager.filter,
                                          limit=self.page_size)
        fresh = [e for e in page if (e.at, e.id) > (top.at, top.id)]
        if not fresh:
            return 0
        if len(fresh) == len(page):  # more came than a page: start again from the top
            self.reload()
            return len(fresh)
        j = len(fresh)
        first = self.nodes[0].group
        while j > 0 and _key(fresh[j - 1]) == first.key:
            j -= 1
        if j < len(fresh):  # the oldest new events continue the top group
            self.beginInsertRows(self.index(0, 0), 0, len(fresh) - j - 1)
            first.events[:0] = fresh[j:]
            self.endInsertRows()
            self.dataChanged.emit(self.index(0, 0), self.index(0, 0))
        new = group_events(fresh[:j])
        if new:
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
            self.nodes[:0] = [_Node(next(_serial), g) for g in new]
            self._row = {n.serial: r for r, n in enumerate(self.nodes)}
            self.endInsertRows()
        return len(fresh)

    def event_count(self) -> int:
        return sum(len(n.group.events) for n in self.nodes)

    def events(self) -> list[Event]:
        """The events shown so far, newest first."""
        return [e for n in self.nodes for e in n.group.events]

    def event(self, index: Index) -> Event | None:
        node = self._node_of_child(index)
        return node.group.events[index.row()] if node is not None else None

    def group(self, index: Index) -> Group | None:
        if index.isValid() and not index.internalId() and 0 <= index.row() < len(self.nodes):
            return self.nodes[index.row()].group
        return None

    def _node_of_child(self, index: Index) -> _Node | None:
        if not index.isValid() or not index.internalId():
            return None
        r = self._row.get(index.internalId())
        if r is None:
            return None
        node = self.nodes[r]
        return node if 0 <= index.row() < len(node.group.events) else None

    # ---- Qt: structure ----
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not 0 <= column < len(COLUMNS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if 0 <= row < len(self.nodes) \
                else QModelIndex()
        if parent.internalId() or not 0 <= parent.row() < len(self.nodes):
            return QModelIndex()  # events have no children
        node = self.nodes[parent.row()]
        if not 0 <= row < len(node.group.events):
            return QModelIndex()
        return self.createIndex(row, column, node.serial)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or not index.internalId():
            return QModelIndex()
        r = self._row.get(index.internalId())
        return QModelIndex() if r is None else self.createIndex(r, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self.nodes)
        if parent.column() != 0 or parent.internalId():
            return 0
        return len(self.nodes[parent.row()].group.events) if parent.row() < len(self.nodes) else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return super().headerData(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ---- Qt: data ----
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        g = self.group(index)
        if g is not None:
            return self._group_data(g, index.column(), role)
        e = self.event(index)
        if e is None:
            return None
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return describe(e).text
            if c == 1:
                return entity_name(e.entity_type)
            return f"{e.at.astimezone():%H:%M:%S}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{describe(e).text}\n{e.actor_name} · {e.at.astimezone():%Y-%m-%d %H:%M:%S}"
                    f" · revision {e.revision}")
        if role == Qt.ItemDataRole.ForegroundRole and e.entity_type == "log":
            return QBrush(_LOG)
        if role == EVENT_ROLE:
            return e
        return None

    def _group_data(self, g: Group, c: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                n = len(g.events)
                return f"{g.heading()}  ({n} change{'s' if n != 1 else ''})"
            return None
        if role == Qt.ItemDataRole.FontRole:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_GROUP_BG)
        if role == Qt.ItemDataRole.ToolTipRole and c == 0:
            return g.heading()
        return None


def _key(e: Event) -> tuple[str, Any]:
    return (e.actor_id, minute_of(e.at))
