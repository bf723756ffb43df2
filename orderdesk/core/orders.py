"""Orders with their nested lines and parties: create, read, update, delete, restore."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Collection, Mapping, Sequence

from orderdesk.core import validate as v
from orderdesk.core.base import Service, chunked, marks
from orderdesk.core.docs import (
    ADDRESS_KINDS, CONTACT_KINDS, SURCHARGE_KINDS, STAGES, Address, Contact, Line, Order,
    Surcharge, Tax, header_fields, line_fields, snapshot_bytes,
)
from orderdesk.core.errors import ConflictError, LockedError, NotFound, ValidationError
from orderdesk.core.fields import new_uuid, ts_parse
from orderdesk.core.money import (
    ZERO, Amounts, compute_totals, from_fixed, line_amounts, round_money, surcharge_amounts,
    to_fixed,
)
from orderdesk.core.tx import Tx


@dataclass(frozen=True)
class BulkResult:
    """How many orders an action changed, and which (UUID, number)."""

    count: int
    orders: tuple[tuple[str, str], ...]
    skipped: tuple[tuple[str, str], ...] = ()


def _taxes(taxes: Sequence[Tax], where: str, field: str = "taxes") -> list[Tax]:
    out = []
    for t in taxes or ():
        name = v.text(t.name, f"{field}.name", 40, where=where, required=True)
        rate = v.number(t.rate, f"{field}.rate", where=where, maximum=Decimal(100))
        out.append(Tax(name, rate, v.text(t.group, f"{field}.group", 40, where=where),
                       v.text(t.type, f"{field}.type", 40, where=where)))
    return out


def clean_line(line: Line, where: str) -> Line:
    return Line(
        item_code=v.text(line.item_code, "item_code", 60, where=where, required=True),
        quantity=v.number(line.quantity, "quantity", where=where),
        unit_price=v.number(line.unit_price, "unit_price", where=where,
                            minimum=-v.MAX_AMOUNT),
        description=v.text(line.description, "description", 2000, where=where),
        unit=v.text(line.unit, "unit", 20, where=where) or "pcs",
        discount=v.percent(line.discount, "discount", where=where),
        taxes=_taxes(line.taxes, where),
        attributes=v.attributes(line.attributes, where=where),
        id=line.id,
        position=line.position,
        active=bool(line.active),
    )


def clean_order(doc: Order, currency: str, known: Mapping[str, Line] | None = None) -> Order:
    """A validated, normalised copy of `doc` (children included).

    `known`: stored lines by id (already checked when they were stored). A line of `doc`
    equal to its stored line is copied from it instead of being checked again — a save of a
    1,000-line order where one field changed checks one line, not a thousand.
    """
    where = f"order {doc.number or doc.reference or doc.customer_code or ''}".strip()
    o = Order(
        customer_code=v.text(doc.customer_code, "customer_code", 40, where=where, required=True),
        order_date=v.day(doc.order_date, "order_date", where=where, required=True),  # type: ignore[arg-type]
        currency=v.currency(doc.currency or currency, where=where),
        reference=v.text(doc.reference, "reference", 100, where=where),
        customer_reference=v.text(doc.customer_reference, "customer_reference", 100, where=where),
        delivery_date=v.day(doc.delivery_date, "delivery_date", where=where),
        site=v.text(doc.site, "site", 100, where=where),
        notes=v.text(doc.notes, "notes", 20000, where=where),
        status=doc.status,
        stage=v.choice(doc.stage or "draft", "stage", STAGES, where=where),
        attributes=v.attributes(doc.attributes, where=where),
        id=doc.id,
        number=v.text(doc.number, "number", 40, where=where) or None,
        customer_name=doc.customer_name,
    )
    if o.delivery_date and o.delivery_date < o.order_date:
        raise ValidationError("delivery_date", o.delivery_date.isoformat(),
                              "is before the order date", where=where)
    seen: set[str] = set()
    for i, line in enumerate(doc.lines, 1):
        prev = known.get(line.id) if known and line.id else None
        if prev is not None and _same_values(prev, line) and _decimals(line):
            c = Line(prev.item_code, prev.quantity, prev.unit_price, prev.description,
                     prev.unit, prev.discount, list(prev.taxes), dict(prev.attributes),
                     id=line.id, position=line.position, active=bool(line.active))
        else:
            c = clean_line(line, f"{where}, line {i}")
        if c.id:
            if c.id in seen:
                raise ValidationError("line id", c.id, "appears twice", where=where)
            seen.add(c.id)
        o.lines.append(c)
    for a in doc.addresses:
        w = f"{where}, address"
        o.addresses.append(Address(
            kind=v.choice(a.kind, "address.kind", ADDRESS_KINDS, where=w),
            label=v.text(a.label, "address.label", 80, where=w,
                         required=a.kind == "Custom"),
            name=v.text(a.name, "address.name", 200, where=w),
            street=v.text(a.street, "address.street", 300, where=w),
            city=v.text(a.city, "address.city", 100, where=w),
            postal_code=v.text(a.postal_code, "address.postal_code", 20, where=w),
            region=v.text(a.region, "address.region", 100, where=w),
            country=v.text(a.country, "address.country", 2, where=w).upper(),
            attributes=v.attributes(a.attributes, where=w), id=a.id))
    for c in doc.contacts:
        w = f"{where}, contact"
        o.contacts.append(Contact(
            value=v.text(c.value, "contact.value", 200, where=w, required=True),
            kind=v.choice(c.kind, "contact.kind", CONTACT_KINDS, where=w),
            label=v.text(c.label, "contact.label", 80, where=w, required=c.kind == "Custom"),
            name=v.text(c.name, "contact.name", 200, where=w), id=c.id))
    for s in doc.surcharges:
        w = f"{where}, surcharge"
        o.surcharges.append(Surcharge(
            amount=v.number(s.amount, "surcharge.amount", where=w, minimum=-v.MAX_AMOUNT),
            kind=v.choice(s.kind, "surcharge.kind", SURCHARGE_KINDS, where=w),
            label=v.text(s.label, "surcharge.label", 80, where=w, required=s.kind == "Custom"),
            taxes=_taxes(s.taxes, w, "surcharge.taxes"),
            attributes=v.attributes(s.attributes, where=w), id=s.id, active=s.active))
    return o


class NumberFormat:
    """An order or invoice number pattern such as `{year}-{seq:04d}`."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        rx = re.escape(pattern)
        rx = re.sub(r"\\\{year\\\}", r"(?P<year>\\d{4})", rx)
        rx = re.sub(r"\\\{seq(:[^}]*)?\\\}", r"(?P<seq>\\d+)", rx)
        self.regex = re.compile(f"^{rx}$")
        self.yearly = "{year}" in pattern

    def format(self, year: int, seq: int) -> str:
        return self.pattern.format(year=year, seq=seq)

    def parse(self, number: str) -> tuple[int, int] | None:
        m = self.regex.match(number)
        if not m:
            return None
        return int(m.group("year")) if self.yearly else 0, int(m.group("seq"))


