"""The order list: filters, full-text search, SQL sorting and keyset pages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Sequence

from orderdesk.core.base import Service
from orderdesk.core.errors import ValidationError
from orderdesk.core.fields import ts_parse, ts_text
from orderdesk.core.money import from_fixed
from orderdesk.core.schema import SORTABLE
from orderdesk.core.search import search_words

ROW_COLS = (
    "id", "uuid", "number", "reference", "customer_reference", "customer_code", "customer_name",
    "order_date", "delivery_date", "site", "currency", "stage", "status", "total_quantity",
    "grand_total", "balance", "line_count", "created_at", "updated_at", "active", "version",
)


class OrderRow(NamedTuple):
    """One row of the order list, as shown."""

    rowid: int
    id: str
    number: str
    reference: str
    customer_reference: str
    customer_code: str
    customer_name: str
    order_date: date | None
    delivery_date: date | None
    site: str
    currency: str
    stage: str
    status: str
    total_quantity: Decimal
    grand_total: Decimal
    balance: Decimal
    line_count: int
    created_at: datetime | None
    updated_at: datetime | None
    active: bool
    version: int
    sort_key: Any

    @property
    def key(self) -> tuple[Any, int]:
        """The keyset cursor of this row under the query's sort."""
        return (self.sort_key, self.rowid)


@dataclass(frozen=True)
class OrderQuery:
    text: str = ""
    stages: tuple[str, ...] = ("draft", "sent")
    deleted: bool = False  # the deleted-orders view
    statuses: tuple[str, ...] = ()
    customer_code: str | None = None
    order_date_from: date | None = None
    order_date_to: date | None = None
    delivery_date_from: date | None = None
    delivery_date_to: date | None = None
    created_from: date | None = None
    created_to: date | None = None
    changed_since: datetime | None = None
    changed_since_revision: int | None = None
    ids: tuple[str, ...] | None = None  # a selection
    sort: str = "number"
    descending: bool = True

    def with_(self, **kw: Any) -> OrderQuery:
        return replace(self, **kw)


@dataclass
class Page:
    rows: list[OrderRow] = field(default_factory=list)
    more: bool = False


_DATE_SORTS = {"order_date", "delivery_date"}
_FIXED_SORTS = {"total_quantity", "grand_total", "balance"}


