"""Bulk reads for exchange files: many orders' headers and lines in a few queries."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from orderdesk.core.base import chunked, marks
from orderdesk.core.fields import ts_parse
from orderdesk.core.money import from_fixed

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk
    from orderdesk.core.listing import OrderQuery

# SQLite allows 999 parameters in old builds; stay well below with the company id added.
_CHUNK = 500


@dataclass(frozen=True)
class OrderRecord:
    """One order's header as the exchange files carry it (stored totals included)."""

    id: str
    number: str
    reference: str
    customer_reference: str
    customer_code: str
    customer_name: str
    order_date: date
    delivery_date: date | None
    site: str
    currency: str
    stage: str
    status: str
    notes: str
    active: bool
    line_count: int
    total_quantity: Decimal
    products_total: Decimal
    surcharges_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    paid: Decimal
    balance: Decimal
    created_at: datetime | None
    updated_at: datetime | None
    version: int


@dataclass(frozen=True)
class LineRecord:
    """One line as the exchange files carry it; taxes as (name, rate) pairs in order."""

    id: str
    order_id: str
    order_reference: str
    currency: str
    position: int
    item_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: Decimal
    taxes: tuple[tuple[str, Decimal], ...]
    active: bool
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


_ORDER_COLS = (
    "uuid, number, reference, customer_reference, customer_code, customer_name, order_date, "
    "delivery_date, site, currency, stage, status, notes, active, line_count, total_quantity, "
    "products_total, surcharges_total, tax_total, grand_total, paid, balance, created_at, "
    "updated_at, version"
)


def order_records(desk: Desk, uuids: Sequence[str]) -> list[OrderRecord]:
    """The headers of these orders of the desk's company, in the order given (unknown skipped)."""
    found: dict[str, OrderRecord] = {}
    for chunk in chunked(list(uuids), _CHUNK):
        for r in desk.store.execute(
                f"SELECT {_ORDER_COLS} FROM orders WHERE company_id = ? AND uuid IN "
                f"({marks(len(chunk))})", [desk.company_id, *chunk]):
            found[r[0]] = OrderRecord(
                r[0], r[1], r[2] or "", r[3] or "", r[4], r[5], date.fromisoformat(r[6]),
                date.fromisoformat(r[7]) if r[7] else None, r[8], r[9], r[10], r[11], r[12],
                bool(r[13]), int(r[14]), from_fixed(r[15]), from_fixed(r[16]),
                from_fixed(r[17]), from_fixed(r[18]), from_fixed(r[19]), from_fixed(r[20]),
                from_fixed(r[21]), ts_parse(r[22]), ts_parse(r[23]), int(r[24]))
    return [found[u] for u in uuids if u in found]


def line_records(desk: Desk, uuids: Sequence[str]) -> list[LineRecord]:
    """The lines of these orders, grouped in the order given, each by position.

    An active order yields its active lines; a deleted order the lines deleted with it
    (as `OrderService.get` shows them).
    """
    by_order: dict[str, list[LineRecord]] = {}
    for chunk in chunked(list(uuids), _CHUNK):
        rows = desk.store.execute(
            "SELECT l.id, l.uuid, o.uuid, o.reference, o.currency, l.position, l.item_code, "
            "l.description, l.quantity, l.unit, l.unit_price, l.discount, l.active, l.subtotal, "
            "l.tax_amount, l.total FROM orders o JOIN order_line l ON l.order_id = o.id "
            f"WHERE o.company_id = ? AND o.uuid IN ({marks(len(chunk))}) AND "
            "(l.active = ? OR (o.active = ? AND l.deleted_op = o.deleted_op)) "
            "ORDER BY o.id, l.position, l.id", [desk.company_id, *chunk, True, False]).fetchall()
        taxes: dict[int, list[tuple[str, Decimal]]] = {}
        ids = [r[0] for r in rows]
        for part in chunked(ids, _CHUNK):
            for lid, name, rate in desk.store.execute(
                    f"SELECT line_id, name, rate FROM line_tax WHERE line_id IN "
                    f"({marks(len(part))}) ORDER BY line_id, seq", list(part)):
                taxes.setdefault(lid, []).append((name, from_fixed(rate)))
        for r in rows:
            by_order.setdefault(r[2], []).append(LineRecord(
                r[1], r[2], r[3] or "", r[4], int(r[5]), r[6], r[7], from_fixed(r[8]), r[9],
                from_fixed(r[10]), from_fixed(r[11]), tuple(taxes.get(r[0], ())), bool(r[12]),
                from_fixed(r[13]), from_fixed(r[14]), from_fixed(r[15])))
    return [rec for u in uuids for rec in by_order.get(u, ())]


