"""An editor's save: the document plus its payment and shipment edits, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from orderdesk.core.desk import Desk
from orderdesk.core.docs import Order, Payment, Shipment
from orderdesk.core.tx import write


@dataclass
class FinanceEdits:
    """Payments and shipments the user added, changed or removed relative to what was loaded."""

    save_payments: list[Payment] = field(default_factory=list)  # no id: added
    remove_payments: list[str] = field(default_factory=list)
    save_shipments: list[Shipment] = field(default_factory=list)
    remove_shipments: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.save_payments or self.remove_payments or self.save_shipments
                    or self.remove_shipments)


def finance_edits(base: Sequence[Payment | Shipment], mine: Sequence[Payment | Shipment],
                  edits: FinanceEdits | None = None) -> FinanceEdits:
    """What `mine` changed relative to `base` (both lists of payments, or of shipments)."""
    out = edits or FinanceEdits()
    old = {x.id: x for x in base if x.id}
    for x in mine:
        if x.id is None or x.id not in old or old[x.id] != x:
            (out.save_payments if isinstance(x, Payment) else out.save_shipments).append(x)
    kept = {x.id for x in mine}
    for x in base:
        if x.id and x.id not in kept:
            (out.remove_payments if isinstance(x, Payment) else out.remove_shipments).append(x.id)
    return out


def save_order(desk: Desk, doc: Order, expected_version: int | None,
               finance: FinanceEdits | None = None, *, before: Order | None = None) -> Order:
    """Creates (no id) or updates `doc` and applies the finance edits, all or nothing.

    An update with `expected_version` older than the stored one raises ConflictError before
    anything is written; the document lock of a sent order refuses document changes while
    payments and shipments still save. `before` is the stored order the editor loaded, as
    `OrderService.update` takes it: while current, the save reads back only what changed.
    """
    with write(desk.store, desk.company_id, desk.actor) as tx:
        if doc.id is None:
            new = doc.copy()
            if finance:
                new.payments = [p for p in finance.save_payments if p.id is None]
                new.shipments = [s for s in finance.save_shipments if s.id is None]
            uid = desk.orders.create_many([new])[0]
        else:
            uid = doc.id
            if not finance:
                # update reads it back inside this transaction (nested writes join it)
                return desk.orders.update(doc, expected_version=expected_version,
                                          before=before)
            reuse = desk.orders.update_within(tx, doc, expected_version, before=before)
            fin = desk.finance
            for p in finance.save_payments:
                fin.save_payment(uid, p)
            for pid in finance.remove_payments:
                fin.remove(uid, "payment", pid)
            for s in finance.save_shipments:
                fin.save_shipment(uid, s)
            for sid in finance.remove_shipments:
                fin.remove(uid, "shipment", sid)
            # Payments and shipments write no line: the lines update kept stay valid.
            return desk.orders.get(uid, reuse_lines=reuse)
    return desk.orders.get(uid)


__all__ = ["FinanceEdits", "finance_edits", "save_order"]
