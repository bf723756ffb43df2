"""The order list model: a row count and a small cache of keyset pages from the core.

At a million orders the model never holds more than CACHE_PAGES pages; a page is found
from a cached neighbour (keyset, fast), from the end (reverse keyset), or by offset
(a scroll bar dragged far). Sorting happens in the database.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from PySide6.QtCore import (
    QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal,
)

from orderdesk.core import ChangeSet, OrderQuery, OrderRow
from orderdesk.ui.fmt import Formatter

Index = QModelIndex | QPersistentModelIndex
# Starts counting a query off the GUI thread and calls back (on the GUI thread) with the count.
CountAsync = Callable[["OrderQuery", Callable[[int], None]], None]
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
UUID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
# Plain ints: data() runs thousands of times per paint.
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)


class Listing(Protocol):
    """What the model needs from the core (desk.listing)."""

    def count(self, q: OrderQuery) -> int: ...
    def page(self, q: OrderQuery, limit: int = ..., after: Any = ..., reverse: bool = ...) -> Any: ...
    def at_offset(self, q: OrderQuery, offset: int, limit: int = ...) -> Any: ...
    def rows(self, uuids: Sequence[str]) -> list[OrderRow]: ...


@dataclass(frozen=True)
class Column:
    key: str  # the OrderRow field and the core's sort column
    title: str
    numeric: bool = False
    hidden: bool = False  # hidden until the user shows it


COLUMNS = (
    Column("number", "Number"),
    Column("reference", "Order ref.", hidden=True),
    Column("customer_reference", "Customer PO"),
    Column("customer_name", "Customer"),
    Column("order_date", "Order date"),
    Column("delivery_date", "Delivery"),
    Column("site", "Site", hidden=True),
    Column("stage", "Stage"),
    Column("status", "Status"),
    Column("total_quantity", "Quantity", numeric=True, hidden=True),
    Column("grand_total", "Total", numeric=True),
    Column("balance", "Balance", numeric=True),
    Column("created_at", "Created", hidden=True),
    Column("updated_at", "Updated", hidden=True),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class OrderListModel(QAbstractTableModel):
    """Rows of one OrderQuery; `set_query` for a new list, `apply_changes` to follow writes."""

    # Around a refresh of the same query: views save and restore their place.
    refreshing = Signal()
    refreshed = Signal()
    PAGE = 200
    CACHE_PAGES = 40  # ~8,000 rows at most, whatever the list length

    # The exact number of rows of the current query is known (see `counting`).
    counted = Signal(int)

    def __init__(self, listing: Listing, fmt: Formatter | None = None,
                 status_name: Callable[[str], str] | None = None,
                 parent: QObject | None = None, *,
                 count_async: CountAsync | None = None) -> None:
        super().__init__(parent)
        self.listing = listing
        self.fmt = fmt or Formatter()
        self.status_name = status_name or (lambda code: code)
        self._q = OrderQuery()
        self._count = 0
        self._pages: OrderedDict[int, list[OrderRow]] = OrderedDict()
        self._texts: dict[int, list[str | None]] = {}  # row → formatted cells (cached pages)
        self.fetches = {"keyset": 0, "reverse": 0, "offset": 0}
        # Counting a common word at a million orders takes most of a second; with
        # `count_async` the first page shows at once and the rest arrives with the count.
        self._count_async = count_async
        self._generation = 0
        self.counting = False
        self._start_count()

    # ---- the query ----
    @property
    def query(self) -> OrderQuery:
        return self._q

    def set_query(self, q: OrderQuery, *, recount: bool = True) -> None:
        """Shows another query's orders (a view, a filter, a search, a sort)."""
        self.beginResetModel()
        self._q = q
        self._clear()
        if recount:
            self._start_count()
        self.endResetModel()
        if recount and not self.counting:
            self.counted.emit(self._count)

    def _start_count(self) -> None:
        """Counts now, or shows the first page and counts in the background."""
        self._generation += 1
        if self._count_async is None:
            self.counting = False
            self._count = self.listing.count(self._q)
            return
        page = self.listing.page(self._q, limit=self.PAGE)
        self.fetches["keyset"] += 1
        self._pages[0] = page.rows
        self._count = len(page.rows)
        self.counting = page.more
        if page.more:
            gen, q = self._generation, self._q
            self._count_async(q, lambda n: self._counted(gen, n))

    def _counted(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return  # an older query's count
        self.counting = False
        if n > self._count:  # rows appended below the first page: views keep their place
            self.beginInsertRows(QModelIndex(), self._count, n - 1)
            self._count = n
            self.endInsertRows()
        elif n < self._count:  # fewer than the first page showed: orders went meanwhile
            self.beginResetModel()
            self._count = n
            self._clear()
            self.endResetModel()
        self.counted.emit(n)

    def reload(self) -> None:
        """Reads the same query again (Refresh), keeping the user's place."""
        self._soft_reload()

    def _clear(self) -> None:
        self._pages.clear()
        self._texts.clear()

    # ---- Qt model API ----
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == DISPLAY:
                return COLUMNS[section].title
            if role == ALIGN:
                return RIGHT if COLUMNS[section].numeric else LEFT
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None  # an invalid QVariant: the only way PySide spells "no data"
        r, c = index.row(), index.column()
        if role == DISPLAY or role == TOOLTIP:
            texts = self._texts.get(r)
            if texts is None:
                texts = self._texts[r] = [None] * len(COLUMNS)
            text = texts[c]
            if text is None:
                row = self.row(r)
                if row is None:
                    return ""
                # Per cell, on demand: hidden columns are never formatted.
                text = texts[c] = self._cell(row, COLUMNS[c].key)
            return text
        if role == ALIGN:
            return RIGHT if COLUMNS[c].numeric else LEFT
        if role == UUID_ROLE:
            row = self.row(r)
            return row.id if row is not None else ""
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        q = self._q.with_(sort=COLUMNS[column].key,
                          descending=order == Qt.SortOrder.DescendingOrder)
        if q != self._q:
            self.set_query(q, recount=False)  # a sort never changes how many match

    # ---- rows ----
    def row(self, r: int) -> OrderRow | None:
        if not 0 <= r < self._count:
            return None
        p, i = divmod(r, self.PAGE)
        rows = self._pages.get(p)
        if rows is None:
            rows = self._fetch(p)
        else:
            self._pages.move_to_end(p)
        return rows[i] if i < len(rows) else None

    def uuid(self, r: int) -> str | None:
        row = self.row(r)
        return row.id if row else None

    def find_cached(self, uuid: str) -> int | None:
        """The row of this order if it is in the cache (no query)."""
        for p, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.id == uuid:
                    return p * self.PAGE + i
        return None

    def _fetch(self, p: int) -> list[OrderRow]:
        start = p * self.PAGE
        want = min(self.PAGE, self._count - start)
        before, after = self._pages.get(p - 1), self._pages.get(p + 1)
        if p == 0:
            rows = self.listing.page(self._q, limit=want).rows
            self.fetches["keyset"] += 1
        elif before and len(before) == self.PAGE:
            rows = self.listing.page(self._q, limit=want, after=before[-1].key).rows
            self.fetches["keyset"] += 1
        elif start + want >= self._count:  # the last page: read from the other end
            rows = self.listing.page(self._q, limit=want, reverse=True).rows
            self.fetches["reverse"] += 1
        elif after:
            rows = self.listing.page(self._q, limit=want, after=after[0].key, reverse=True).rows
            self.fetches["reverse"] += 1
        else:
            rows = self.listing.at_offset(self._q, start, want).rows
            self.fetches["offset"] += 1
        self._pages[p] = rows
        while len(self._pages) > self.CACHE_PAGES:
            old, _ = self._pages.popitem(last=False)
            for r in range(old * self.PAGE, (old + 1) * self.PAGE):
                self._texts.pop(r, None)
        return rows

    def _cell(self, row: OrderRow, k: str) -> str:
        f = self.fmt
        if k == "grand_total" or k == "balance":
            return f.money(getattr(row, k), row.currency)
        if k == "order_date" or k == "delivery_date":
            return f.date(getattr(row, k))
        if k == "total_quantity":
            return f.number(row.total_quantity)
        if k == "created_at" or k == "updated_at":
            return f.datetime(getattr(row, k))
        if k == "stage":
            return row.stage.capitalize() if row.active else "Deleted"
        if k == "status":
            return self.status_name(row.status)
        return str(getattr(row, k) or "")

    # ---- following changes ----
    def apply_changes(self, changes: ChangeSet) -> str:
        """Refreshes what a write changed; returns 'none', 'rows' or 'reload'."""
        touched = changes.orders | changes.created_orders | changes.removed_orders
        if changes.statuses:
            self._texts.clear()
            self.dataChanged.emit(self.index(0, 0), self.index(max(0, self._count - 1),
                                                               len(COLUMNS) - 1))
        if not touched:
            return "none"
        positions = {u: self.find_cached(u) for u in touched}
        if changes.created_orders or changes.removed_orders or None in positions.values():
            return self._soft_reload()
        # Every changed order is on screen-ish: refresh in place if each still matches and
        # keeps its place in the sort; otherwise the list has to be read again.
        still = {r.id: r for r in self.listing.page(
            self._q.with_(ids=tuple(touched)), limit=len(touched)).rows}
        for uuid, r in positions.items():
            new = still.get(uuid)
            old = self.row(r) if r is not None else None
            if new is None or old is None or getattr(new, self._q.sort) != getattr(old, self._q.sort):
                return self._soft_reload()
        for uuid, r in positions.items():
            assert r is not None
            p, i = divmod(r, self.PAGE)
            self._pages[p][i] = still[uuid]
            self._texts.pop(r, None)
            self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))
        return "rows"

    def _soft_reload(self) -> str:
        """Recounts and re-reads; views keep scroll and selection (see `refreshed`)."""
        self.refreshing.emit()
        self.set_query(self._q)
        self.refreshed.emit()
        return "reload"
