"""The write transaction every change goes through: lock, revision, history, changes."""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator

from orderdesk.core import search
from orderdesk.core.changes import ChangeSet
from orderdesk.core.db import Store
from orderdesk.core.errors import NotFound
from orderdesk.core.fields import ts_text, utcnow
from orderdesk.core.money import plain


@dataclass(frozen=True)
class Actor:
    """Who acts: defaults to the operating-system login."""

    id: str
    name: str

    @classmethod
    def from_os(cls) -> Actor:
        try:
            login = getpass.getuser()
        except Exception:  # no login name (some containers): still record something
            login = f"uid{os.getuid()}"
        name = login
        try:
            import pwd

            gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
            name = gecos or login
        except (ImportError, KeyError):
            pass
        return cls(login, name)


def text(value: Any) -> str | None:
    """A value as the history shows it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime):
        return ts_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class Tx:
    """One open write transaction of one company."""

    store: Store
    company_id: int
    actor: Actor
    revision: int
    now: datetime
    changes: ChangeSet
    events: list[tuple[Any, ...]] = field(default_factory=list)
    reindex: set[int] = field(default_factory=set)
    now_text: str = ""

    def __post_init__(self) -> None:
        self.now_text = ts_text(self.now)

    def event(
        self,
        change: str,
        entity_type: str,
        entity_id: str,
        label: str,
        *,
        order_id: int | None = None,
        lot_id: int | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.events.append(
            (self.company_id, order_id, lot_id, self.revision, self.now_text, self.actor.id,
             self.actor.name, change, entity_type, entity_id, label, field, text(old), text(new))
        )

    def diff(
        self, entity_type: str, entity_id: str, label: str, before: dict[str, Any],
        after: dict[str, Any], *, order_id: int | None = None, lot_id: int | None = None,
    ) -> list[str]:
        """Records one `updated` event per field that differs; returns those fields."""
        changed = []
        for key, new in after.items():
            old = before.get(key)
            if text(old) != text(new):
                changed.append(key)
                self.event("updated", entity_type, entity_id, label, order_id=order_id,
                           lot_id=lot_id, field=key, old=old, new=new)
        return changed

    def flush(self) -> None:
        if self.events:
            self.store.executemany(
                "INSERT INTO history_event (company_id, order_id, lot_id, revision, at, "
                "actor_id, actor_name, change, entity_type, entity_id, entity_label, field, "
                "old_value, new_value) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                self.events,
            )
            self.events = []
        if self.reindex:
            search.reindex(self.store, sorted(self.reindex))
            self.reindex = set()


@contextmanager
def write(store: Store, company_id: int, actor: Actor) -> Iterator[Tx]:
    """Runs the body in one write transaction; nested calls join the outer one."""
    outer: Tx | None = getattr(store.local, "tx", None)
    if outer is not None:
        if outer.company_id != company_id:
            raise RuntimeError("a transaction cannot span two companies")
        yield outer
        return
    with store.dialect.begin_write():
        row = store.execute(
            "UPDATE company SET revision = revision + 1 WHERE id = ? RETURNING revision",
            [company_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"company {company_id} does not exist")
        tx = Tx(store, company_id, actor, int(row[0]), utcnow(),
                ChangeSet(company_id, int(row[0]), actor.name))
        store.local.tx = tx
        try:
            yield tx
            tx.flush()
        finally:
            store.local.tx = None
    store.publish(tx.changes)
