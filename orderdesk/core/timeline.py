"""How an order's history is shown: human text per event, actor/minute groups, lazy pages."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Sequence

from orderdesk.core.history import Event, HistoryFilter

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk

# Entity kinds an order's timeline can hold, in the order a filter menu lists them.
ENTITY_TYPES: tuple[tuple[str, str], ...] = (
    ("order", "Order"), ("line", "Line"), ("address", "Address"), ("contact", "Contact"),
    ("surcharge", "Surcharge"), ("payment", "Payment"), ("shipment", "Shipment"),
    ("attachment", "Attachment"), ("reservation", "Reservation"), ("log", "Log entry"),
    ("invoice", "Invoice"), ("lot", "Lot"),
)
_ENTITY_NAMES = dict(ENTITY_TYPES)
# Column names as people say them; anything else is shown with underscores as spaces.
_FIELD_NAMES = {
    "unit_price": "unit price", "discount": "discount %", "item_code": "item code",
    "customer_code": "customer", "customer_name": "customer name", "order_date": "order date",
    "delivery_date": "delivery date", "customer_reference": "customer reference",
    "reference": "order reference", "postal_code": "postal code", "tracking_number":
    "tracking number", "md5": "MD5", "file_name": "file name",
}
EMPTY = "∅"


@dataclass(frozen=True)
class Described:
    """One event as a person reads it: on which entity, what happened, old → new."""

    entity: str  # "Line 3 · PLANK-2x4"
    what: str  # "unit price", "added", "reserved", a log entry's title ...
    old: str
    new: str
    text: str  # the whole sentence, for lists and tooltips


def entity_name(entity_type: str) -> str:
    return _ENTITY_NAMES.get(entity_type, entity_type.replace("_", " ").capitalize())


def field_name(name: str | None) -> str:
    if not name:
        return ""
    if name.startswith("attribute:"):
        return f"attribute “{name.split(':', 1)[1]}”"
    return _FIELD_NAMES.get(name, name.replace("_", " "))


def describe(e: Event) -> Described:
    """What changed, old → new, on which entity, for any kind of event the core records."""
    old, new = e.old or "", e.new or ""
    if e.entity_type == "log":
        title = e.entity_label.split(" · ", 1)[-1]
        return Described("Log entry", title, "", new,
                         f"Log entry “{title}”" + (f": {new}" if new else ""))
    if e.entity_type == "reservation":
        verb = "reserved" if e.change == "created" else "released"
        qty = new if e.change == "created" else old
        return Described(e.entity_label, verb, old, new, f"{e.entity_label}: {verb} {qty}".strip())
    if e.entity_type == "attachment" and e.field == "md5" and e.change == "created":
        return Described(e.entity_label, "added", "", new, f"{e.entity_label} added (MD5 {new})")
    if e.entity_type == "attachment" and e.field == "replaced by":
        return Described(e.entity_label, "replaced", old, new,
                         f"{e.entity_label} replaced by a new version (MD5 {old} → {new})")
    if e.field == "active" and e.change in ("deleted", "restored"):
        verb = "removed" if e.change == "deleted" else "restored"
        return Described(e.entity_label, verb, old, new, f"{e.entity_label} {verb}")
    if e.field and (e.old is not None or e.new is not None):
        what = field_name(e.field)
        if e.change == "created":  # e.g. a split lot's origin: only a new value
            return Described(e.entity_label, what, "", new,
                             f"{e.entity_label} added: {what} {new}")
        return Described(e.entity_label, what, old, new,
                         f"{e.entity_label}: {what} {old or EMPTY} → {new or EMPTY}")
    verb = {"created": "added", "deleted": "removed"}.get(e.change, e.change)
    return Described(e.entity_label, verb, "", "", f"{e.entity_label} {verb}")


def minute_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


@dataclass
class Group:
    """Consecutive events of one actor within one minute (a save, a drop, an import)."""

    actor_id: str
    actor_name: str
    minute: datetime  # aware, as stored (UTC); shown in local time by the view
    events: list[Event] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, datetime]:
        return (self.actor_id, self.minute)

    def heading(self) -> str:
        local = self.minute.astimezone()
        return f"{self.actor_name} · {local:%Y-%m-%d %H:%M}"


def group_events(events: Iterable[Event], into: list[Group] | None = None) -> list[Group]:
    """Groups events (newest first) by (actor, minute); `into` continues earlier groups.

    Only neighbours are merged, so the groups keep the timeline's order; a later page whose
    first events belong to the last group extends that group instead of starting a new one.
    """
    groups = into if into is not None else []
    for e in events:
        key = (e.actor_id, minute_of(e.at))
        if groups and groups[-1].key == key:
            groups[-1].events.append(e)
        else:
            groups.append(Group(e.actor_id, e.actor_name, key[1], [e]))
    return groups


@dataclass(frozen=True)
class Facets:
    """The values the timeline's filters offer for one order (only those that occur)."""

    entity_types: list[tuple[str, str]]  # (value, label)
    fields: list[tuple[str, str]]
    actors: list[tuple[str, str]]  # (actor id, name)


