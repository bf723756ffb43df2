"""Reading history: an order's timeline of field-level events, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orderdesk.core.base import Service
from orderdesk.core.fields import ts_parse, ts_text


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    actor_id: str
    actor_name: str
    change: str
    entity_type: str
    entity_id: str
    entity_label: str
    field: str | None
    old: str | None
    new: str | None
    revision: int

    def describe(self) -> str:
        if self.field and (self.old is not None or self.new is not None):
            return f"{self.entity_label}: {self.field} {self.old or '∅'} → {self.new or '∅'}"
        return f"{self.entity_label} {self.change}"


@dataclass
class HistoryFilter:
    entity_type: str | None = None
    field: str | None = None
    actor: str | None = None
    text: str | None = None


class HistoryService(Service):
    _COLS = ("id, at, actor_id, actor_name, change, entity_type, entity_id, entity_label, field, "
             "old_value, new_value, revision")

    def timeline(self, order: str | None = None, *, lot: str | None = None,
                 flt: HistoryFilter | None = None, limit: int = 200,
                 before: tuple[datetime, int] | None = None) -> list[Event]:
        """Events newest first; page on with `before=(last.at, last.id)`."""
        sql = f"SELECT {self._COLS} FROM history_event WHERE company_id = ?"
        params: list[Any] = [self.cid]
        if order is not None:
            sql += " AND order_id = ?"
            params.append(self.order_head(order)["id"])
        if lot is not None:
            sql += " AND lot_id = ?"
            params.append(self.desk.inventory._row(lot)["id"])
        f = flt or HistoryFilter()
        if f.entity_type:
            sql += " AND entity_type = ?"
            params.append(f.entity_type)
        if f.field:
            sql += " AND field = ?"
            params.append(f.field)
        if f.actor:
            sql += " AND (actor_id = ? OR actor_name = ?)"
            params += [f.actor, f.actor]
        if f.text:
            like = f"%{f.text.lower()}%"
            sql += (" AND (LOWER(entity_label) LIKE ? OR LOWER(COALESCE(old_value, '')) LIKE ? "
                    "OR LOWER(COALESCE(new_value, '')) LIKE ? OR LOWER(COALESCE(field, '')) "
                    "LIKE ?)")
            params += [like] * 4
        if before is not None:
            sql += " AND (at < ? OR (at = ? AND id < ?))"
            params += [ts_text(before[0]), ts_text(before[0]), before[1]]
        sql += " ORDER BY at DESC, id DESC LIMIT ?"
        params.append(limit)
        return [_event(r) for r in self.q(sql, params)]

    def since(self, revision: int, limit: int = 10000) -> list[Event]:
        """Every event of the company after a revision (what other desks changed)."""
        return [_event(r) for r in self.q(
            f"SELECT {self._COLS} FROM history_event WHERE company_id = ? AND revision > ? "
            "ORDER BY revision, id LIMIT ?", [self.cid, revision, limit])]

    def order_events_since(self, order: str, version_time: datetime) -> list[Event]:
        head = self.order_head(order)
        return [_event(r) for r in self.q(
            f"SELECT {self._COLS} FROM history_event WHERE order_id = ? AND at > ? "
            "ORDER BY at, id", [head["id"], ts_text(version_time)])]


def _event(r: Any) -> Event:
    return Event(r[0], ts_parse(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],  # type: ignore[arg-type]
                 r[10], r[11])