class ListingService(Service):
    # Below this many full-text hits a page is read from the hits and sorted; above it the
    # sort index is walked and each order checked against the hits (measured at 1M orders).
    FEW_HITS = 20000

    def _source(self, q: OrderQuery, *, join_search: bool) -> tuple[str, str, list[Any]]:
        """FROM clause, WHERE clause and their parameters for a query."""
        where, params = self._where(q, join_search=join_search)
        words = search_words(q.text)
        if words and join_search:
            frm, p = self.store.dialect.search_join(words)
            return frm, where, [*p, *params]
        return "orders o", where, params

    def _few_hits(self, q: OrderQuery) -> bool:
        words = search_words(q.text)
        return bool(words) and self.store.dialect.search_hits(words, self.FEW_HITS) <= self.FEW_HITS

    def _where(self, q: OrderQuery, *, join_search: bool = False) -> tuple[str, list[Any]]:
        # A literal (not a parameter) so SQLite can use the Deleted view's partial indexes.
        conds = ["o.company_id = ?", "o.active = FALSE" if q.deleted else "o.active = TRUE"]
        params: list[Any] = [self.cid]
        if q.stages and not q.deleted:
            conds.append(f"o.stage IN ({','.join('?' * len(q.stages))})")
            params += list(q.stages)
        if q.statuses:
            conds.append(f"o.status IN ({','.join('?' * len(q.statuses))})")
            params += list(q.statuses)
        if q.customer_code:
            conds.append("o.customer_code = ?")
            params.append(q.customer_code)
        for col, lo, hi in (("order_date", q.order_date_from, q.order_date_to),
                            ("delivery_date", q.delivery_date_from, q.delivery_date_to)):
            if lo:
                conds.append(f"o.{col} >= ?")
                params.append(lo.isoformat())
            if hi:  # both ends inclusive
                conds.append(f"o.{col} <= ? AND o.{col} <> ''")
                params.append(hi.isoformat())
        if q.created_from:
            conds.append("o.created_at >= ?")
            params.append(q.created_from.isoformat())
        if q.created_to:
            conds.append("o.created_at < ?")
            params.append(date.fromordinal(q.created_to.toordinal() + 1).isoformat())
        if q.changed_since:
            conds.append("o.updated_at > ?")
            params.append(ts_text(q.changed_since))
        if q.changed_since_revision is not None:
            conds.append("o.revision > ?")
            params.append(q.changed_since_revision)
        if q.ids is not None:
            conds.append(f"o.uuid IN ({','.join('?' * len(q.ids))})" if q.ids else "1 = 0")
            params += list(q.ids)
        words = search_words(q.text)
        if words and not join_search:
            cond, p = self.store.dialect.search_condition(words)
            conds.append(cond)
            params += p
        return " AND ".join(conds), params

    def count(self, q: OrderQuery) -> int:
        frm, where, params = self._source(q, join_search=True)
        return int(self.q(f"SELECT COUNT(*) FROM {frm} WHERE {where}", params).fetchone()[0])

    def page(self, q: OrderQuery, limit: int = 100, after: tuple[Any, int] | None = None,
             reverse: bool = False) -> Page:
        """One keyset page: rows after the cursor `after` (a row's `.key`).

        `reverse=True` reads from the other end (the last page first), rows still
        returned in display order.
        """
        if q.sort not in SORTABLE:
            raise ValidationError("sort", q.sort, "is not a sortable column")
        frm, where, params = self._source(q, join_search=self._few_hits(q))
        desc = q.descending != reverse
        op, direction = ("<", "DESC") if desc else (">", "ASC")
        if after is not None:
            where += f" AND (o.{q.sort}, o.id) {op} (?, ?)"
            params += [_db_key(q.sort, after[0]), after[1]]
        sql = (f"SELECT {', '.join('o.' + c for c in ROW_COLS)}, o.{q.sort} FROM {frm} "
               f"WHERE {where} ORDER BY o.{q.sort} {direction}, o.id {direction} LIMIT ?")
        rows = self.q(sql, [*params, limit + 1]).fetchall()
        out = [_row(r) for r in rows[:limit]]
        if reverse:
            out.reverse()
        return Page(out, len(rows) > limit)

    def at_offset(self, q: OrderQuery, offset: int, limit: int = 100) -> Page:
        """A page by position (for a scroll bar dragged far); slower than keyset pages."""
        frm, where, params = self._source(q, join_search=self._few_hits(q))
        direction = "DESC" if q.descending else "ASC"
        sql = (f"SELECT {', '.join('o.' + c for c in ROW_COLS)}, o.{q.sort} FROM {frm} "
               f"WHERE {where} ORDER BY o.{q.sort} {direction}, o.id {direction} "
               "LIMIT ? OFFSET ?")
        rows = self.q(sql, [*params, limit + 1, offset]).fetchall()
        return Page([_row(r) for r in rows[:limit]], len(rows) > limit)

    def uuids(self, q: OrderQuery, limit: int | None = None) -> list[str]:
        """All matching order ids in list order (exports, batch reports)."""
        frm, where, params = self._source(q, join_search=self._few_hits(q))
        direction = "DESC" if q.descending else "ASC"
        sql = (f"SELECT o.uuid FROM {frm} WHERE {where} "
               f"ORDER BY o.{q.sort} {direction}, o.id {direction}")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in self.q(sql, params)]

    def rows(self, uuids: Sequence[str]) -> list[OrderRow]:
        """Fresh rows for these orders (to refresh what changed), in no particular order."""
        out = []
        for i in range(0, len(uuids), 500):
            chunk = list(uuids[i : i + 500])
            out += [_row(r) for r in self.q(
                f"SELECT {', '.join('o.' + c for c in ROW_COLS)}, o.number FROM orders o "
                f"WHERE o.company_id = ? AND o.uuid IN ({','.join('?' * len(chunk))})",
                [self.cid, *chunk])]
        return out


def _db_key(sort: str, value: Any) -> Any:
    if sort in _FIXED_SORTS and isinstance(value, Decimal):
        from orderdesk.core.money import to_fixed

        return to_fixed(value)
    return value


def _row(r: Any) -> OrderRow:
    return OrderRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6],
        date.fromisoformat(r[7]) if r[7] else None,
        date.fromisoformat(r[8]) if r[8] else None,
        r[9], r[10], r[11], r[12], from_fixed(r[13]), from_fixed(r[14]), from_fixed(r[15]),
        r[16], ts_parse(r[17]), ts_parse(r[18]), bool(r[19]), r[20], r[21],
    )
