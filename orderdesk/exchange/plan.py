"""Import, step one: read and check every row, decide what each would do — and write nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from orderdesk.core.bulk import (
    LineRecord, OrderRecord, find_orders, line_owners, line_records, new_uuids, numbers_in_use,
    order_ids_taken, order_records,
)
from orderdesk.core.docs import Line, Order, Tax
from orderdesk.core.money import ZERO
from orderdesk.exchange.columns import Progress, check_progress, gc_paused
from orderdesk.exchange.reader import FileRefused, ORDERS, Problem, Table, open_tables
from orderdesk.exchange.rows import LINE_PARSERS, ORDER_PARSERS, Row, parse_rows

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
    with gc_paused():
        return _plan(desk, paths, progress)


def _plan(desk: Desk, paths: Sequence[str | os.PathLike[str]], progress: Progress | None
          ) -> ImportPlan:
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
    source = t.source
    for n, (row, values, given) in enumerate(
            parse_rows(source, t.columns, parsers, t.rows, problems), 1):
        if given is not None:
            out.append(Row(source, row, given))
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
        self.fresh: list[str] = []  # ids for new orders and lines, taken from the end

    def new_id(self) -> str:
        if not self.fresh:
            self.fresh = new_uuids(4096)[::-1]
        return self.fresh.pop()

    def new_ids(self, count: int) -> list[str]:
        while len(self.fresh) < count:
            self.fresh = new_uuids(4096)[::-1] + self.fresh
        taken = self.fresh[-count:] if count else []
        del self.fresh[len(self.fresh) - count:]
        return taken[::-1]

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
        line_ids = [i for x in self.lines if (i := x.given.get("OrderId"))]
        line_refs = [r for x in self.lines if (r := x.given.get("OrderReference"))]
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
                target = self.new_id()
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
        target_of, db_ids, db_refs = self.target, self.db_ids, self.db_refs
        for lr in self.lines:
            g = lr.given
            oid, ref = g.get("OrderId"), g.get("OrderReference")
            t1 = t2 = None
            if oid:
                t1 = target_of[id(file_ids[oid])] if oid in file_ids else db_ids.get(oid)
                if t1 is None and oid not in self.failed:
                    self.bad(lr, "OrderId", f"{oid!r}: no order with this id in the orders file "
                             "or the database")
            if ref:
                t2 = target_of[id(file_refs[ref])] if ref in file_refs else db_refs.get(ref)
                if t2 is None and ref not in self.failed:
                    self.bad(lr, "OrderReference", f"{ref!r}: no order with this reference in "
                             "the orders file or the database")
            if not oid and not ref:
                self.bad(lr, "OrderId", "the line names no order (fill OrderId or "
                         "OrderReference)")
            if t1 and t2 and t1 != t2:
                self.bad(lr, "OrderReference", f"{ref!r} names another order than OrderId {oid!r}")
            lid = g.get("LineId")
            if lid:
                if lid in seen:
                    self.bad(lr, "LineId", f"{lid!r} appears twice (also row {seen[lid].row})")
                seen[lid] = lr
            target = t1 or t2
            if target:
                rows = by_order.get(target)
                if rows is None:
                    by_order[target] = [lr]
                else:
                    rows.append(lr)
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
        codes = [lr.given["ItemCode"] for lr in self.lines]
        distinct = set(codes)
        known = self.desk.catalog.known_codes(distinct)
        self.plan.free_item_codes = len(distinct - known)
        self.plan.free_lines = sum(1 for c in codes if c not in known)
        self.plan.lines = len(self.lines)

    def _create(self, r: Row, target: str, rows: list[Row] | None, statuses: set[str]) -> None:
        g = r.given.get  # parsed cells are None when blank, never another falsy text
        if g("Active") is False:
            self.bad(r, "Active", "a deleted order (Active false) cannot be imported as new")
        status = g("Status")
        if status and status not in statuses:
            self.bad(r, "Status", f"{status!r} is not a status of this company (known: "
                     f"{', '.join(sorted(statuses))})")
        # Built as clean_order would return it (reference "" not None, defaults filled):
        # every value was checked by the same validate calls while parsing, so the core
        # stores it as it is (create_many(prevalidated=True)) instead of checking again.
        o = Order(customer_code=g("CustomerCode"), order_date=g("OrderDate"),
                  currency=g("Currency") or self.company.currency,
                  reference=g("OrderReference") or "",
                  customer_reference=g("CustomerReference") or "",
                  delivery_date=g("DeliveryDate"), site=g("Site") or "",
                  notes=g("Notes") or "", status=status, stage=g("Stage") or "draft",
                  id=target, number=g("OrderNumber"))
        if o.delivery_date and o.delivery_date < o.order_date:
            self.bad(r, "DeliveryDate", f"{o.delivery_date.isoformat()!r} is before the order "
                     "date")
        o.lines = self._new_lines(rows, target) if rows else []
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
        """The order's new list of lines; new orders' lines get their ids here."""
        positions = [x.given.get("Position") for x in rows]
        if None in positions or any(a >= b for a, b in zip(positions, positions[1:])):
            rows = sorted(rows, key=lambda x: _rank(x.given))
            positions = [x.given.get("Position") for x in rows]
        explicit = {lid for x in rows if (lid := x.given.get("LineId"))}
        active_old = {ln.id for ln in old}
        free_by_pos = {ln.position: ln.id for ln in old if ln.id not in explicit}
        keep = keep_positions and None not in positions and len(set(positions)) == len(rows)
        fresh = self.new_ids(len(rows)) if keep_positions else ()
        out = []
        for i, x in enumerate(rows, 1):
            g = x.given
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
            elif keep_positions:  # a new order: its lines are new too
                lid = fresh[i - 1]
            active = g.get("Active")
            taxes = g.get("Taxes")
            # Field for field what clean_line returns for these checked values.
            out.append(Line(
                item_code=g["ItemCode"], quantity=g["Quantity"],
                unit_price=g.get("UnitPrice") or ZERO, description=g.get("Description") or "",
                unit=g.get("Unit") or "pcs", discount=g.get("DiscountPercent") or ZERO,
                taxes=[Tax(n, rate) for n, rate in taxes] if taxes else [], id=lid,
                position=g["Position"] if keep else i, active=True if active is None else active))
        return out


    def _new_lines(self, rows: list[Row], order: str) -> list[Line]:
        """A new order's lines, with new ids; as `_lines(keep_positions=True)` without
        old lines to match (the per-order overhead counts at 100,000 orders)."""
        if any(x.given.get("LineId") for x in rows):
            return self._lines(rows, order, [], keep_positions=True)
        positions = [x.given.get("Position") for x in rows]
        n = len(rows)
        if None in positions or any(a >= b for a, b in zip(positions, positions[1:])):
            rows = sorted(rows, key=lambda x: _rank(x.given))
            positions = [x.given.get("Position") for x in rows]
            keep = None not in positions and len(set(positions)) == n
        else:
            keep = True  # ascending and so distinct
        if not keep:
            positions = list(range(1, n + 1))
        out = []
        for x, lid, pos in zip(rows, self.new_ids(n), positions):
            g = x.given
            active = g.get("Active")
            taxes = g.get("Taxes")
            # Field for field what clean_line returns for these checked values.
            out.append(Line(
                g["ItemCode"], g["Quantity"], g.get("UnitPrice") or ZERO,
                g.get("Description") or "", g.get("Unit") or "pcs",
                g.get("DiscountPercent") or ZERO,
                [Tax(name, rate) for name, rate in taxes] if taxes else [], {}, lid, pos,
                True if active is None else active))
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