def facets(desk: Desk, order: str) -> Facets:
    """Distinct entity kinds, fields and actors of an order's events, for filter menus."""
    oid = desk.history.order_head(order)["id"]
    rows = desk.store.execute(
        "SELECT DISTINCT entity_type, field, actor_id, actor_name FROM history_event "
        "WHERE order_id = ?", [oid]).fetchall()
    kinds = {r[0] for r in rows}
    order_of = {k: i for i, (k, _) in enumerate(ENTITY_TYPES)}
    entity_types = [(k, entity_name(k)) for k in sorted(kinds, key=lambda k: (
        order_of.get(k, len(order_of)), k))]
    fields = sorted({(r[1], field_name(r[1])) for r in rows if r[1]}, key=lambda f: f[1])
    actors = sorted({(r[2], r[3]) for r in rows}, key=lambda a: a[1].casefold())
    return Facets(entity_types, fields, actors)


class TimelinePager:
    """Loads an order's timeline a page at a time (newest first) for a lazy item model.

    `fetch_more()` may run in a worker thread; it appends under a lock and returns the new
    events, so the model inserts exactly those rows.
    """

    def __init__(self, desk: Desk, order: str, flt: HistoryFilter | None = None,
                 page_size: int = 100) -> None:
        self.desk = desk
        self.order = order
        self.filter = flt or HistoryFilter()
        self.page_size = page_size
        self._lock = threading.Lock()
        self.events: list[Event] = []
        self.groups: list[Group] = []
        self.exhausted = False

    @property
    def can_fetch_more(self) -> bool:
        return not self.exhausted

    def fetch_more(self) -> list[Event]:
        with self._lock:
            if self.exhausted:
                return []
            last = self.events[-1] if self.events else None
            page = self.desk.history.timeline(
                self.order, flt=self.filter, limit=self.page_size,
                before=(last.at, last.id) if last else None)
            if len(page) < self.page_size:
                self.exhausted = True
            self.events.extend(page)
            group_events(page, self.groups)
            return page

    def reset(self, flt: HistoryFilter | None = None) -> None:
        """Forgets what was loaded (the order changed or the filter did); load again."""
        with self._lock:
            if flt is not None:
                self.filter = flt
            self.events = []
            self.groups = []
            self.exhausted = False

    def all(self) -> list[Event]:
        """Every event the filter admits (for export of the shown timeline)."""
        while self.fetch_more():
            pass
        return list(self.events)


def rows_for_export(events: Sequence[Event]) -> list[tuple[datetime, str, str, Described]]:
    """(local time, who, entity kind, description) per event, shared by PDF and XLSX export."""
    return [(e.at.astimezone(), e.actor_name, entity_name(e.entity_type), describe(e))
            for e in events]
