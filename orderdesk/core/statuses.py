"""Per-company order statuses and the transitions allowed between them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orderdesk.core import validate as v
from orderdesk.core.base import Service
from orderdesk.core.errors import NotFound, ValidationError

DEFAULT_STATUSES = (
    ("pending", "Pending", False), ("paid", "Paid", False), ("shipped", "Shipped", False),
    ("delivered", "Delivered", False), ("returned", "Returned", False),
    ("done", "Done", True), ("cancelled", "Cancelled", True), ("invoiced", "Invoiced", False),
)
DEFAULT_TRANSITIONS = (
    ("pending", "paid"), ("pending", "shipped"), ("pending", "cancelled"),
    ("paid", "shipped"), ("paid", "cancelled"),
    ("shipped", "delivered"), ("shipped", "returned"),
    ("delivered", "done"), ("delivered", "returned"),
    ("returned", "done"),
)
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Status:
    code: str
    name: str
    final: bool
    position: int


def seed_defaults(store: object, company_id: int) -> None:
    """Default statuses of a new company (called inside its creating transaction)."""
    from orderdesk.core.db import Store

    assert isinstance(store, Store)
    store.executemany(
        "INSERT INTO status_def (company_id, code, name, position, final, builtin) "
        "VALUES (?,?,?,?,?,?)",
        [(company_id, c, n, i, f, True) for i, (c, n, f) in enumerate(DEFAULT_STATUSES)])
    store.executemany(
        "INSERT INTO status_transition (company_id, from_code, to_code) VALUES (?,?,?)",
        [(company_id, a, b) for a, b in DEFAULT_TRANSITIONS])


class StatusService(Service):
    def list(self) -> list[Status]:
        return [Status(r[0], r[1], bool(r[2]), r[3]) for r in self.q(
            "SELECT code, name, final, position FROM status_def WHERE company_id = ? "
            "ORDER BY position, code", [self.cid])]

    def codes(self) -> set[str]:
        return {s.code for s in self.list()}

    def name(self, code: str) -> str:
        for s in self.list():
            if s.code == code:
                return s.name
        return code

    def transitions(self) -> set[tuple[str, str]]:
        return {(r[0], r[1]) for r in self.q(
            "SELECT from_code, to_code FROM status_transition WHERE company_id = ?", [self.cid])}

    def allowed_from(self, code: str) -> list[str]:
        return sorted(b for a, b in self.transitions() if a == code)

    def can(self, from_code: str, to_code: str) -> bool:
        return (from_code, to_code) in self.transitions()

    def add(self, code: str, name: str, final: bool = False) -> Status:
        code = v.text(code, "status code", 40, required=True).lower()
        if not _CODE.match(code):
            raise ValidationError("status code", code,
                                  "use lower-case letters, digits, - or _, starting with a letter")
        name = v.text(name, "status name", 80, required=True)
        with self.write() as tx:
            if code in self.codes():
                raise ValidationError("status code", code, "already exists")
            pos = len(self.list())
            self.q("INSERT INTO status_def (company_id, code, name, position, final, builtin) "
                   "VALUES (?,?,?,?,?,?)", [self.cid, code, name, pos, final, False])
            tx.event("created", "status", code, f"Status {name}")
            tx.changes.statuses = True
        return Status(code, name, final, pos)

    def rename(self, code: str, name: str) -> None:
        name = v.text(name, "status name", 80, required=True)
        with self.write() as tx:
            old = self.name(code)
            if code not in self.codes():
                raise NotFound(f"status {code} not found")
            self.q("UPDATE status_def SET name = ? WHERE company_id = ? AND code = ?",
                   [name, self.cid, code])
            tx.event("updated", "status", code, f"Status {code}", field="name", old=old, new=name)
            tx.changes.statuses = True

    def set_final(self, code: str, final: bool) -> None:
        with self.write() as tx:
            self.q("UPDATE status_def SET final = ? WHERE company_id = ? AND code = ?",
                   [final, self.cid, code])
            tx.event("updated", "status", code, f"Status {code}", field="final",
                     old=not final, new=final)
            tx.changes.statuses = True

    def set_transitions(self, pairs: set[tuple[str, str]]) -> None:
        """Replaces the allowed transitions (history records each added or removed one)."""
        codes = self.codes()
        for a, b in pairs:
            for c in (a, b):
                if c not in codes:
                    raise ValidationError("transition", f"{a} → {b}", f"unknown status '{c}'")
            if a == b:
                raise ValidationError("transition", f"{a} → {b}", "goes nowhere")
        with self.write() as tx:
            current = self.transitions()
            for a, b in sorted(current - pairs):
                self.q("DELETE FROM status_transition WHERE company_id = ? AND from_code = ? "
                       "AND to_code = ?", [self.cid, a, b])
                tx.event("deleted", "transition", f"{a}>{b}", f"Transition {a} → {b}")
            for a, b in sorted(pairs - current):
                self.q("INSERT INTO status_transition (company_id, from_code, to_code) "
                       "VALUES (?,?,?)", [self.cid, a, b])
                tx.event("created", "transition", f"{a}>{b}", f"Transition {a} → {b}")
            tx.changes.statuses = True
