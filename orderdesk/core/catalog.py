"""Customers and catalogue items of a company."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from orderdesk.core import validate as v
from orderdesk.core.base import Service, chunked, marks
from orderdesk.core.docs import Tax
from orderdesk.core.errors import NotFound, ValidationError
from orderdesk.core.money import ZERO, from_fixed, to_fixed


@dataclass
class CustomerDoc:
    code: str
    name: str
    organisation_id: str = ""
    active: bool = True
    addresses: list[dict[str, str]] = field(default_factory=list)  # default addresses
    contacts: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ItemDoc:
    code: str
    description: str = ""
    unit: str = "pcs"
    price: Decimal = ZERO
    taxes: list[Tax] = field(default_factory=list)
    unit_weight: Decimal = ZERO
    active: bool = True


class CatalogService(Service):
    # ---- customers ----
    def customer_map(self, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
        """code → (row id, name) of the given codes that exist."""
        out: dict[str, tuple[int, str]] = {}
        for chunk in chunked(sorted(set(codes))):
            for cid, code, name in self.q(
                f"SELECT id, code, name FROM customer WHERE company_id = ? AND code IN "
                f"({marks(len(chunk))})", [self.cid, *chunk]):
                out[code] = (cid, name)
        return out

    def customers(self, search: str = "", include_inactive: bool = False,
                  limit: int = 1000) -> list[CustomerDoc]:
        sql = ("SELECT code, name, organisation_id, active, defaults FROM customer "
               "WHERE company_id = ?")
        params: list[Any] = [self.cid]
        if not include_inactive:
            sql += " AND active = ?"
            params.append(True)
        if search:
            sql += " AND (LOWER(code) LIKE ? OR LOWER(name) LIKE ?)"
            params += [f"%{search.lower()}%"] * 2
        sql += " ORDER BY code LIMIT ?"
        return [_customer(r) for r in self.q(sql, [*params, limit])]

    def customer(self, code: str) -> CustomerDoc:
        row = self.q("SELECT code, name, organisation_id, active, defaults FROM customer "
                     "WHERE company_id = ? AND code = ?", [self.cid, code]).fetchone()
        if row is None:
            raise NotFound(f"customer {code} not found")
        return _customer(row)

    def save_customer(self, doc: CustomerDoc) -> CustomerDoc:
        """Adds or updates the customer with this code (history records each field)."""
        code = v.text(doc.code, "code", 40, required=True)
        name = v.text(doc.name, "name", 200, required=True)
        org = v.text(doc.organisation_id, "organisation_id", 60)
        defaults = {"addresses": list(doc.addresses), "contacts": list(doc.contacts)}
        import json

        with self.write() as tx:
            row = self.q("SELECT name, organisation_id, active, defaults FROM customer "
                         "WHERE company_id = ? AND code = ?", [self.cid, code]).fetchone()
            after = {"name": name, "organisation_id": org, "active": doc.active,
                     "defaults": json.dumps(defaults, sort_keys=True)}
            if row is None:
                self.q("INSERT INTO customer (company_id, code, name, organisation_id, defaults, "
                       "active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                       [self.cid, code, name, org, json.dumps(defaults), doc.active,
                        tx.now_text, tx.now_text])
                tx.event("created", "customer", code, f"Customer {code}")
            else:
                before = {"name": row[0], "organisation_id": row[1], "active": bool(row[2]),
                          "defaults": json.dumps(json.loads(row[3] or "{}"), sort_keys=True)}
                if tx.diff("customer", code, f"Customer {code}", before, after):
                    self.q("UPDATE customer SET name = ?, organisation_id = ?, active = ?, "
                           "defaults = ?, updated_at = ? WHERE company_id = ? AND code = ?",
                           [name, org, doc.active, json.dumps(defaults), tx.now_text,
                            self.cid, code])
            tx.changes.customers.add(code)
        return self.customer(code)

    def create_customers(self, rows: Iterable[tuple[str, str]]) -> int:
        """Bulk-adds (code, name) customers that do not exist yet (imports, demo)."""
        with self.write() as tx:
            rows = [(c, n) for c, n in rows]
            existing = self.customer_map(c for c, _ in rows)
            new = [(c, n) for c, n in dict(rows).items() if c not in existing]
            for c, n in new:
                v.text(c, "code", 40, required=True)
                v.text(n, "name", 200, required=True)
            self.store.executemany(
                "INSERT INTO customer (company_id, code, name, organisation_id, defaults, active, "
                "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                [(self.cid, c, n, "", "{}", True, tx.now_text, tx.now_text) for c, n in new])
            for c, _ in new:
                tx.event("created", "customer", c, f"Customer {c}")
                tx.changes.customers.add(c)
            return len(new)

    def customer_summary(self, code: str) -> dict[str, Any]:
        """Orders of one customer at a glance: counts, totals by currency, open balance."""
        self.customer(code)
        rows = self.q(
            "SELECT currency, COUNT(*), SUM(grand_total), SUM(balance), MAX(order_date), "
            "SUM(CASE WHEN stage = 'draft' THEN 1 ELSE 0 END) FROM orders WHERE company_id = ? "
            "AND customer_code = ? AND active = ? GROUP BY currency ORDER BY currency",
            [self.cid, code, True]).fetchall()
        return {
            "code": code,
            "orders": sum(r[1] for r in rows),
            "drafts": sum(r[5] for r in rows),
            "last_order_date": max((r[4] for r in rows), default=None),
            "by_currency": {r[0]: {"orders": r[1], "total": from_fixed(r[2]),
                                   "balance": from_fixed(r[3])} for r in rows},
        }

    # ---- items ----
    def item_weights(self, codes: Iterable[str]) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for chunk in chunked(sorted(set(codes))):
            for code, w in self.q(f"SELECT code, unit_weight FROM item WHERE company_id = ? AND "
                                  f"code IN ({marks(len(chunk))})", [self.cid, *chunk]):
                out[code] = from_fixed(w)
        return out

    def known_codes(self, codes: Iterable[str]) -> set[str]:
        return set(self.item_weights(codes))

    def items(self, search: str = "", include_inactive: bool = False,
              limit: int = 1000) -> list[ItemDoc]:
        sql = ("SELECT code, description, unit, price, taxes, unit_weight, active FROM item "
               "WHERE company_id = ?")
        params: list[Any] = [self.cid]
        if not include_inactive:
            sql += " AND active = ?"
            params.append(True)
        if search:
            sql += " AND (LOWER(code) LIKE ? OR LOWER(description) LIKE ?)"
            params += [f"%{search.lower()}%"] * 2
        sql += " ORDER BY code LIMIT ?"
        return [_item(r) for r in self.q(sql, [*params, limit])]

    def item(self, code: str) -> ItemDoc:
        row = self.q("SELECT code, description, unit, price, taxes, unit_weight, active FROM item "
                     "WHERE company_id = ? AND code = ?", [self.cid, code]).fetchone()
        if row is None:
            raise NotFound(f"item {code} not found")
        return _item(row)

    def save_item(self, doc: ItemDoc) -> ItemDoc:
        import json

        code = v.text(doc.code, "code", 60, required=True)
        after = {
            "description": v.text(doc.description, "description", 500),
            "unit": v.text(doc.unit, "unit", 20) or "pcs",
            "price": v.number(doc.price, "price"),
            "taxes": json.dumps([[t.name, str(v.number(t.rate, "taxes.rate")), t.group, t.type]
                                 for t in doc.taxes]),
            "unit_weight": v.number(doc.unit_weight, "unit_weight"),
            "active": bool(doc.active),
        }
        for t in doc.taxes:
            v.text(t.name, "taxes.name", 40, required=True)
        with self.write() as tx:
            row = self.q("SELECT description, unit, price, taxes, unit_weight, active FROM item "
                         "WHERE company_id = ? AND code = ?", [self.cid, code]).fetchone()
            raw = [after["description"], after["unit"], to_fixed(after["price"]),
                   after["taxes"], to_fixed(after["unit_weight"]), after["active"]]
            if row is None:
                self.q("INSERT INTO item (company_id, code, description, unit, price, taxes, "
                       "unit_weight, active) VALUES (?,?,?,?,?,?,?,?)", [self.cid, code, *raw])
                tx.event("created", "item", code, f"Item {code}")
            else:
                before = {"description": row[0], "unit": row[1], "price": from_fixed(row[2]),
                          "taxes": row[3], "unit_weight": from_fixed(row[4]),
                          "active": bool(row[5])}
                if tx.diff("item", code, f"Item {code}", before, after):
                    self.q("UPDATE item SET description = ?, unit = ?, price = ?, taxes = ?, "
                           "unit_weight = ?, active = ? WHERE company_id = ? AND code = ?",
                           [*raw, self.cid, code])
            tx.changes.items.add(code)
        return self.item(code)


def _customer(r: Any) -> CustomerDoc:
    import json

    d = json.loads(r[4] or "{}")
    return CustomerDoc(r[0], r[1], r[2], bool(r[3]), d.get("addresses", []), d.get("contacts", []))


def _item(r: Any) -> ItemDoc:
    import json

    taxes = [Tax(t[0], Decimal(t[1]), t[2], t[3]) for t in json.loads(r[4] or "[]")]
    return ItemDoc(r[0], r[1], r[2], from_fixed(r[3]), taxes, from_fixed(r[5]), bool(r[6]))


__all__ = ["CatalogService", "CustomerDoc", "ItemDoc", "ValidationError"]
