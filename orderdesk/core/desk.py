"""The Desk: one company of one database, acting as one user — the core's front door."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from orderdesk.core import validate as v
from orderdesk.core.attachments import AttachmentService
from orderdesk.core.catalog import CatalogService
from orderdesk.core.db import Store
from orderdesk.core.errors import NotFound, ValidationError
from orderdesk.core.fields import ts_parse, ts_text, utcnow
from orderdesk.core.finance import FinanceService
from orderdesk.core.history import HistoryService
from orderdesk.core.inventory import InventoryService
from orderdesk.core.lifecycle import LifecycleService
from orderdesk.core.listing import ListingService
from orderdesk.core.orders import NumberFormat, OrderService
from orderdesk.core.statuses import seed_defaults
from orderdesk.core.statuses import StatusService
from orderdesk.core.tx import Actor


@dataclass(frozen=True)
class CompanyInfo:
    id: int
    name: str
    currency: str
    order_number_format: str
    invoice_number_format: str
    revision: int
    created_at: datetime | None


def companies(store: Store) -> list[CompanyInfo]:
    return [CompanyInfo(r[0], r[1], r[2], r[3], r[4], r[5], ts_parse(r[6])) for r in store.execute(
        "SELECT id, name, currency, order_number_format, invoice_number_format, revision, "
        "created_at FROM company ORDER BY id")]


def create_company(store: Store, name: str, currency: str, *,
                   order_number_format: str = "{year}-{seq:04d}",
                   invoice_number_format: str = "INV-{year}-{seq:04d}") -> CompanyInfo:
    """A new company with the default statuses and workflow."""
    name = v.text(name, "company name", 200, required=True)
    currency = v.currency(currency)
    for fmt, label in ((order_number_format, "order number format"),
                       (invoice_number_format, "invoice number format")):
        try:
            fmt.format(year=2026, seq=1)
            NumberFormat(fmt)
        except (KeyError, ValueError, IndexError) as e:
            raise ValidationError(label, fmt, f"is not a valid pattern ({e})") from None
        if "{seq" not in fmt:
            raise ValidationError(label, fmt, "needs {seq} (e.g. {year}-{seq:04d})")
    with store.dialect.begin_write():
        store.execute("INSERT INTO company (name, currency, order_number_format, "
                      "invoice_number_format, revision, created_at) VALUES (?,?,?,?,?,?)",
                      [name, currency, order_number_format, invoice_number_format, 0,
                       ts_text(utcnow())])
        cid = int(store.execute("SELECT MAX(id) FROM company").fetchone()[0])
        seed_defaults(store, cid)
    from orderdesk.core.changes import ChangeSet

    store.publish(ChangeSet(cid, companies=True))
    return next(c for c in companies(store) if c.id == cid)


class Desk:
    """Every core operation of one company, as one actor; safe to use from any thread."""

    def __init__(self, store: Store, company_id: int, actor: Actor | None = None) -> None:
        self.store = store
        self.company_id = company_id
        self.actor = actor or Actor.from_os()
        if not any(c.id == company_id for c in companies(store)):
            raise NotFound(f"company {company_id} does not exist")
        self.orders = OrderService(self)
        self.lifecycle = LifecycleService(self)
        self.listing = ListingService(self)
        self.catalog = CatalogService(self)
        self.statuses = StatusService(self)
        self.finance = FinanceService(self)
        self.inventory = InventoryService(self)
        self.attachments = AttachmentService(self)
        self.history = HistoryService(self)
        # Called inside the send transaction (the reports layer stores the sent confirmation);
        # the list is the store's, so every Desk on it (other actors, companies) shares it.
        self.on_sent: list[Callable[[Desk, str], None]] = store.sent_hooks

    def company(self) -> CompanyInfo:
        for c in companies(self.store):
            if c.id == self.company_id:
                return c
        raise NotFound(f"company {self.company_id} does not exist")

    def as_actor(self, actor: Actor) -> Desk:
        return Desk(self.store, self.company_id, actor)

    def reports_hook_sent(self, order_uuid: str) -> None:
        for hook in self.on_sent:
            hook(self, order_uuid)

    def check(self) -> list[str]:
        """Database problems: integrity, foreign keys, damaged attachments."""
        return self.store.dialect.check() + self.attachments.verify_all()