def find_orders(desk: Desk, ids: Iterable[str], references: Iterable[str]
                ) -> tuple[dict[str, str], dict[str, str]]:
    """Which of these order ids and references exist in the company: (id → id, ref → id)."""
    by_id: dict[str, str] = {}
    by_ref: dict[str, str] = {}
    for chunk in chunked(sorted(set(ids)), _CHUNK):
        for (u,) in desk.store.execute(
                f"SELECT uuid FROM orders WHERE company_id = ? AND uuid IN ({marks(len(chunk))})",
                [desk.company_id, *chunk]):
            by_id[u] = u
    for chunk in chunked(sorted(set(r for r in references if r)), _CHUNK):
        for u, ref in desk.store.execute(
                f"SELECT uuid, reference FROM orders WHERE company_id = ? AND reference IN "
                f"({marks(len(chunk))})", [desk.company_id, *chunk]):
            by_ref[ref] = u
    return by_id, by_ref


def numbers_in_use(desk: Desk, numbers: Iterable[str]) -> dict[str, str]:
    """Order number → the id of the order of this company holding it."""
    out: dict[str, str] = {}
    for chunk in chunked(sorted(set(numbers)), _CHUNK):
        for u, n in desk.store.execute(
                f"SELECT uuid, number FROM orders WHERE company_id = ? AND number IN "
                f"({marks(len(chunk))})", [desk.company_id, *chunk]):
            out[n] = u
    return out


def order_ids_taken(desk: Desk, ids: Iterable[str]) -> set[str]:
    """Order UUIDs already used anywhere in the database (any company): not reusable."""
    out: set[str] = set()
    for chunk in chunked(sorted(set(ids)), _CHUNK):
        out.update(r[0] for r in desk.store.execute(
            f"SELECT uuid FROM orders WHERE uuid IN ({marks(len(chunk))})", list(chunk)))
    return out


def line_owners(desk: Desk, line_ids: Iterable[str]) -> dict[str, str | None]:
    """Line UUID → its order's UUID when in this company, None when used elsewhere."""
    out: dict[str, str | None] = {}
    for chunk in chunked(sorted(set(line_ids)), _CHUNK):
        for lu, ou, cid in desk.store.execute(
                "SELECT l.uuid, o.uuid, o.company_id FROM order_line l JOIN orders o ON "
                f"o.id = l.order_id WHERE l.uuid IN ({marks(len(chunk))})", list(chunk)):
            out[lu] = ou if cid == desk.company_id else None
    return out


# ---------- raw rows for exports: stored values as the database holds them ----------

# Money, quantities and rates are the stored fixed-point integers (four decimals), dates
# ISO text, timestamps the stored UTC text: exports format them without Decimal objects.
EXPORT_ORDER_COLS = (
    "o.id, o.uuid, o.number, o.reference, o.customer_reference, o.customer_code, "
    "o.customer_name, o.order_date, o.delivery_date, o.site, o.currency, o.stage, o.status, "
    "o.notes, o.active, o.line_count, o.total_quantity, o.products_total, o.surcharges_total, "
    "o.tax_total, o.grand_total, o.paid, o.balance, o.created_at, o.updated_at"
)
EXPORT_LINE_COLS = (
    "l.id, l.uuid, o.uuid, o.reference, o.currency, l.position, l.item_code, l.description, "
    "l.quantity, l.unit, l.unit_price, l.discount, l.active, l.subtotal, l.tax_amount, l.total"
)
# Lines an export shows: an active order's active lines, a deleted order's deleted with it.
_SHOWN_LINES = "(l.active = ? OR (o.active = ? AND l.deleted_op = o.deleted_op))"


