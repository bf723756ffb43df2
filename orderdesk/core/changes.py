"""What a committed write changed, so each view can refresh exactly its rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChangeSet:
    company_id: int
    revision: int = 0
    actor: str = ""
    orders: set[str] = field(default_factory=set)  # order UUIDs
    lines: set[str] = field(default_factory=set)
    lots: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)  # codes
    items: set[str] = field(default_factory=set)
    attachments: set[str] = field(default_factory=set)
    statuses: bool = False
    companies: bool = False
    created_orders: set[str] = field(default_factory=set)
    removed_orders: set[str] = field(default_factory=set)  # left the active list

    @property
    def empty(self) -> bool:
        return not (
            self.orders or self.lines or self.lots or self.customers or self.items
            or self.attachments or self.statuses or self.companies
        )
