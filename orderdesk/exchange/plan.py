"""Import, step one: read and check every row, decide what each would do — and write nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from orderdesk.core.bulk import (
    LineRecord, OrderRecord, find_orders, line_owners, line_records, numbers_in_use,
    order_ids_taken, order_records,
)
from orderdesk.core.docs import Line, Order, Tax
from orderdesk.core.fields import new_uuid
from orderdesk.core.money import ZERO
from orderdesk.exchange.columns import Progress, check_progress
from orderdesk.exchange.reader import FileRefused, ORDERS, Problem, Table, open_tables
from orderdesk.exchange.rows import LINE_PARSERS, ORDER_PARSERS, Row, parse_row

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk

MAX_PROBLEMS = 200  # listed; the count of all problems is kept beyond this
_HEADER = {"OrderReference": "reference", "CustomerReference": "customer_reference",
           "CustomerCode": "customer_code", "OrderDate": "order_date",
           "DeliveryDate": "delivery_date", "Site": "site", "Currency": "currency",
           "Notes": "notes"}
_MISSING = object()


@dataclass
class Update:
    """An existing order the import changes: header fields and/or a new list of lines."""

    id: str
    number: str
    version: int
    header: dict[str, Any]
    lines: list[Line] | None


@dataclass
class ImportPlan:
    """What an import would do (the preview) and everything wrong with it."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (file, "orders"|"lines")
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    new_orders: int = 0
    updated_orders: int = 0
    unchanged_orders: int = 0
    lines: int = 0
    new_customers: int = 0
    free_item_codes: int = 0  # distinct item codes not in the catalogue
    free_lines: int = 0
    creates: list[Order] = field(default_factory=list, repr=False)
    updates: list[Update] = field(default_factory=list, repr=False)
    customers: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def changes_anything(self) -> bool:
        return bool(self.creates or self.updates or self.customers)

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def summary(self) -> str:
        return (f"{self.new_orders:,} new orders, {self.updated_orders:,} updated, "
                f"{self.unchanged_orders:,} unchanged, {self.lines:,} lines, "
                f"{self.new_customers:,} new customers, {self.free_item_codes:,} item codes "
                f"not in the catalogue ({self.free_lines:,} lines)")


def plan_import(desk: Desk, paths: Sequence[str | os.PathLike[str]],
                progress: Progress | None = None) -> ImportPlan:
    """Reads one or two files (orders and/or lines, CSV or XLSX) and checks every row.

    `progress(rows_read, 0)` is called while reading (the total is unknown); returning
    False raises Cancelled. Nothing is written: pass the plan to `apply_import`.
    """
    plan = ImportPlan()
    tables, refused = open_tables(list(paths))
    for p in refused:
        plan.add(p)
    orders: list[Row] = []
    lines: list[Row] = []
    try:
        first: dict[str, str] = {}
        for t in tables:
            plan.files.append((t.source, t.kind))
            if t.kind in first:
                plan.add(Problem(t.source, 1, "", f"a second {t.kind} table ({first[t.kind]} "
                                 "is the first); import one orders and one lines table"))
            first.setdefault(t.kind, t.source)
        if not plan.ok:
            return plan
        failed: set[str] = set()
        for t in tables:
            try:
                _read(t, orders if t.kind == ORDERS else lines, plan, progress, failed)
            except FileRefused as e:  # unreadable past its header (bad bytes or quoting)
                plan.add(e.problem)
        if not plan.ok and any(p.row <= 1 or p.column == "" for p in plan.problems):
            return plan
    finally:
        for t in tables:
            t.close()
    # Rows that parsed are still checked against each other and the database, so one
    # run lists every problem; links to order rows that failed to parse are not repeated.
    with desk.store.reading():
        _Resolver(desk, plan, orders, lines, failed).run()
    if not plan.ok:
        plan.creates, plan.updates, plan.customers = [], [], []
    return plan


def _read(t: Table, out: list[Row], plan: ImportPlan, progress: Progress | None,
          failed: set[str]) -> None:
    parsers = ORDER_PARSERS if t.kind == ORDERS else LINE_PARSERS
    problems: list[Problem] = []
    keys = [i for i, c in enumerate(t.columns) if c in ("OrderId", "OrderReference")]
    check_progress(progress, 0, 0)
    for n, (row, values) in enumerate(t.rows, 1):
        given = parse_row(t.source, t.columns, parsers, row, values, problems)
        if given is not None:
            out.append(Row(t.source, row, given))
        elif t.kind == ORDERS:
            failed.update(str(values[i]).strip() for i in keys if i < len(values) and values[i])
        if n % 2000 == 0:
            check_progress(progress, n, 0)
    for p in problems:
        plan.add(p)