class OrderService(Service):
    # ---------- numbers ----------
    def _counter(self, kind: str, year: int, bump: int = 0, at_least: int = 0) -> int:
        """Reserves `bump` numbers (returns the first) or moves the counter past `at_least`."""
        self.q("INSERT INTO counter (company_id, kind, year, value) VALUES (?, ?, ?, 0) "
               "ON CONFLICT (company_id, kind, year) DO NOTHING", [self.cid, kind, year])
        if at_least:
            self.q("UPDATE counter SET value = ? WHERE company_id = ? AND kind = ? AND year = ? "
                   "AND value < ?", [at_least, self.cid, kind, year, at_least])
            return at_least
        row = self.q("UPDATE counter SET value = value + ? WHERE company_id = ? AND kind = ? "
                     "AND year = ? RETURNING value", [bump, self.cid, kind, year]).fetchone()
        return int(row[0]) - bump + 1

    def allocate_numbers(self, kind: str, pattern: str, years: Sequence[int]) -> list[str]:
        """Fresh numbers for each year given; never reused, skipping any taken by import."""
        fmt = NumberFormat(pattern)
        table = "orders" if kind == "order" else "invoice"
        out: list[str | None] = [None] * len(years)
        by_year: dict[int, list[int]] = {}
        for i, y in enumerate(years):
            by_year.setdefault(y if fmt.yearly else 0, []).append(i)
        for year, idxs in by_year.items():
            pending = list(idxs)
            while pending:
                first = self._counter(kind, year, bump=len(pending))
                cands = [fmt.format(year, first + k) for k in range(len(pending))]
                taken = self._existing(table, "number", cands)
                rest = []
                for idx, num in zip(pending, cands):
                    if num in taken:
                        rest.append(idx)
                    else:
                        out[idx] = num
                pending = rest
        return [n for n in out if n is not None]

    def keep_number(self, kind: str, pattern: str, number: str) -> None:
        parsed = NumberFormat(pattern).parse(number)
        if parsed:
            self._counter(kind, parsed[0], at_least=parsed[1])

    def _existing(self, table: str, column: str, values: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunked(list(values)):
            found.update(r[0] for r in self.q(
                f"SELECT {column} FROM {table} WHERE company_id = ? AND {column} IN "
                f"({marks(len(chunk))})", [self.cid, *chunk]))
        return found

    # ---------- create ----------
    def create(self, doc: Order) -> Order:
        return self.get(self.create_many([doc])[0])

    def create_many(self, docs: Sequence[Order], *, imported: bool = False,
                    prevalidated: bool = False) -> list[str]:
        """Creates orders with all their children atomically; returns their UUIDs.

        `prevalidated`: each document is already what `clean_order` makes of it (every
        value checked by the same `validate` calls, defaults filled, as the import plan
        builds them); it is stored as given, and filled in (ids, numbers, positions),
        instead of being checked a second time. Checks across documents and against the
        database (numbers, references, ids, customers, statuses) run either way.
        """
        with self.write() as tx:
            return self._create(tx, docs, imported, prevalidated)

    def _create(self, tx: Tx, docs: Sequence[Order], imported: bool,
                prevalidated: bool = False) -> list[str]:
        company = self.desk.company()
        clean = list(docs) if prevalidated else [clean_order(d, company.currency) for d in docs]
        customers = self.desk.catalog.customer_map({o.customer_code for o in clean})
        catalogue = self.desk.catalog.item_weights({ln.item_code for o in clean for ln in o.lines})
        statuses = self.desk.statuses.codes()
        # numbers: given ones are kept (and unique); missing ones allocated
        given = [o.number for o in clean if o.number]
        if len(set(given)) != len(given):
            dup = next(n for n in given if given.count(n) > 1)
            raise ValidationError("number", dup, "appears twice in the batch")
        taken = self._existing("orders", "number", given)
        if taken:
            raise ValidationError("number", sorted(taken)[0], "is already used by another order")
        refs = [o.reference for o in clean if o.reference]
        if len(set(refs)) != len(refs):
            dup = next(r for r in refs if refs.count(r) > 1)
            raise ValidationError("reference", dup, "appears twice in the batch")
        taken = self._existing("orders", "reference", refs)
        if taken:
            raise ValidationError("reference", sorted(taken)[0],
                                  "is already used by another order")
        uuids = [o.id for o in clean if o.id]
        if uuids and self._existing("orders", "uuid", uuids):
            raise ValidationError("id", sorted(self._existing("orders", "uuid", uuids))[0],
                                  "is already used by another order")
        for n in given:
            self.keep_number("order", company.order_number_format, n)  # type: ignore[arg-type]
        missing = [o for o in clean if not o.number]
        for o, num in zip(missing, self.allocate_numbers(
                "order", company.order_number_format, [o.order_date.year for o in missing])):
            o.number = num
        order_ids = self.store.dialect.allocate_ids("orders", len(clean))
        line_ids = iter(self.store.dialect.allocate_ids(
            "order_line", sum(len(o.lines) for o in clean) or 1))
        now, actor = tx.now_text, tx.actor.name
        o_rows, l_rows, t_rows, a_rows, c_rows, s_rows, at_rows, search_rows = (
            [], [], [], [], [], [], [], [])
        p_rows: list[tuple[Any, ...]] = []
        sh_rows: list[tuple[Any, ...]] = []
        snap_rows: list[tuple[Any, ...]] = []
        log_rows: list[tuple[Any, ...]] = []
        fin = self.desk.finance
        fixed, cid = to_fixed, self.cid
        out = []
        for oid, o, src in zip(order_ids, clean, docs):
            cust = customers.get(o.customer_code)
            where = f"order {o.number}"
            if cust is None:
                raise ValidationError("customer_code", o.customer_code, "is not a known customer",
                                      where=where)
            status = o.status or "pending"
            if status not in statuses:
                raise ValidationError("status", status, "is not a status of this company",
                                      where=where)
            o.id = o.id or new_uuid()
            o.customer_name = cust[1]
            texts = [o.number, o.reference or "", o.customer_reference, o.customer_code,
                     cust[1]]
            positions = 0
            figures = []
            for line in o.lines:
                lid = next(line_ids)
                line.id = line.id or new_uuid()
                positions += 1
                line.position = line.position or positions
                a = line_amounts(line, o.currency)
                figures.append(a)
                # Zero weights and discounts are the common case: 0 is their fixed value.
                unit_weight = catalogue.get(line.item_code)
                l_rows.append((lid, cid, oid, line.id, line.position, line.item_code,
                               line.description, fixed(line.quantity), line.unit,
                               fixed(line.unit_price),
                               fixed(line.discount) if line.discount else 0,
                               fixed(unit_weight * line.quantity) if unit_weight else 0,
                               fixed(a.subtotal), fixed(a.tax), fixed(a.total),
                               _json(line.attributes) if line.attributes else "{}",
                               line.active))
                for seq, t in enumerate(line.taxes):
                    t_rows.append((lid, seq, t.name, t.group, t.type, fixed(t.rate)))
                if line.active:
                    texts += [line.item_code, line.description]
                tx.event("created", "line", line.id, line.label(), order_id=oid)
            for ad in o.addresses:
                ad.id = ad.id or new_uuid()
                a_rows.append((oid, ad.id, ad.kind, ad.label, ad.name, ad.street, ad.city,
                               ad.postal_code, ad.region, ad.country, _json(ad.attributes), True))
            for c in o.contacts:
                c.id = c.id or new_uuid()
                c_rows.append((oid, c.id, c.kind, c.label, c.name, c.value, True))
            for s in o.surcharges:
                s.id = s.id or new_uuid()
                s_rows.append((oid, s.id, s.kind, s.label, to_fixed(s.amount),
                               _json([_tax_dict(t) for t in s.taxes]), _json(s.attributes),
                               s.active))
            for k, val in o.attributes.items():
                at_rows.append((oid, k, val))
            paid = ZERO
            for i, p in enumerate(src.payments):
                p = fin.clean_payment(p, o.currency, f"{where}, payment {i + 1}")
                paid += p.amount if p.counts else ZERO
                p_rows.append((oid, p.id or new_uuid(), p.date.isoformat(), to_fixed(p.amount),
                               p.currency, p.method, p.method_name, p.status, p.testing,
                               p.gateway, p.gateway_data, p.reference, p.error, True))
                tx.event("created", "payment", p_rows[-1][1], f"Payment · {p.amount} "
                         f"{p.currency}", order_id=oid)
            for i, sh in enumerate(src.shipments):
                sh = fin.clean_shipment(sh, f"{where}, shipment {i + 1}")
                sh_rows.append((oid, sh.id or new_uuid(), sh.carrier, sh.tracking_number,
                                sh.shipped_at.isoformat() if sh.shipped_at else None,
                                sh.delivered_at.isoformat() if sh.delivered_at else None, True))
                tx.event("created", "shipment", sh_rows[-1][1],
                         f"Shipment · {sh.carrier or sh.tracking_number}", order_id=oid)
            t = compute_totals(o.currency, o.lines, o.surcharges, paid, figures, breakdown=False)
            if o.stage != "draft":
                if not any(ln.active for ln in o.lines):
                    raise ValidationError("stage", o.stage, "an order needs at least one active "
                                          "line to be sent", where=where)
                o.number, o.customer_name, o.status = o.number, cust[1], status
                snap_rows.append((oid, "sent", snapshot_bytes(o), now, True))
                tx.event("updated", "order", o.id, f"Order {o.number}", order_id=oid,
                         field="stage", old="draft", new=o.stage)
                log_rows.append((self.cid, oid, "Sent", f"Order {o.number}: sent", actor, now))
            o_rows.append((oid, self.cid, o.id, o.number, o.reference or "",
                           o.customer_reference, cust[0], o.customer_code, cust[1],
                           o.order_date.isoformat(),
                           o.delivery_date.isoformat() if o.delivery_date else "", o.site,
                           o.currency, o.notes, o.stage, status, True, 1, tx.revision,
                           now, actor, now, actor, t.line_count, to_fixed(t.total_quantity),
                           to_fixed(t.products_total), to_fixed(t.surcharges_total),
                           to_fixed(t.tax_total), to_fixed(t.grand_total), to_fixed(paid),
                           to_fixed(t.balance)))
            search_rows.append((oid, " ".join(x for x in texts if x)))
            tx.event("imported" if imported else "created", "order", o.id, f"Order {o.number}",
                     order_id=oid)
            tx.changes.orders.add(o.id)
            tx.changes.created_orders.add(o.id)
            out.append(o.id)
        ex = self.store.executemany
        ex("INSERT INTO orders (id, company_id, uuid, number, reference, customer_reference, "
           "customer_id, customer_code, customer_name, order_date, delivery_date, site, "
           "currency, notes, stage, status, active, version, revision, created_at, created_by, "
           "updated_at, updated_by, line_count, total_quantity, products_total, "
           "surcharges_total, tax_total, grand_total, paid, balance) VALUES "
           "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", o_rows)
        if l_rows:
            ex("INSERT INTO order_line (id, company_id, order_id, uuid, position, item_code, "
               "description, quantity, unit, unit_price, discount, weight, subtotal, "
               "tax_amount, total, attributes, active) VALUES "
               "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", l_rows)
        if t_rows:
            ex('INSERT INTO line_tax (line_id, seq, name, "group", type, rate) '
               "VALUES (?,?,?,?,?,?)", t_rows)
        if a_rows:
            ex("INSERT INTO address (order_id, uuid, kind, label, name, street, city, "
               "postal_code, region, country, attributes, active) VALUES "
               "(?,?,?,?,?,?,?,?,?,?,?,?)", a_rows)
        if c_rows:
            ex("INSERT INTO contact (order_id, uuid, kind, label, name, value, active) "
               "VALUES (?,?,?,?,?,?,?)", c_rows)
        if s_rows:
            ex("INSERT INTO surcharge (order_id, uuid, kind, label, amount, taxes, attributes, "
               "active) VALUES (?,?,?,?,?,?,?,?)", s_rows)
        if at_rows:
            ex("INSERT INTO order_attribute (order_id, key, value) VALUES (?,?,?)", at_rows)
        if p_rows:
            ex("INSERT INTO payment (order_id, uuid, date, amount, currency, method, method_name, "
               "status, testing, gateway, gateway_data, reference, error, active) VALUES "
               "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", p_rows)
        if sh_rows:
            ex("INSERT INTO shipment (order_id, uuid, carrier, tracking_number, shipped_at, "
               "delivered_at, active) VALUES (?,?,?,?,?,?,?)", sh_rows)
        if snap_rows:
            ex("INSERT INTO order_snapshot (order_id, kind, document, taken_at, active) "
               "VALUES (?,?,?,?,?)", snap_rows)
        if log_rows:
            ex("INSERT INTO log_entry (company_id, order_id, title, description, actor, at) "
               "VALUES (?,?,?,?,?,?)", log_rows)
        self.store.dialect.index_orders(search_rows, fresh=True)
        return out

    # ---------- read ----------
    def get(self, order: str, *, full: bool = True,
            reuse_lines: Mapping[str, Line] | None = None) -> Order:
        """The whole order by UUID or number, with totals; deleted ones too.

        `full=False` leaves out payments, shipments, totals and the invoice number: the
        document alone, as a save compares it.

        `reuse_lines`: lines of an earlier read known not to have been written since (by
        id, as `update_within` returns them; read in the same transaction). An active line
        still at the same position is taken from there (reservation and catalogue flag
        refreshed) instead of being read.
        """
        r = self.q(
            "SELECT id, uuid, number, reference, customer_reference, customer_code, "
            "customer_name, order_date, delivery_date, site, currency, notes, stage, status, "
            "active, version, created_at, created_by, updated_at, updated_by FROM orders "
            "WHERE company_id = ? AND (uuid = ? OR number = ?)", [self.cid, order, order],
        ).fetchone()
        if r is None:
            raise NotFound(f"order {order} not found")
        oid = r[0]
        o = Order(
            id=r[1], number=r[2], reference=r[3] or None, customer_reference=r[4],
            customer_code=r[5], customer_name=r[6], order_date=date.fromisoformat(r[7]),
            delivery_date=date.fromisoformat(r[8]) if r[8] else None, site=r[9],
            currency=r[10], notes=r[11], stage=r[12], status=r[13], active=bool(r[14]),
            version=r[15], created_at=ts_parse(r[16]), created_by=r[17],
            updated_at=ts_parse(r[18]), updated_by=r[19],
        )
        o.lines = (self._lines_reusing(oid, reuse_lines) if reuse_lines and o.active
                   else self._lines(oid, active_only=o.active))
        o.addresses = [
            Address(kind=a[0], label=a[1], name=a[2], street=a[3], city=a[4], postal_code=a[5],
                    region=a[6], country=a[7], attributes=_unjson(a[8]) or {}, id=a[9])
            for a in self.q("SELECT kind, label, name, street, city, postal_code, region, "
                            "country, attributes, uuid FROM address WHERE order_id = ? AND "
                            "active = ? ORDER BY id", [oid, True])]
        o.contacts = [
            Contact(kind=c[0], label=c[1], name=c[2], value=c[3], id=c[4])
            for c in self.q("SELECT kind, label, name, value, uuid FROM contact WHERE "
                            "order_id = ? AND active = ? ORDER BY id", [oid, True])]
        o.surcharges = [
            Surcharge(kind=s[0], label=s[1], amount=from_fixed(s[2]),
                      taxes=[_tax_obj(t) for t in _unjson(s[3]) or []],
                      attributes=_unjson(s[4]) or {}, id=s[5])
            for s in self.q("SELECT kind, label, amount, taxes, attributes, uuid FROM surcharge "
                            "WHERE order_id = ? AND active = ? ORDER BY id", [oid, True])]
        o.attributes = dict(self.q("SELECT key, value FROM order_attribute WHERE order_id = ? "
                                   "ORDER BY key", [oid]).fetchall())
        if not full:
            return o
        o.payments = self.desk.finance.payments(oid)
        o.shipments = self.desk.finance.shipments(oid)
        paid = sum((p.amount for p in o.payments if p.counts), ZERO)
        o.totals = compute_totals(o.currency, o.lines, o.surcharges, paid)
        inv = self.q("SELECT number FROM invoice WHERE order_id = ?", [oid]).fetchone()
        o.invoice_number = inv[0] if inv else None
        return o

    def _lines_reusing(self, oid: int, reuse: Mapping[str, Line]) -> list[Line]:
        """The active lines, those in `reuse` at their stored position taken from there."""
        rows = self.q("SELECT id, uuid, position, item_code FROM order_line WHERE order_id = ? "
                      "AND active = ? ORDER BY position, id", [oid, True]).fetchall()
        stale = [r[0] for r in rows
                 if r[1] not in reuse or reuse[r[1]].position != r[2]]
        fresh = {ln.id: ln for ln in self._lines(oid, only=stale)}
        reserved = self._reserved([r[0] for r in rows])
        known = self.desk.catalog.known_codes({r[3] for r in rows})
        out = []
        for lid, uuid, _pos, code in rows:
            line = fresh.get(uuid)
            if line is None:
                line = reuse[uuid]
                qty, listed = reserved.get(lid, ZERO), code in known
                if line.reserved != qty or line.in_catalogue != listed:
                    line = replace(line, reserved=qty, in_catalogue=listed)
            out.append(line)
        return out

    def _reserved(self, ids: Sequence[int]) -> dict[int, Decimal]:
        reserved: dict[int, Decimal] = {}
        for chunk in chunked(ids, 900):
            for lid, qty in self.q(
                f"SELECT line_id, SUM(quantity) FROM reservation WHERE active = ? AND line_id IN "
                f"({marks(len(chunk))}) GROUP BY line_id", [True, *chunk]):
                reserved[lid] = from_fixed(qty)
        return reserved

    def _lines(self, oid: int, active_only: bool = True,
               only: Collection[int] | None = None) -> list[Line]:
        """The order's lines; `only`: just these (active ones, by row id)."""
        if only is not None and not only:
            return []
        # A deleted order shows the lines that were deleted with it, as they were then.
        cond = (" AND active = ?" if active_only else
                " AND (active = ? OR deleted_op = (SELECT deleted_op FROM orders WHERE id = ?))")
        params: list[Any] = [oid, True] if active_only else [oid, True, oid]
        if only is not None:
            rows = []
            for part in chunked(sorted(only), 900):
                rows += self.q(
                    "SELECT id, uuid, position, item_code, description, quantity, unit, "
                    "unit_price, discount, weight, subtotal, tax_amount, total, attributes, "
                    f"active FROM order_line WHERE order_id = ?{cond} AND id IN "
                    f"({marks(len(part))})", [*params, *part]).fetchall()
            rows.sort(key=lambda r: (r[2], r[0]))
        else:
            rows = self.q(
                "SELECT id, uuid, position, item_code, description, quantity, unit, unit_price, "
                "discount, weight, subtotal, tax_amount, total, attributes, active FROM "
                "order_line WHERE order_id = ?" + cond + " ORDER BY position, id",
                params).fetchall()
        taxes: dict[int, list[Tax]] = {}
        ids = [r[0] for r in rows]
        for chunk in chunked(ids, 900):
            for lid, name, group, typ, rate in self.q(
                f'SELECT line_id, name, "group", type, rate FROM line_tax WHERE line_id IN '
                f"({marks(len(chunk))}) ORDER BY line_id, seq", list(chunk)):
                taxes.setdefault(lid, []).append(Tax(name, from_fixed(rate), group, typ))
        reserved = self._reserved(ids)
        known = self.desk.catalog.known_codes({r[3] for r in rows})
        return [
            Line(id=r[1], position=r[2], item_code=r[3], description=r[4],
                 quantity=from_fixed(r[5]), unit=r[6], unit_price=from_fixed(r[7]),
                 discount=from_fixed(r[8]), weight=from_fixed(r[9]), subtotal=from_fixed(r[10]),
                 tax_amount=from_fixed(r[11]), total=from_fixed(r[12]),
                 attributes=_unjson(r[13]) or {}, active=bool(r[14]) or not active_only,
                 taxes=taxes.get(r[0], []), in_catalogue=r[3] in known,
                 reserved=reserved.get(r[0], ZERO))
            for r in rows
        ]

    def find(self, *, reference: str | None = None, uuid: str | None = None) -> str | None:
        """The UUID of the order with this id or reference, if any."""
        if uuid:
            row = self.q("SELECT uuid FROM orders WHERE company_id = ? AND uuid = ?",
                         [self.cid, uuid]).fetchone()
            if row:
                return str(row[0])
        if reference:
            row = self.q("SELECT uuid FROM orders WHERE company_id = ? AND reference = ?",
                         [self.cid, reference]).fetchone()
            if row:
                return str(row[0])
        return None

    # ---------- update ----------
    def update(self, doc: Order, expected_version: int | None = None, *,
               before: Order | None = None) -> Order:
        """Saves the document: header, lines (left out → soft-deleted), parties, attributes.

        `expected_version` is the version the caller read; a newer stored version
        raises ConflictError and nothing is written.

        `before`: the order as `get` returned it, unmodified (an editor's loaded copy, not
        the document being saved). While it is still the stored version the save neither
        reads the order again to compare nor reads back the lines it did not change: the
        returned order shares those Line objects with `before`.
        """
        with self.write() as tx:
            reuse = self.update_within(tx, doc, expected_version, before=before)
            if reuse is not None:
                # Read under the write lock: no other save can slip in between and leave a
                # reused line older than the version read with it.
                return self.get(doc.id, reuse_lines=reuse)  # type: ignore[arg-type]
        return self.get(doc.id)  # type: ignore[arg-type]

    def update_within(self, tx: Tx, doc: Order, expected_version: int | None = None, *,
                      before: Order | None = None) -> dict[str, Line] | None:
        """The writing part of `update`, in the open transaction `tx`.

        Returns the lines of `before` still stored as they are (for `get(reuse_lines=)`
        later in the same transaction), or None when `before` was not current and not used.
        """
        expected = doc.version if expected_version is None else expected_version
        trusted = before is not None and doc.id is not None and self._current(
            before, doc, self.order_head(doc.id, lock=True))
        self._update(tx, doc, expected, before=before if trusted else None)
        if not trusted or before is None:
            return None
        changed = tx.changes.lines
        return {ln.id: ln for ln in before.lines if ln.id and ln.id not in changed}

    def _current(self, before: Order | None, doc: Order, head: dict[str, Any]) -> bool:
        """`before` may stand in for reading the order: same order, the stored version, and
        not the very document (or lines) being saved."""
        if before is None or before is doc or before.id != head["uuid"] or not before.active:
            return False
        if before.version != head["version"] or before.lines is doc.lines:
            return False
        mine = {id(ln) for ln in doc.lines}
        return not any(id(ln) in mine for ln in before.lines)

    def _update(self, tx: Tx, doc: Order, expected: int, *, imported: bool = False,
                before: Order | None = None) -> bool:
        """Writes the changes of `doc` (True if any); `before` as in `update`."""
        if not doc.id:
            raise ValidationError("id", None, "an order to update needs its id")
        head = self.order_head(doc.id, lock=True)
        if expected and head["version"] != expected:
            raise ConflictError(f"order {head['number']}", expected, head["version"],
                                head["updated_by"], ts_parse(head["updated_at"]))
        if not head["active"]:
            raise LockedError(f"order {head['number']} is deleted: restore it first")
        oid = head["id"]
        used = self._current(before, doc, head)
        if not used:
            before = self.get(doc.id, full=False)
        assert before is not None
        o = clean_order(doc, head["currency"], {ln.id: ln for ln in before.lines if ln.id})
        label = f"Order {head['number']}"
        if o.customer_code != before.customer_code:
            cust = self.desk.catalog.customer_map({o.customer_code}).get(o.customer_code)
            if cust is None:
                raise ValidationError("customer_code", o.customer_code, "is not a known customer")
            o.customer_name = cust[1]
            cust_id = cust[0]
        else:
            o.customer_name = before.customer_name
            cust_id = None
        if o.reference and o.reference != before.reference:
            other = self.find(reference=o.reference)
            if other and other != doc.id:
                raise ValidationError("reference", o.reference, "is already used by another order")
        if o.status and o.status != before.status:
            raise ValidationError("status", o.status, "changes through a status action, not a save")
        changed = tx.diff("order", doc.id, label, header_fields(before), header_fields(o),
                          order_id=oid)
        changed += self._save_lines(tx, oid, before, o)
        changed += self._save_children(tx, oid, label, before, o)
        if changed and head["stage"] != "draft":
            raise LockedError(f"order {head['number']} is {head['stage']}: its document is locked"
                              " (send it back to draft first)")
        if not changed:
            return False
        self._refresh_totals(oid, tx, extra={
            "reference": o.reference or "", "customer_reference": o.customer_reference,
            "customer_code": o.customer_code, "customer_name": o.customer_name,
            "order_date": o.order_date.isoformat(),
            "delivery_date": o.delivery_date.isoformat() if o.delivery_date else "",
            "site": o.site, "currency": o.currency, "notes": o.notes,
            **({"customer_id": cust_id} if cust_id else {})})
        tx.reindex.add(oid)
        tx.changes.orders.add(doc.id)
        return True

    def _save_lines(self, tx: Tx, oid: int, before: Order, o: Order) -> list[str]:
        old = {ln.id: ln for ln in before.lines}
        weights = self.desk.catalog.item_weights({ln.item_code for ln in o.lines})
        changed: list[str] = []
        keep: set[str] = set()
        pos = 0
        for line in o.lines:
            if not line.active:
                continue
            pos += 1
            line.position = pos
            prev = old.get(line.id) if line.id else None
            if prev is not None and _same_line(prev, line):
                keep.add(prev.id)  # type: ignore[arg-type]
                continue  # the common case in a big order: most lines are untouched
            a = line_amounts(line, o.currency)
            weight = weights.get(line.item_code, ZERO) * line.quantity
            if prev is None:
                line.id = line.id or new_uuid()
                if self.q("SELECT 1 FROM order_line WHERE uuid = ?", [line.id]).fetchone():
                    raise ValidationError("line id", line.id, "belongs to another order or a "
                                          "deleted line")
                lid = self.store.dialect.allocate_ids("order_line", 1)[0]
                self.q("INSERT INTO order_line (id, company_id, order_id, uuid, position, "
                       "item_code, description, quantity, unit, unit_price, discount, weight, "
                       "subtotal, tax_amount, total, attributes, active) VALUES "
                       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       [lid, self.cid, oid, line.id, pos, line.item_code, line.description,
                        to_fixed(line.quantity), line.unit, to_fixed(line.unit_price),
                        to_fixed(line.discount), to_fixed(weight), to_fixed(a.subtotal),
                        to_fixed(a.tax), to_fixed(a.total), _json(line.attributes), True])
                self._write_taxes(lid, line.taxes)
                tx.event("created", "line", line.id, line.label(), order_id=oid)
                changed.append("line")
            else:
                keep.add(prev.id)  # type: ignore[arg-type]
                fields = tx.diff("line", prev.id, line.label(), line_fields(prev),  # type: ignore[arg-type]
                                 line_fields(line), order_id=oid)
                if fields:
                    lid = self.q("SELECT id FROM order_line WHERE uuid = ?", [prev.id]).fetchone()[0]
                    self.q("UPDATE order_line SET position = ?, item_code = ?, description = ?, "
                           "quantity = ?, unit = ?, unit_price = ?, discount = ?, weight = ?, "
                           "subtotal = ?, tax_amount = ?, total = ?, attributes = ? WHERE id = ?",
                           [pos, line.item_code, line.description, to_fixed(line.quantity),
                            line.unit, to_fixed(line.unit_price), to_fixed(line.discount),
                            to_fixed(weight), to_fixed(a.subtotal), to_fixed(a.tax),
                            to_fixed(a.total), _json(line.attributes), lid])
                    if "taxes" in fields:
                        self.q("DELETE FROM line_tax WHERE line_id = ?", [lid])
                        self._write_taxes(lid, line.taxes)
                    changed += fields
                    tx.changes.lines.add(prev.id)  # type: ignore[arg-type]
        for lid, prev in old.items():
            if lid not in keep:
                self._deactivate_line(tx, oid, prev, None)
                changed.append("line")
        return changed

    def _deactivate_line(self, tx: Tx, oid: int, line: Line, op: int | None) -> None:
        row = self.q("SELECT id FROM order_line WHERE uuid = ?", [line.id]).fetchone()
        self.q("UPDATE order_line SET active = ?, deleted_op = ? WHERE id = ?",
               [False, op, row[0]])
        tx.event("deleted", "line", line.id, line.label(), order_id=oid,  # type: ignore[arg-type]
                 field="active", old=True, new=False)
        self.desk.inventory.release_line(tx, row[0])
        tx.changes.lines.add(line.id)  # type: ignore[arg-type]

    def _write_taxes(self, lid: int, taxes: Sequence[Tax]) -> None:
        if taxes:
            self.store.executemany(
                'INSERT INTO line_tax (line_id, seq, name, "group", type, rate) '
                "VALUES (?,?,?,?,?,?)",
                [(lid, i, t.name, t.group, t.type, to_fixed(t.rate)) for i, t in enumerate(taxes)])

    def _save_children(self, tx: Tx, oid: int, label: str, before: Order, o: Order) -> list[str]:
        changed: list[str] = []
        specs: list[tuple[str, str, list[Any], list[Any], Any]] = [
            ("address", "address", before.addresses, o.addresses, _address_fields),
            ("contact", "contact", before.contacts, o.contacts, _contact_fields),
            ("surcharge", "surcharge", before.surcharges, o.surcharges, _surcharge_fields),
        ]
        for table, etype, old_list, new_list, fields_of in specs:
            old = {x.id: x for x in old_list}
            keep = set()
            for x in new_list:
                if x.id in old:
                    keep.add(x.id)
                    diff = tx.diff(etype, x.id, _child_label(etype, x), fields_of(old[x.id]),
                                   fields_of(x), order_id=oid)
                    if diff:
                        row = fields_of(x, raw=True)
                        sets = ", ".join(f'"{k}" = ?' for k in row)
                        self.q(f"UPDATE {table} SET {sets} WHERE uuid = ?", [*row.values(), x.id])
                        changed += diff
                else:
                    x.id = x.id or new_uuid()
                    row = fields_of(x, raw=True)
                    cols = ", ".join(f'"{k}"' for k in row)
                    self.q(f"INSERT INTO {table} (order_id, uuid, active, {cols}) VALUES "
                           f"(?, ?, ?, {marks(len(row))})", [oid, x.id, True, *row.values()])
                    tx.event("created", etype, x.id, _child_label(etype, x), order_id=oid)
                    changed.append(etype)
            for xid, x in old.items():
                if xid not in keep:
                    self.q(f"UPDATE {table} SET active = ? WHERE uuid = ?", [False, xid])
                    tx.event("deleted", etype, xid, _child_label(etype, x), order_id=oid,
                             field="active", old=True, new=False)
                    changed.append(etype)
        old_attrs, new_attrs = before.attributes, o.attributes
        for key in sorted(set(old_attrs) | set(new_attrs)):
            if old_attrs.get(key) == new_attrs.get(key):
                continue
            if key in new_attrs and key in old_attrs:
                self.q("UPDATE order_attribute SET value = ? WHERE order_id = ? AND key = ?",
                       [new_attrs[key], oid, key])
            elif key in new_attrs:
                self.q("INSERT INTO order_attribute (order_id, key, value) VALUES (?,?,?)",
                       [oid, key, new_attrs[key]])
            else:
                self.q("DELETE FROM order_attribute WHERE order_id = ? AND key = ?", [oid, key])
            tx.event("updated", "order", o.id or "", label, order_id=oid,
                     field=f"attribute:{key}", old=old_attrs.get(key), new=new_attrs.get(key))
            changed.append("attributes")
        return changed

    def _refresh_totals(self, oid: int, tx: Tx, extra: dict[str, Any] | None = None,
                        bump: bool = True) -> None:
        """Recomputes the stored totals from the stored rows; bumps version and revision."""
        cur, active = self.q("SELECT currency, active FROM orders WHERE id = ?", [oid]).fetchone()
        currency = (extra or {}).get("currency", cur)
        # The stored line figures are the rounded ones every save writes; a currency change
        # re-rounds them all, so only then are the lines read and figured again. A deleted
        # order totals the lines deleted with it, as its document shows them.
        lines, figures = (self.stored_line_figures(oid) if currency == cur and active
                          else (self._lines(oid, active_only=bool(active)), None))
        surcharges = [Surcharge(amount=from_fixed(s[0]), kind=s[1],
                                taxes=[_tax_obj(t) for t in _unjson(s[2]) or []])
                      for s in self.q("SELECT amount, kind, taxes FROM surcharge WHERE "
                                      "order_id = ? AND active = ?", [oid, True])]
        paid = self.desk.finance.paid_total(oid)
        t = compute_totals(currency, lines, surcharges, paid, figures)
        values: dict[str, Any] = dict(extra or {})
        values.update(line_count=t.line_count, total_quantity=to_fixed(t.total_quantity),
                      products_total=to_fixed(t.products_total),
                      surcharges_total=to_fixed(t.surcharges_total),
                      tax_total=to_fixed(t.tax_total), grand_total=to_fixed(t.grand_total),
                      paid=to_fixed(t.paid), balance=to_fixed(t.balance),
                      revision=tx.revision, updated_at=tx.now_text, updated_by=tx.actor.name)
        sets = ", ".join(f"{k} = ?" for k in values)
        version = ", version = version + 1" if bump else ""
        self.q(f"UPDATE orders SET {sets}{version} WHERE id = ?", [*values.values(), oid])

    def stored_line_figures(self, oid: int) -> tuple[list[Line], list[Amounts]]:
        """The active lines' quantities and stored rounded figures, without the full read."""
        lines, figures = [], []
        for qty, sub, tax, total in self.q(
                "SELECT quantity, subtotal, tax_amount, total FROM order_line WHERE "
                "order_id = ? AND active = ? ORDER BY position, id", [oid, True]):
            lines.append(Line("", from_fixed(qty)))
            figures.append(Amounts(from_fixed(sub), from_fixed(tax), from_fixed(total)))
        return lines, figures

    def touch(self, tx: Tx, oid: int, uuid: str, **values: Any) -> None:
        """Marks an order changed by an action (status, payment…): totals, version, revision."""
        self._refresh_totals(oid, tx, extra=values or None)
        tx.changes.orders.add(uuid)

    # ---------- delete / restore ----------
    def delete(self, orders: Sequence[str]) -> BulkResult:
        """Soft-deletes orders with their active lines; releases their reservations."""
        done, skipped = [], []
        with self.write() as tx:
            for ref in orders:
                head = self.order_head(ref, lock=True)
                # Already deleted, or archived (invoiced): an archived order takes only
                # attachments and log entries.
                if not head["active"] or head["stage"] == "archived":
                    skipped.append((head["uuid"], head["number"]))
                    continue
                oid = head["id"]
                for line in self._lines(oid):
                    self._deactivate_line(tx, oid, line, tx.revision)
                new_stage = "archived" if head["stage"] == "sent" else head["stage"]
                self.q("UPDATE orders SET active = ?, deleted_op = ?, deleted_stage = ?, "
                       "stage = ? WHERE id = ?", [False, tx.revision, head["stage"], new_stage, oid])
                tx.event("deleted", "order", head["uuid"], f"Order {head['number']}",
                         order_id=oid, field="active", old=True, new=False)
                if new_stage != head["stage"]:
                    tx.event("updated", "order", head["uuid"], f"Order {head['number']}",
                             order_id=oid, field="stage", old=head["stage"], new=new_stage)
                self.desk.attachments.log(tx, oid, "Deleted", f"Order {head['number']} deleted")
                self.touch(tx, oid, head["uuid"])
                tx.changes.removed_orders.add(head["uuid"])
                done.append((head["uuid"], head["number"]))
        return BulkResult(len(done), tuple(done), tuple(skipped))

    def restore(self, orders: Sequence[str]) -> BulkResult:
        """Brings deleted orders back with exactly the lines deleted with them."""
        done, skipped = [], []
        with self.write() as tx:
            for ref in orders:
                head = self.order_head(ref, lock=True)
                if head["active"]:
                    skipped.append((head["uuid"], head["number"]))
                    continue
                oid = head["id"]
                op, stage = self.q("SELECT deleted_op, deleted_stage FROM orders WHERE id = ?",
                                   [oid]).fetchone()
                for lid, luuid, pos, code in self.q(
                        "SELECT id, uuid, position, item_code FROM order_line WHERE order_id = ? "
                        "AND active = ? AND deleted_op = ?", [oid, False, op]).fetchall():
                    self.q("UPDATE order_line SET active = ?, deleted_op = NULL WHERE id = ?",
                           [True, lid])
                    tx.event("restored", "line", luuid, f"Line {pos} · {code}", order_id=oid,
                             field="active", old=False, new=True)
                    tx.changes.lines.add(luuid)
                stage = stage or head["stage"]
                self.q("UPDATE orders SET active = ?, deleted_op = NULL, deleted_stage = NULL, "
                       "stage = ? WHERE id = ?", [True, stage, oid])
                tx.event("restored", "order", head["uuid"], f"Order {head['number']}",
                         order_id=oid, field="active", old=False, new=True)
                if stage != head["stage"]:
                    tx.event("updated", "order", head["uuid"], f"Order {head['number']}",
                             order_id=oid, field="stage", old=head["stage"], new=stage)
                self.desk.attachments.log(tx, oid, "Restored", f"Order {head['number']} restored")
                self.touch(tx, oid, head["uuid"])
                tx.reindex.add(oid)
                tx.changes.created_orders.add(head["uuid"])
                done.append((head["uuid"], head["number"]))
        return BulkResult(len(done), tuple(done), tuple(skipped))

    def duplicate(self, order: str) -> Order:
        """A new draft with the same customer, lines and parties (new ids, new number)."""
        src = self.get(order)
        doc = src.copy()
        doc.id = doc.number = doc.reference = None
        doc.stage, doc.status, doc.version = "draft", None, 0
        doc.payments, doc.shipments = [], []  # money and parcels belong to the original
        for line in doc.lines:
            line.id = None
            line.active = True  # a deleted order's lines went with it; the copy's are live
        for x in (*doc.addresses, *doc.contacts, *doc.surcharges):
            x.id = None
        return self.create(doc)


def _same_line(a: Line, b: Line) -> bool:
    """Unchanged for history and storage (values compared as numbers, 2.50 == 2.5)."""
    return a.position == b.position and _same_values(a, b)


def _same_values(a: Line, b: Line) -> bool:
    """The stored values of two lines are equal (position aside)."""
    return (a.item_code == b.item_code
            and a.description == b.description and a.quantity == b.quantity
            and a.unit == b.unit and a.unit_price == b.unit_price and a.discount == b.discount
            and a.attributes == b.attributes
            and [(t.name, t.rate, t.group, t.type) for t in a.taxes]
            == [(t.name, t.rate, t.group, t.type) for t in b.taxes])


def _decimals(line: Line) -> bool:
    """Numbers given as Decimals: 2.5 (a float) equals Decimal('2.5') but must be checked."""
    return (type(line.quantity) is Decimal and type(line.unit_price) is Decimal
            and type(line.discount) is Decimal
            and all(type(t.rate) is Decimal for t in line.taxes))


def _json(value: Any) -> str:
    import json

    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False, default=str)


