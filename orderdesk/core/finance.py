"""Payments and shipments: allowed on draft and sent orders, not on archived ones."""

from __future__ import annotations

from decimal import Decimal

from orderdesk.core import validate as v
from orderdesk.core.base import Service
from orderdesk.core.docs import PAYMENT_METHODS, PAYMENT_STATUSES, Payment, Shipment
from orderdesk.core.errors import NotFound, ValidationError
from orderdesk.core.fields import date_parse, new_uuid
from orderdesk.core.money import ZERO, from_fixed, to_fixed

_PAY_COLS = ("date", "amount", "currency", "method", "method_name", "status", "testing",
             "gateway", "gateway_data", "reference", "error")
_SHIP_COLS = ("carrier", "tracking_number", "shipped_at", "delivered_at")


class FinanceService(Service):
    # ---- reads ----
    def payments(self, oid: int) -> list[Payment]:
        return [Payment(date=date_parse(r[0]), amount=from_fixed(r[1]), currency=r[2],  # type: ignore[arg-type]
                        method=r[3], method_name=r[4], status=r[5], testing=bool(r[6]),
                        gateway=r[7], gateway_data=r[8], reference=r[9], error=r[10], id=r[11])
                for r in self.q(f"SELECT {', '.join(_PAY_COLS)}, uuid FROM payment WHERE "
                                "order_id = ? AND active = ? ORDER BY date, id", [oid, True])]

    def shipments(self, oid: int) -> list[Shipment]:
        return [Shipment(carrier=r[0], tracking_number=r[1], shipped_at=date_parse(r[2]),
                         delivered_at=date_parse(r[3]), id=r[4])
                for r in self.q(f"SELECT {', '.join(_SHIP_COLS)}, uuid FROM shipment WHERE "
                                "order_id = ? AND active = ? ORDER BY id", [oid, True])]

    def paid_total(self, oid: int) -> Decimal:
        row = self.q("SELECT SUM(amount) FROM payment WHERE order_id = ? AND active = ? AND "
                     "status = ? AND testing = ?", [oid, True, "processed", False]).fetchone()
        return from_fixed(row[0]) if row[0] is not None else ZERO

    # ---- payments ----
    def clean_payment(self, p: Payment, currency: str, where: str) -> Payment:
        cur = v.currency(p.currency or currency, "payment.currency", where=where)
        if cur != currency:
            raise ValidationError("payment.currency", cur,
                                  f"must equal the order's currency {currency}", where=where)
        method = v.choice(p.method, "payment.method", PAYMENT_METHODS, where=where)
        return Payment(
            amount=v.number(p.amount, "payment.amount", where=where, positive=True),
            date=v.day(p.date, "payment.date", where=where, required=True),  # type: ignore[arg-type]
            method=method,
            method_name=v.text(p.method_name, "payment.method_name", 80, where=where,
                               required=method == "other"),
            status=v.choice(p.status, "payment.status", PAYMENT_STATUSES, where=where),
            testing=bool(p.testing), currency=cur,
            gateway=v.text(p.gateway, "payment.gateway", 80, where=where),
            gateway_data=v.text(p.gateway_data, "payment.gateway_data", 4000, where=where),
            reference=v.text(p.reference, "payment.reference", 100, where=where),
            error=v.text(p.error, "payment.error", 4000, where=where), id=p.id)

    def clean_shipment(self, item: Shipment, where: str) -> Shipment:
        return Shipment(
            carrier=v.text(item.carrier, "shipment.carrier", 80, where=where),
            tracking_number=v.text(item.tracking_number, "shipment.tracking_number", 100,
                                   where=where),
            shipped_at=v.day(item.shipped_at, "shipment.shipped_at", where=where),
            delivered_at=v.day(item.delivered_at, "shipment.delivered_at", where=where),
            id=item.id)

    def save_payment(self, order: str, payment: Payment) -> str:
        """Adds (no id) or edits a payment; returns its id. Balance and paid flag follow."""
        return self._save(order, payment, "payment", _PAY_COLS)

    def save_shipment(self, order: str, shipment: Shipment) -> str:
        """Adds (no id) or edits a shipment with its tracking number."""
        return self._save(order, shipment, "shipment", _SHIP_COLS)

    def _save(self, order: str, item: Payment | Shipment, table: str,
              cols: tuple[str, ...]) -> str:
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            self.require_stage(head, ("draft", "sent"), f"changing a {table}")
            where = f"order {head['number']}, {table}"
            if isinstance(item, Payment):
                clean: Payment | Shipment = self.clean_payment(item, head["currency"], where)
                label = f"Payment · {clean.amount} {clean.currency}"  # type: ignore[union-attr]
            else:
                clean = self.clean_shipment(item, where)
                label = f"Shipment · {clean.carrier or clean.tracking_number or 'parcel'}"  # type: ignore[union-attr]
            values = {c: getattr(clean, c) for c in cols}
            raw = [to_fixed(x) if isinstance(x, Decimal) else
                   (x.isoformat() if hasattr(x, "isoformat") else x) for x in values.values()]
            if item.id:
                row = self.q(f"SELECT {', '.join(cols)} FROM {table} WHERE uuid = ? AND "
                             "order_id = ? AND active = ?", [item.id, head["id"], True]).fetchone()
                if row is None:
                    raise NotFound(f"{table} {item.id} not found on order {head['number']}")
                before = {c: (from_fixed(x) if c == "amount" else x) for c, x in zip(cols, row)}
                before = {c: (bool(x) if c == "testing" else x) for c, x in before.items()}
                if tx.diff(table, item.id, label, before, values, order_id=head["id"]):
                    sets = ", ".join(f"{c} = ?" for c in cols)
                    self.q(f"UPDATE {table} SET {sets} WHERE uuid = ?", [*raw, item.id])
                uid = item.id
            else:
                uid = new_uuid()
                self.q(f"INSERT INTO {table} (order_id, uuid, active, {', '.join(cols)}) VALUES "
                       f"(?, ?, ?, {', '.join('?' * len(cols))})", [head["id"], uid, True, *raw])
                tx.event("created", table, uid, label, order_id=head["id"])
            self.desk.orders.touch(tx, head["id"], head["uuid"])
            return uid

    def remove(self, order: str, table: str, item_id: str) -> None:
        """Soft-removes a payment or shipment (kept in history)."""
        if table not in ("payment", "shipment"):
            raise ValueError(table)
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            self.require_stage(head, ("draft", "sent"), f"removing a {table}")
            n = self.q(f"UPDATE {table} SET active = ? WHERE uuid = ? AND order_id = ? AND "
                       "active = ?", [False, item_id, head["id"], True]).rowcount
            if not n:
                raise NotFound(f"{table} {item_id} not found on order {head['number']}")
            tx.event("deleted", table, item_id, table.capitalize(), order_id=head["id"],
                     field="active", old=True, new=False)
            self.desk.orders.touch(tx, head["id"], head["uuid"])