class _Resolver:
    """Links rows to orders (existing or new) and lines to orders, and finds conflicts."""

    def __init__(self, desk: Desk, plan: ImportPlan, orders: list[Row], lines: list[Row],
                 failed: set[str]) -> None:
        self.desk, self.plan, self.orders, self.lines = desk, plan, orders, lines
        self.failed = failed  # OrderId/OrderReference of order rows that did not parse
        self.company = desk.company()
        self.target: dict[int, str] = {}  # id(row) → order uuid
        self.existing: dict[str, OrderRecord] = {}

    def bad(self, r: Row, column: str, reason: str) -> None:
        self.plan.add(Problem(r.file, r.row, column, reason))

    def run(self) -> None:
        file_ids, file_refs = self._orders()
        by_order = self._link_lines(file_ids, file_refs)
        customers = self._customers()
        self._build(by_order, customers)

    # ---- orders ----
    def _orders(self) -> tuple[dict[str, Row], dict[str, Row]]:
        ids: dict[str, Row] = {}
        refs: dict[str, Row] = {}
        nums: dict[str, Row] = {}
        for r in self.orders:
            for column, seen in (("OrderId", ids), ("OrderReference", refs), ("OrderNumber", nums)):
                key = r.get(column)
                if key is None:
                    continue
                if key in seen:
                    self.bad(r, column, f"{key!r} appears twice (also row {seen[key].row})")
                else:
                    seen[key] = r
        line_ids = [x.get("OrderId") for x in self.lines if x.get("OrderId")]
        line_refs = [x.get("OrderReference") for x in self.lines if x.get("OrderReference")]
        self.db_ids, self.db_refs = find_orders(self.desk, [*ids, *line_ids], [*refs, *line_refs])
        self.in_db = set(self.db_ids.values()) | set(self.db_refs.values())
        claimed: dict[str, Row] = {}
        new_ids = []
        for r in self.orders:
            oid, ref = r.get("OrderId"), r.get("OrderReference")
            if oid and oid in self.db_ids:
                target = oid
                if ref and self.db_refs.get(ref, oid) != oid:
                    self.bad(r, "OrderReference", f"{ref!r} is already used by another order")
            elif oid:
                target = oid
                new_ids.append(oid)
                if ref and ref in self.db_refs:
                    self.bad(r, "OrderReference", f"{ref!r} is already used by another order "
                             "(the row's OrderId is not in the database)")
            elif ref and ref in self.db_refs:
                target = self.db_refs[ref]
            else:
                target = new_uuid()
            if target in claimed:
                self.bad(r, "OrderId", f"row {claimed[target].row} already names this order")
            claimed[target] = r
            self.target[id(r)] = target
        for oid in order_ids_taken(self.desk, new_ids):
            self.bad(ids[oid], "OrderId", f"{oid!r} is used by an order of another company")
        new_nums = {r.get("OrderNumber"): r for r in self.orders
                    if r.get("OrderNumber") and self.target[id(r)] not in self.in_db}
        for num in numbers_in_use(self.desk, new_nums):
            self.bad(new_nums[num], "OrderNumber", f"{num!r} is already the number of another "
                     "order")
        return ids, refs

    # ---- lines ----
    def _link_lines(self, file_ids: dict[str, Row], file_refs: dict[str, Row]
                    ) -> dict[str, list[Row]]:
        by_order: dict[str, list[Row]] = {}
        seen: dict[str, Row] = {}
        for lr in self.lines:
            oid, ref = lr.get("OrderId"), lr.get("OrderReference")
            t1 = t2 = None
            if oid:
                t1 = self.target[id(file_ids[oid])] if oid in file_ids else self.db_ids.get(oid)
                if t1 is None and oid not in self.failed:
                    self.bad(lr, "OrderId", f"{oid!r}: no order with this id in the orders file "
                             "or the database")
            if ref:
                t2 = self.target[id(file_refs[ref])] if ref in file_refs else self.db_refs.get(ref)
                if t2 is None and ref not in self.failed:
                    self.bad(lr, "OrderReference", f"{ref!r}: no order with this reference in "
                             "the orders file or the database")
            if not oid and not ref:
                self.bad(lr, "OrderId", "the line names no order (fill OrderId or "
                         "OrderReference)")
            if t1 and t2 and t1 != t2:
                self.bad(lr, "OrderReference", f"{ref!r} names another order than OrderId {oid!r}")
            lid = lr.get("LineId")
            if lid:
                if lid in seen:
                    self.bad(lr, "LineId", f"{lid!r} appears twice (also row {seen[lid].row})")
                seen[lid] = lr
            target = t1 or t2
            if target:
                by_order.setdefault(target, []).append(lr)
        self.line_owner = line_owners(self.desk, seen)
        return by_order

    def _customers(self) -> dict[str, str]:
        codes = {r.get("CustomerCode") for r in self.orders}
        known = self.desk.catalog.customer_map(codes)
        names: dict[str, str] = {}
        for r in self.orders:
            code = r.get("CustomerCode")
            if code not in known and r.get("CustomerName") and code not in names:
                names[code] = r.get("CustomerName")
        for r in self.orders:
            code = r.get("CustomerCode")
            if code not in known and code not in names:
                self.bad(r, "CustomerCode", f"{code!r} is not a known customer and the row has "
                         "no CustomerName to create it from")
        self.plan.customers = sorted(names.items())
        self.plan.new_customers = len(names)
        return names

    # ---- decisions ----
    def _build(self, by_order: dict[str, list[Row]], new_customers: dict[str, str]) -> None:
        ordered = [t for t in {*self.target.values(), *by_order} if t in self.in_db]
        self.existing = {r.id: r for r in order_records(self.desk, ordered)}
        old_lines: dict[str, list[LineRecord]] = {}
        for rec in line_records(self.desk, [u for u in ordered if u in by_order]):
            if rec.active:
                old_lines.setdefault(rec.order_id, []).append(rec)
        statuses = self.desk.statuses.codes()
        done: set[str] = set()
        for r in self.orders:
            target = self.target[id(r)]
            done.add(target)
            rows = by_order.get(target)
            if target in self.existing:
                self._update(r, self.existing[target], rows, old_lines.get(target, []))
            else:
                self._create(r, target, rows, statuses)
        for target, rows in by_order.items():
            if target not in done:
                self._update(None, self.existing[target], rows, old_lines.get(target, []))
        codes = {lr.get("ItemCode") for lr in self.lines}
        known = self.desk.catalog.known_codes(codes)
        self.plan.free_item_codes = len(codes - known)
        self.plan.free_lines = sum(1 for lr in self.lines if lr.get("ItemCode") not in known)
        self.plan.lines = len(self.lines)

    def _create(self, r: Row, target: str, rows: list[Row] | None, statuses: set[str]) -> None:
        if r.get("Active") is False:
            self.bad(r, "Active", "a deleted order (Active false) cannot be imported as new")
        status = r.get("Status")
        if status and status not in statuses:
            self.bad(r, "Status", f"{status!r} is not a status of this company (known: "
                     f"{', '.join(sorted(statuses))})")
        o = Order(customer_code=r.get("CustomerCode"), order_date=r.get("OrderDate"),
                  currency=r.get("Currency") or self.company.currency,
                  reference=r.get("OrderReference"),
                  customer_reference=r.get("CustomerReference", ""),
                  delivery_date=r.get("DeliveryDate"), site=r.get("Site", ""),
                  notes=r.get("Notes", ""), status=status, stage=r.get("Stage", "draft"),
                  id=target, number=r.get("OrderNumber"))
        if o.delivery_date and o.delivery_date < o.order_date:
            self.bad(r, "DeliveryDate", f"{o.delivery_date.isoformat()!r} is before the order "
                     "date")
        o.lines = self._lines(rows or [], target, [], keep_positions=True)
        if o.stage != "draft" and not any(ln.active for ln in o.lines):
            self.bad(r, "Stage", f"a {o.stage} order needs at least one active line")
        self.plan.creates.append(o)
        self.plan.new_orders += 1

    def _update(self, r: Row | None, rec: OrderRecord, rows: list[Row] | None,
                old: list[LineRecord]) -> None:
        where = r or (rows[0] if rows else None)
        assert where is not None
        header: dict[str, Any] = {}
        if r is not None:
            for column, current in (("Stage", rec.stage), ("Status", rec.status),
                                    ("Active", rec.active), ("OrderNumber", rec.number)):
                value = r.get(column)
                if value is not None and value != current:
                    self.bad(r, column, f"{value!r} differs from the order's {current!r}: "
                             f"{column} is not changed by an import")
            for column, attr in _HEADER.items():
                if not r.has(column) or (column == "Currency" and r.get(column) is None):
                    continue
                value = r.given[column]
                if value is None and column not in ("DeliveryDate",):
                    value = ""
                if value != getattr(rec, attr):
                    header[attr] = value
            delivery = header.get("delivery_date", rec.delivery_date)
            ordered = header.get("order_date", rec.order_date)
            if delivery and delivery < ordered:
                self.bad(r, "DeliveryDate", f"{delivery.isoformat()!r} is before the order date")
        lines = None
        if rows is not None:
            lines = self._lines(rows, rec.id, old, keep_positions=False)
            if _same_lines([ln for ln in lines if ln.active], old):
                lines = None
        if not header and lines is None:
            self.plan.unchanged_orders += 1
            return
        if not rec.active:
            self.bad(where, "Active", f"order {rec.number} is deleted: restore it before "
                     "importing changes to it")
        elif rec.stage != "draft":
            self.bad(where, "Stage", f"order {rec.number} is {rec.stage}: its document is locked "
                     "and this row would change it (send it back to draft first)")
        self.plan.updates.append(Update(rec.id, rec.number, rec.version, header, lines))
        self.plan.updated_orders += 1

    def _lines(self, rows: list[Row], order: str, old: list[LineRecord],
               keep_positions: bool) -> list[Line]:
        given = sorted((x.given for x in rows), key=_rank)
        rows = sorted(rows, key=lambda x: _rank(x.given))
        explicit = {g.get("LineId") for g in given if g.get("LineId")}
        active_old = {ln.id for ln in old}
        free_by_pos = {ln.position: ln.id for ln in old if ln.id not in explicit}
        positions = [g.get("Position") for g in given]
        keep = keep_positions and None not in positions and len(set(positions)) == len(rows)
        out = []
        for i, (x, g) in enumerate(zip(rows, given), 1):
            lid = g.get("LineId")
            if lid:
                owner = self.line_owner.get(lid, _MISSING)
                if owner is None:
                    self.bad(x, "LineId", f"{lid!r} is a line of another company")
                elif owner is not _MISSING and owner != order:
                    self.bad(x, "LineId", f"{lid!r} is a line of another order")
                elif owner == order and lid not in active_old:
                    self.bad(x, "LineId", f"{lid!r} is a deleted line of this order; leave "
                             "LineId blank to add it again as a new line")
            elif i in free_by_pos:
                # No LineId: the row takes the place of the line at its rank, so a file
                # without ids can be imported again without replacing every line.
                lid = free_by_pos.pop(i)
            active = g.get("Active")
            out.append(Line(
                item_code=g["ItemCode"], quantity=g["Quantity"],
                unit_price=g.get("UnitPrice") or ZERO, description=g.get("Description") or "",
                unit=g.get("Unit") or "pcs", discount=g.get("DiscountPercent") or ZERO,
                taxes=[Tax(n, rate) for n, rate in g.get("Taxes") or ()], id=lid,
                position=g["Position"] if keep else i, active=True if active is None else active))
        return out


def _rank(g: dict[str, Any]) -> tuple[bool, int]:
    """Lines sort by Position; rows without one follow in file order."""
    pos = g.get("Position")
    return (pos is None, pos or 0)


def _same_lines(new: list[Line], old: list[LineRecord]) -> bool:
    """Whether saving `new` would leave the stored lines as they are (the core renumbers)."""
    if len(new) != len(old):
        return False
    for pos, (a, b) in enumerate(zip(new, old), 1):
        if (a.id != b.id or b.position != pos or a.item_code != b.item_code
                or a.description != b.description or a.quantity != b.quantity
                or a.unit != b.unit or a.unit_price != b.unit_price or a.discount != b.discount
                or [(t.name, t.rate) for t in a.taxes] != list(b.taxes)):
            return False
    return True


def iter_problems(plan: ImportPlan) -> Iterable[str]:
    yield from (str(p) for p in plan.problems)
    if plan.problem_count > len(plan.problems):
        yield f"… and {plan.problem_count - len(plan.problems):,} more problems"
