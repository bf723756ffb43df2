"""Stock lots and reservations of order lines against them (whole or split)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderdesk.core import validate as v
from orderdesk.core.base import Service
from orderdesk.core.errors import LockedError, NotFound, StockError, ValidationError
from orderdesk.core.fields import new_uuid
from orderdesk.core.money import ZERO, from_fixed, plain, to_fixed
from orderdesk.core.tx import Tx

_LOT_COLS = ("id, uuid, item_code, name, lot, quantity, reserved, unit, location, origin_id, "
             "certificate_group, active, version")


@dataclass
class Lot:
    item_code: str
    name: str
    quantity: Decimal
    lot: str = ""
    unit: str = "pcs"
    location: str = ""
    id: str | None = None
    reserved: Decimal = ZERO
    active: bool = True
    origin: str | None = None  # UUID of the lot this one was split from
    certificate_group: str = ""
    certificates: list[tuple[str, str, str]] = field(default_factory=list)  # (uuid, name, md5)
    version: int = 0

    @property
    def available(self) -> Decimal:
        return self.quantity - self.reserved


@dataclass(frozen=True)
class ReservationRow:
    id: int
    line_id: str
    line_label: str
    order_number: str
    lot_id: str
    lot_name: str
    lot_number: str
    quantity: Decimal
    certificates: tuple[tuple[str, str, str], ...] = ()


class InventoryService(Service):
    # ---- lots ----
    def _row(self, lot: str, *, lock: bool = False) -> dict[str, Any]:
        lock_sql = self.store.dialect.lock_row("inventory_item") if lock else ""
        row = self.q(f"SELECT {_LOT_COLS} FROM inventory_item WHERE company_id = ? AND "
                     "(uuid = ? OR lot = ?) ORDER BY origin_id IS NOT NULL, id" + lock_sql,
                     [self.cid, lot, lot]).fetchone()
        if row is None:
            raise NotFound(f"lot {lot} not found")
        return dict(zip([c.strip() for c in _LOT_COLS.split(",")], row))

    def get(self, lot: str) -> Lot:
        r = self._row(lot)
        out = _lot(r)
        out.certificates = self.certificates(r["certificate_group"])
        if r["origin_id"]:
            out.origin = self.q("SELECT uuid FROM inventory_item WHERE id = ?",
                                [r["origin_id"]]).fetchone()[0]
        return out

    def certificates(self, group: str) -> list[tuple[str, str, str]]:
        return [(r[0], r[1], r[2]) for r in self.q(
            "SELECT uuid, file_name, md5 FROM attachment WHERE company_id = ? AND "
            "certificate_group = ? AND active = ? ORDER BY id", [self.cid, group, True])]

    def lots(self, search: str = "", item_code: str | None = None,
             include_inactive: bool = False, limit: int = 5000) -> list[Lot]:
        sql = f"SELECT {_LOT_COLS} FROM inventory_item WHERE company_id = ?"
        params: list[Any] = [self.cid]
        if not include_inactive:
            sql += " AND active = ?"
            params.append(True)
        if item_code:
            sql += " AND item_code = ?"
            params.append(item_code)
        if search:
            sql += " AND (LOWER(item_code) LIKE ? OR LOWER(name) LIKE ? OR LOWER(lot) LIKE ? " \
                   "OR LOWER(location) LIKE ?)"
            params += [f"%{search.lower()}%"] * 4
        sql += " ORDER BY item_code, lot, id LIMIT ?"
        rows = [_lot(r) for r in self.q(sql, [*params, limit])]
        counts = dict(self.q("SELECT certificate_group, COUNT(*) FROM attachment WHERE "
                             "company_id = ? AND certificate_group IS NOT NULL AND active = ? "
                             "GROUP BY certificate_group", [self.cid, True]).fetchall())
        for lot in rows:
            lot.certificates = [("", "", "")] * counts.get(lot.certificate_group, 0)
        return rows

    def _clean(self, lot: Lot) -> dict[str, Any]:
        return {
            "item_code": v.text(lot.item_code, "item_code", 60, required=True),
            "name": v.text(lot.name, "name", 300, required=True),
            "lot": v.text(lot.lot, "lot", 80),
            "quantity": v.number(lot.quantity, "quantity"),
            "unit": v.text(lot.unit, "unit", 20) or "pcs",
            "location": v.text(lot.location, "location", 80),
            "active": bool(lot.active),
        }

    def save(self, lot: Lot) -> Lot:
        """Adds (no id) or edits a lot; on-hand quantity never drops below what is reserved."""
        vals = self._clean(lot)
        with self.write() as tx:
            if lot.id:
                r = self._row(lot.id, lock=True)
                before = {k: (from_fixed(r[k]) if k == "quantity" else r[k]) for k in vals}
                before["active"] = bool(before["active"])
                label = _label(vals["name"], vals["lot"])
                if tx.diff("lot", r["uuid"], label, before, vals, lot_id=r["id"]):
                    n = self.q(
                        "UPDATE inventory_item SET item_code = ?, name = ?, lot = ?, quantity = ?, "
                        "unit = ?, location = ?, active = ?, version = version + 1 WHERE id = ? "
                        "AND reserved <= ?",
                        [vals["item_code"], vals["name"], vals["lot"], to_fixed(vals["quantity"]),
                         vals["unit"], vals["location"], vals["active"], r["id"],
                         to_fixed(vals["quantity"])]).rowcount
                    if not n:
                        raise StockError(f"lot {label}: {plain(from_fixed(r['reserved']))} "
                                         f"{r['unit']} are reserved; the quantity cannot go below")
                uid = r["uuid"]
            else:
                uid = lot.id or new_uuid()
                self.q("INSERT INTO inventory_item (company_id, uuid, item_code, name, lot, "
                       "quantity, reserved, unit, location, origin_id, certificate_group, "
                       "active, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       [self.cid, uid, vals["item_code"], vals["name"], vals["lot"],
                        to_fixed(vals["quantity"]), 0, vals["unit"], vals["location"], None,
                        new_uuid(), vals["active"], 1])
                rid = self.q("SELECT id FROM inventory_item WHERE uuid = ?", [uid]).fetchone()[0]
                tx.event("created", "lot", uid, _label(vals["name"], vals["lot"]), lot_id=rid)
            tx.changes.lots.add(uid)
        return self.get(uid)

    # ---- reservations ----
    def reserve(self, line_id: str, lot: str, quantity: Decimal | None = None) -> int:
        """Reserves a line against a lot: whole (quantity None) or split (0 < q < available).

        Returns the reservation id. Race-free: the stock moves by a conditional update.
        """
        with self.write() as tx:
            line = self.q("SELECT l.id, l.uuid, l.position, l.item_code, l.active, o.id, o.uuid, "
                          "o.number, o.stage, o.active FROM order_line l JOIN orders o ON "
                          "o.id = l.order_id WHERE l.uuid = ? AND o.company_id = ?",
                          [line_id, self.cid]).fetchone()
            if line is None:
                raise NotFound(f"line {line_id} not found")
            lid, luuid, pos, code, lactive, oid, ouuid, number, stage, oactive = line
            if stage == "archived" or not oactive or not lactive:
                raise LockedError(f"order {number}: reservations need an open, active order line")
            status = self.q("SELECT status FROM orders WHERE id = ?", [oid]).fetchone()[0]
            if status in ("cancelled", "done"):
                raise LockedError(f"order {number} is {status}: it takes no more reservations")
            r = self._row(lot, lock=True)
            if not r["active"]:
                raise StockError(f"lot {_label(r['name'], r['lot'])} is deactivated")
            available = from_fixed(r["quantity"] - r["reserved"])
            label = _label(r["name"], r["lot"])
            if available <= 0:
                raise StockError(f"lot {label} has nothing available (all reserved)")
            line_label = f"Line {pos} · {code}"
            if quantity is None:
                qty, target = available, r
                n = self.q("UPDATE inventory_item SET reserved = reserved + ?, version = version "
                           "+ 1 WHERE id = ? AND quantity - reserved >= ? AND active = ?",
                           [to_fixed(qty), r["id"], to_fixed(qty), True]).rowcount
                if not n:
                    raise StockError(f"lot {label} changed meanwhile: reserve again")
            else:
                qty = v.number(quantity, "quantity", positive=True)
                if qty > available:
                    raise StockError(f"lot {label} has only {plain(available)} {r['unit']} "
                                     f"available; {plain(qty)} requested")
                if qty == available:
                    return self.reserve(line_id, lot, None)
                n = self.q("UPDATE inventory_item SET quantity = quantity - ?, version = version "
                           "+ 1 WHERE id = ? AND quantity - reserved > ? AND active = ?",
                           [to_fixed(qty), r["id"], to_fixed(qty), True]).rowcount
                if not n:
                    raise StockError(f"lot {label} changed meanwhile: reserve again")
                new = new_uuid()
                split_name = f"{r['name']} · {number}"[:300]
                self.q("INSERT INTO inventory_item (company_id, uuid, item_code, name, lot, "
                       "quantity, reserved, unit, location, origin_id, certificate_group, active, "
                       "version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       [self.cid, new, r["item_code"], split_name, r["lot"], to_fixed(qty),
                        to_fixed(qty), r["unit"], r["location"], r["id"], r["certificate_group"],
                        True, 1])
                target = self._row(new)
                tx.event("updated", "lot", r["uuid"], label, lot_id=r["id"], field="quantity",
                         old=from_fixed(r["quantity"]), new=from_fixed(r["quantity"]) - qty)
                tx.event("created", "lot", new, _label(split_name, r["lot"]), lot_id=target["id"],
                         field="origin", new=label)
                tx.changes.lots.add(new)
            self.q("INSERT INTO reservation (company_id, line_id, inventory_item_id, quantity, "
                   "created_at, created_by, active) VALUES (?,?,?,?,?,?,?)",
                   [self.cid, lid, target["id"], to_fixed(qty), tx.now_text, tx.actor.name, True])
            res_id = int(self.q("SELECT MAX(id) FROM reservation WHERE line_id = ?",
                                [lid]).fetchone()[0])
            tx.event("created", "reservation", str(res_id),
                     f"{line_label} ← {_label(target['name'], target['lot'])}", order_id=oid,
                     lot_id=target["id"], field="quantity", new=qty)
            tx.changes.lots.add(r["uuid"])
            tx.changes.lines.add(luuid)
            tx.changes.orders.add(ouuid)
            return res_id

    def unreserve(self, reservation_id: int) -> None:
        """Removes the link and gives the quantity back to its lot (a split stays split)."""
        with self.write() as tx:
            row = self.q("SELECT id FROM reservation WHERE id = ? AND company_id = ? AND "
                         "active = ?", [reservation_id, self.cid, True]).fetchone()
            if row is None:
                raise NotFound(f"reservation {reservation_id} not found or already released")
            self._release(tx, reservation_id)

    def release_line(self, tx: Tx, line_row_id: int) -> int:
        ids = [r[0] for r in self.q("SELECT id FROM reservation WHERE line_id = ? AND active = ?",
                                    [line_row_id, True]).fetchall()]
        for rid in ids:
            self._release(tx, rid)
        return len(ids)

    def _release(self, tx: Tx, rid: int) -> None:
        lot_id, qty, lid = self.q("SELECT inventory_item_id, quantity, line_id FROM reservation "
                                  "WHERE id = ?", [rid]).fetchone()
        self.q("UPDATE reservation SET active = ?, released_at = ? WHERE id = ?",
               [False, tx.now_text, rid])
        self.q("UPDATE inventory_item SET reserved = reserved - ?, version = version + 1 "
               "WHERE id = ?", [qty, lot_id])
        luuid, pos, code, oid, ouuid = self.q(
            "SELECT l.uuid, l.position, l.item_code, o.id, o.uuid FROM order_line l JOIN orders o "
            "ON o.id = l.order_id WHERE l.id = ?", [lid]).fetchone()
        lot_uuid, name, lot = self.q("SELECT uuid, name, lot FROM inventory_item WHERE id = ?",
                                     [lot_id]).fetchone()
        tx.event("deleted", "reservation", str(rid), f"Line {pos} · {code} ← {_label(name, lot)}",
                 order_id=oid, lot_id=lot_id, field="quantity", old=from_fixed(qty))
        tx.changes.lots.add(lot_uuid)
        tx.changes.lines.add(luuid)
        tx.changes.orders.add(ouuid)

    # ---- traceability ----
    def reservations(self, order: str | None = None, lot: str | None = None,
                     active: bool = True) -> list[ReservationRow]:
        sql = ("SELECT r.id, l.uuid, l.position, l.item_code, o.number, i.uuid, i.name, i.lot, "
               "r.quantity, i.certificate_group FROM reservation r JOIN order_line l ON "
               "l.id = r.line_id JOIN orders o ON o.id = l.order_id JOIN inventory_item i ON "
               "i.id = r.inventory_item_id WHERE r.company_id = ? AND r.active = ?")
        params: list[Any] = [self.cid, active]
        if order:
            head = self.order_head(order)
            sql += " AND o.id = ?"
            params.append(head["id"])
        if lot:
            r = self._row(lot)
            sql += " AND (i.id = ? OR i.origin_id = ?)"
            params += [r["id"], r["id"]]
        sql += " ORDER BY o.number, l.position, r.id"
        out, cache = [], {}  # type: ignore[var-annotated]
        for row in self.q(sql, params).fetchall():
            group = row[9]
            if group not in cache:
                cache[group] = tuple(self.certificates(group))
            out.append(ReservationRow(row[0], row[1], f"Line {row[2]} · {row[3]}", row[4], row[5],
                                      row[6], row[7], from_fixed(row[8]), cache[group]))
        return out


def _lot(r: dict[str, Any] | Any) -> Lot:
    if not isinstance(r, dict):
        r = dict(zip([c.strip() for c in _LOT_COLS.split(",")], r))
    return Lot(item_code=r["item_code"], name=r["name"], quantity=from_fixed(r["quantity"]),
               lot=r["lot"], unit=r["unit"], location=r["location"], id=r["uuid"],
               reserved=from_fixed(r["reserved"]), active=bool(r["active"]),
               certificate_group=r["certificate_group"], version=r["version"])


def _label(name: str, lot: str) -> str:
    return f"{name} ({lot})" if lot else name


__all__ = ["InventoryService", "Lot", "ReservationRow", "ValidationError"]
