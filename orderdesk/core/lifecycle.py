"""Stages (draft → sent → archived), invoices, and status changes."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Sequence

from orderdesk.core.base import Service
from orderdesk.core.docs import snapshot_bytes, snapshot_load
from orderdesk.core.errors import LockedError, TransitionError, ValidationError
from orderdesk.core.fields import new_uuid
from orderdesk.core.money import ZERO, to_fixed


@dataclass(frozen=True)
class StatusResult:
    changed: tuple[str, ...]  # order numbers
    warnings: tuple[str, ...] = ()


class LifecycleService(Service):
    def send(self, order: str) -> None:
        """Locks the document and keeps a read-only archived copy of it as sent."""
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            self.require_stage(head, ("draft",), "sending")
            if not head["active"]:
                raise LockedError(f"order {head['number']} is deleted")
            doc = self.desk.orders.get(head["uuid"])
            if not any(line.active for line in doc.lines):
                raise ValidationError("lines", 0, "an order needs at least one active line to "
                                      "be sent", where=f"order {head['number']}")
            self.q("INSERT INTO order_snapshot (order_id, kind, document, taken_at, active) "
                   "VALUES (?,?,?,?,?)", [head["id"], "sent", snapshot_bytes(doc), tx.now_text, True])
            self.q("UPDATE orders SET stage = ? WHERE id = ?", ["sent", head["id"]])
            self._stage_event(tx, head, "sent", "Sent")
            self.desk.reports_hook_sent(head["uuid"])

    def back_to_draft(self, order: str) -> None:
        """Unlocks a sent order and drops its archived copy."""
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            self.require_stage(head, ("sent",), "going back to draft")
            self.q("UPDATE order_snapshot SET active = ? WHERE order_id = ? AND active = ?",
                   [False, head["id"], True])
            self.q("UPDATE orders SET stage = ? WHERE id = ?", ["draft", head["id"]])
            self._stage_event(tx, head, "draft", "Back to draft")

    def archive(self, order: str) -> None:
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            self.require_stage(head, ("sent",), "archiving")
            self.q("UPDATE orders SET stage = ? WHERE id = ?", ["archived", head["id"]])
            self._stage_event(tx, head, "archived", "Archived")

    def archived_copy(self, order: str) -> dict[str, object] | None:
        """The document as it was sent, if the order holds one."""
        head = self.order_head(order)
        row = self.q("SELECT document FROM order_snapshot WHERE order_id = ? AND active = ? "
                     "ORDER BY id DESC", [head["id"], True]).fetchone()
        return snapshot_load(row[0]) if row else None

    def upgrade_to_invoice(self, order: str) -> str:
        """Creates the order's draft invoice (once); the order becomes archived. → number."""
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            self.require_stage(head, ("draft", "sent"), "upgrading to an invoice")
            if not head["active"]:
                raise LockedError(f"order {head['number']} is deleted")
            if self.q("SELECT 1 FROM invoice WHERE order_id = ?", [head["id"]]).fetchone():
                raise LockedError(f"order {head['number']} already has an invoice")
            doc = self.desk.orders.get(head["uuid"])
            if not any(line.active for line in doc.lines):
                raise ValidationError("lines", 0, "an invoice needs at least one line",
                                      where=f"order {head['number']}")
            company = self.desk.company()
            number = self.desk.orders.allocate_numbers(
                "invoice", company.invoice_number_format, [tx.now.year])[0]
            copy = {k: dataclasses.asdict(doc)[k] for k in
                    ("lines", "addresses", "contacts", "surcharges", "customer_reference",
                     "reference", "number")}
            self.q("INSERT INTO invoice (company_id, uuid, order_id, number, stage, customer_code, "
                   "customer_name, currency, invoice_date, document, grand_total, created_at, "
                   "created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [self.cid, new_uuid(), head["id"], number, "draft", doc.customer_code,
                    doc.customer_name, doc.currency, tx.now.date().isoformat(),
                    json.dumps(copy, default=str, ensure_ascii=False),
                    to_fixed(doc.totals.grand_total if doc.totals else ZERO), tx.now_text,
                    tx.actor.name])
            if head["stage"] == "draft":
                self.q("INSERT INTO order_snapshot (order_id, kind, document, taken_at, active) "
                       "VALUES (?,?,?,?,?)",
                       [head["id"], "invoiced", snapshot_bytes(doc), tx.now_text, True])
            self.q("UPDATE orders SET stage = ?, status = ? WHERE id = ?",
                   ["archived", "invoiced", head["id"]])
            label = f"Order {head['number']}"
            tx.event("updated", "order", head["uuid"], label, order_id=head["id"], field="stage",
                     old=head["stage"], new="archived")
            tx.event("updated", "order", head["uuid"], label, order_id=head["id"], field="status",
                     old=head["status"], new="invoiced")
            tx.event("created", "invoice", number, f"Invoice {number}", order_id=head["id"])
            self.desk.attachments.log(tx, head["id"], "Upgraded",
                                      f"Upgraded to invoice {number}")
            self.desk.orders.touch(tx, head["id"], head["uuid"])
            return number

    def invoice(self, order: str) -> dict[str, object] | None:
        head = self.order_head(order)
        row = self.q("SELECT number, stage, customer_code, customer_name, currency, "
                     "invoice_date, document, created_at, created_by FROM invoice "
                     "WHERE order_id = ?", [head["id"]]).fetchone()
        if row is None:
            return None
        keys = ("number", "stage", "customer_code", "customer_name", "currency",
                "invoice_date", "document", "created_at", "created_by")
        out = dict(zip(keys, row))
        out["document"] = json.loads(row[6])
        return out

    def set_status(self, orders: Sequence[str], to: str) -> StatusResult:
        """Moves each order to `to` where the workflow allows; all or nothing."""
        if to not in self.desk.statuses.codes():
            raise ValidationError("status", to, "is not a status of this company")
        if to == "invoiced":
            raise TransitionError("…", to, "invoiced is set by upgrading to an invoice")
        warnings, changed = [], []
        with self.write() as tx:
            for ref in orders:
                head = self.order_head(ref, lock=True)
                if head["stage"] == "archived":
                    raise LockedError(f"order {head['number']} is archived: its status is final")
                if not head["active"]:
                    raise LockedError(f"order {head['number']} is deleted: restore it first")
                if head["status"] == to:
                    continue
                if not self.desk.statuses.can(head["status"], to):
                    allowed = self.desk.statuses.allowed_from(head["status"])
                    raise TransitionError(
                        head["status"], to, f"order {head['number']}; allowed: "
                        + (", ".join(allowed) if allowed else "none (final status)"))
                if to == "paid":
                    bal = self.q("SELECT balance FROM orders WHERE id = ?",
                                 [head["id"]]).fetchone()[0]
                    if bal:
                        from orderdesk.core.money import from_fixed

                        warnings.append(f"order {head['number']} is marked paid with a balance "
                                        f"of {from_fixed(bal)} {head['currency']}")
                if to == "cancelled":
                    for (lid,) in self.q("SELECT id FROM order_line WHERE order_id = ?",
                                         [head["id"]]).fetchall():
                        self.desk.inventory.release_line(tx, lid)
                self.q("UPDATE orders SET status = ? WHERE id = ?", [to, head["id"]])
                tx.event("updated", "order", head["uuid"], f"Order {head['number']}",
                         order_id=head["id"], field="status", old=head["status"], new=to)
                self.desk.orders.touch(tx, head["id"], head["uuid"])
                changed.append(head["number"])
        return StatusResult(tuple(changed), tuple(warnings))

    def _stage_event(self, tx: object, head: dict[str, object], stage: str, title: str) -> None:
        from orderdesk.core.tx import Tx

        assert isinstance(tx, Tx)
        tx.event("updated", "order", str(head["uuid"]), f"Order {head['number']}",
                 order_id=int(head["id"]), field="stage", old=head["stage"], new=stage)  # type: ignore[call-overload]
        self.desk.attachments.log(tx, int(head["id"]), title,  # type: ignore[call-overload]
                                  f"Order {head['number']}: {title.lower()}")
        self.desk.orders.touch(tx, int(head["id"]), str(head["uuid"]))  # type: ignore[call-overload]