def _unjson(value: str | None) -> Any:
    import json

    return json.loads(value) if value else None


def _tax_dict(t: Tax) -> dict[str, str]:
    return {"name": t.name, "rate": str(t.rate), "group": t.group, "type": t.type}


def _tax_obj(d: dict[str, str]) -> Tax:
    return Tax(d["name"], Decimal(d["rate"]), d.get("group", ""), d.get("type", ""))


def _address_fields(a: Address, raw: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(a, k) for k in (
        "kind", "label", "name", "street", "city", "postal_code", "region", "country")}
    out["attributes"] = _json(a.attributes) if raw else _attr_text(a.attributes)
    return out


def _contact_fields(c: Contact, raw: bool = False) -> dict[str, Any]:
    return {k: getattr(c, k) for k in ("kind", "label", "name", "value")}


def _surcharge_fields(s: Surcharge, raw: bool = False) -> dict[str, Any]:
    from orderdesk.core.money import format_taxes

    return {
        "kind": s.kind, "label": s.label,
        "amount": to_fixed(s.amount) if raw else s.amount,
        "taxes": _json([_tax_dict(t) for t in s.taxes]) if raw else format_taxes(s.taxes),
        "attributes": _json(s.attributes) if raw else _attr_text(s.attributes),
    }


def _attr_text(d: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(d.items()))


def _child_label(etype: str, x: Any) -> str:
    kind = x.label if getattr(x, "kind", "") == "Custom" and x.label else x.kind
    if etype == "address":
        return f"Address · {kind}"
    if etype == "contact":
        return f"Contact · {kind}"
    return f"Surcharge · {kind}"


__all__ = ["OrderService", "BulkResult", "NumberFormat", "clean_order", "clean_line",
           "round_money", "surcharge_amounts"]
