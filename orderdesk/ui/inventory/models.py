"""Qt item models of stock lots and reservations; rows come from the core, never from SQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from orderdesk.core.inventory import Lot, ReservationRow
from orderdesk.ui.fmt import Formatter

Index = QModelIndex | QPersistentModelIndex
ANY, WITH, WITHOUT = "any", "with", "without"
WARN = QColor("#b45309")  # amber: readable on white and on the alternate row colour
OFF = QColor("#7a7a7a")


@dataclass(frozen=True)
class LotFilter:
    """What the inventory window shows; text fields match parts, case-insensitively."""

    search: str = ""  # item code, name, lot/heat number or location
    item_code: str = ""
    lot: str = ""
    location: str = ""
    certificates: str = ANY  # ANY, WITH or WITHOUT
    include_inactive: bool = False

    def with_(self, **kw: Any) -> LotFilter:
        return replace(self, **kw)

    def keep(self, lot: Lot) -> bool:
        if self.item_code and self.item_code.lower() not in lot.item_code.lower():
            return False
        if self.lot and self.lot.lower() not in lot.lot.lower():
            return False
        if self.location and self.location.lower() not in lot.location.lower():
            return False
        has = bool(lot.certificates)
        return not ((self.certificates == WITH and not has) or
                    (self.certificates == WITHOUT and has))


LOT_COLUMNS = ("Item code", "Name", "Lot / heat", "Quantity", "Reserved", "Available", "Unit",
               "Location", "Certificates")
C_ITEM, C_NAME, C_LOT, C_QTY, C_RES, C_AVAIL, C_UNIT, C_LOC, C_CERT = range(len(LOT_COLUMNS))
_NUMERIC = {C_QTY, C_RES, C_AVAIL, C_CERT}


class LotTableModel(QAbstractTableModel):
    """The lots the filter finds, read in one call (a company's stock fits in memory)."""

    def __init__(self, fetch: Callable[[LotFilter], list[Lot]], fmt: Formatter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch, self.fmt = fetch, fmt
        self.filter = LotFilter()
        self.rows: list[Lot] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_filter(self, flt: LotFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = [lot for lot in self._fetch(self.filter) if self.filter.keep(lot)]
        if self._sort:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def lot(self, row: int) -> Lot | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, lot_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == lot_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LOT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LOT_COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return LOT_COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        lot, c = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(lot, c)
        if role == Qt.ItemDataRole.TextAlignmentRole and c in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not lot.active:
                return QBrush(OFF)
            if c == C_CERT and not lot.certificates:
                return QBrush(WARN)
        if role == Qt.ItemDataRole.FontRole and not lot.active:
            f = QFont()
            f.setItalic(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == C_CERT and not lot.certificates:
                return "No certificate: a pack with this lot will list it as missing"
            if not lot.active:
                return "Deactivated: cannot be reserved"
        if role == Qt.ItemDataRole.UserRole:
            return lot.id
        return None

    def _display(self, lot: Lot, c: int) -> str:
        n = self.fmt.number
        if c == C_ITEM:
            return lot.item_code
        if c == C_NAME:
            return lot.name + ("" if lot.active else " (deactivated)")
        if c == C_LOT:
            return lot.lot
        if c == C_QTY:
            return n(lot.quantity)
        if c == C_RES:
            return n(lot.reserved) if lot.reserved else ""
        if c == C_AVAIL:
            return n(lot.available)
        if c == C_UNIT:
            return lot.unit
        if c == C_LOC:
            return lot.location
        return str(len(lot.certificates)) if lot.certificates else "none"

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(LOT_COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        keys: dict[int, Callable[[Lot], Any]] = {
            C_QTY: lambda x: x.quantity, C_RES: lambda x: x.reserved,
            C_AVAIL: lambda x: x.available, C_CERT: lambda x: len(x.certificates)}
        key = keys.get(column, lambda x: self._display(x, column).lower())
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    numeric: bool = False
    tip: Callable[[Any], str] | None = None
    warn: Callable[[Any], bool] | None = None


class RowsModel(QAbstractTableModel):
    """A read-only table of plain row objects, its columns described once."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, r: int) -> Any:
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col.tip is not None:
            return col.tip(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and col.warn is not None and col.warn(row):
            return QBrush(WARN)
        return None


def certificate_names(certs: Sequence[tuple[str, str, str]]) -> str:
    return ", ".join(name for _uid, name, _md5 in certs) if certs else "none"


def certificate_tip(certs: Sequence[tuple[str, str, str]]) -> str:
    return "\n".join(f"{name}  MD5 {md5}" for _uid, name, md5 in certs)


def reservation_columns(fmt: Formatter, unit: str = "") -> list[Column]:
    """The reservations of one line: which lot, how much, its certificates."""
    return [
        Column("Lot / heat", lambda r: r.lot_number),
        Column("Lot", lambda r: r.lot_name),
        Column("Reserved", lambda r: f"{fmt.number(r.quantity)} {unit}".strip(), numeric=True),
        Column("Certificates", lambda r: certificate_names(r.certificates),
               tip=lambda r: certificate_tip(r.certificates), warn=lambda r: not r.certificates),
    ]


def total_reserved(rows: Sequence[ReservationRow]) -> Decimal:
    return sum((r.quantity for r in rows), Decimal(0))