def order_chunks(desk: Desk, query: OrderQuery, size: int = 1000
                 ) -> Iterator[list[tuple[Any, ...]]]:
    """Raw export rows (EXPORT_ORDER_COLS) of the orders a list query matches, in its order.

    One keyset query per chunk of `size`, so memory stays flat whatever the count.
    """
    from orderdesk.core.listing import SORTABLE

    listing = desk.listing
    if query.sort not in SORTABLE:
        raise ValueError(f"{query.sort!r} is not a sortable column")
    frm, where, params = listing._source(query, join_search=listing._few_hits(query))
    op, direction = ("<", "DESC") if query.descending else (">", "ASC")
    sql = (f"SELECT {EXPORT_ORDER_COLS}, o.{query.sort} FROM {frm} WHERE {where}{{after}} "
           f"ORDER BY o.{query.sort} {direction}, o.id {direction} LIMIT ?")
    after: list[Any] = []
    while True:
        cond = f" AND (o.{query.sort}, o.id) {op} (?, ?)" if after else ""
        rows = desk.store.execute(sql.format(after=cond), [*params, *after, size]).fetchall()
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = [rows[-1][-1], rows[-1][0]]  # the stored sort value itself: no conversion


def order_rows(desk: Desk, uuids: Sequence[str]) -> list[tuple[Any, ...]]:
    """Raw export rows of these orders of the company, in the order given (unknown skipped)."""
    found: dict[str, tuple[Any, ...]] = {}
    for chunk in chunked(list(uuids), _CHUNK):
        for r in desk.store.execute(
                f"SELECT {EXPORT_ORDER_COLS} FROM orders o WHERE o.company_id = ? AND o.uuid IN "
                f"({marks(len(chunk))})", [desk.company_id, *chunk]):
            found[r[1]] = r
    return [found[u] for u in uuids if u in found]


def line_rows(desk: Desk, order_ids: Sequence[int]
              ) -> tuple[list[tuple[Any, ...]], dict[int, list[tuple[str, int]]]]:
    """Raw export rows (EXPORT_LINE_COLS, then the order's id) of these orders (internal
    ids), grouped in the order given and by position within each order; and each line's
    (name, fixed rate) taxes by line id, in their order."""
    lines: list[tuple[Any, ...]] = []
    taxes: dict[int, list[tuple[str, int]]] = {}
    for chunk in chunked(list(order_ids), _CHUNK):
        ids = marks(len(chunk))
        pairs = list(zip(chunk, chunk[1:]))
        # Chunks come in id order either way round when the export follows creation
        # order (numbers): then SQL sorts them as wanted; otherwise they are regrouped.
        ascending = all(a < b for a, b in pairs)
        descending = not ascending and all(a > b for a, b in pairs)
        rows = desk.store.execute(
            f"SELECT {EXPORT_LINE_COLS}, l.order_id FROM orders o JOIN order_line l ON "
            f"l.order_id = o.id WHERE o.id IN ({ids}) AND {_SHOWN_LINES} ORDER BY l.order_id"
            f"{' DESC' if descending else ''}, l.position, l.id", [*chunk, True, False]).fetchall()
        for lid, name, rate in desk.store.execute(
                f"SELECT t.line_id, t.name, t.rate FROM line_tax t JOIN order_line l ON "
                f"l.id = t.line_id JOIN orders o ON o.id = l.order_id WHERE o.id IN ({ids}) "
                f"AND {_SHOWN_LINES} ORDER BY t.line_id, t.seq", [*chunk, True, False]):
            got = taxes.get(lid)
            if got is None:
                taxes[lid] = [(name, rate)]
            else:
                got.append((name, rate))
        if ascending or descending:
            lines += rows
            continue
        by_order: dict[int, list[tuple[Any, ...]]] = {}
        for r in rows:
            by_order.setdefault(r[-1], []).append(r)
        for oid in chunk:
            lines += by_order.get(oid, ())
    return lines, taxes


def new_uuids(count: int) -> list[str]:
    """`count` fresh version-7 UUIDs as `fields.new_uuid` makes them, in ascending order.

    One clock read and one urandom call for the lot (new_uuid costs a syscall and a
    UUID object each); sorted, so bulk inserts still land at the end of the uuid index.
    """
    ms = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    head = ms << 80 | 0x7 << 76 | 0b10 << 62
    data = os.urandom(10 * count)
    low = (1 << 62) - 1
    values = sorted(
        head | (r >> 68 & 0xFFF) << 64 | (r & low)
        for r in (int.from_bytes(data[k:k + 10], "big") for k in range(0, 10 * count, 10)))
    out = []
    for v in values:
        h = f"{v:032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


__all__ = [
    "EXPORT_LINE_COLS", "EXPORT_ORDER_COLS", "LineRecord", "OrderRecord", "find_orders",
    "line_owners", "line_records", "line_rows", "new_uuids", "numbers_in_use", "order_chunks",
    "order_ids_taken", "order_records", "order_rows",
]
