"""Column types: fixed-point Decimals, UTC timestamps, JSON text, UUID text."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import peewee

from orderdesk.core.money import from_fixed, to_fixed

UTC = timezone.utc
_TS = "%Y-%m-%d %H:%M:%S.%f"


def utcnow() -> datetime:
    return datetime.now(UTC)


def ts_text(value: datetime) -> str:
    """Aware datetime → sortable UTC text; naive values are taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime(_TS)


def ts_parse(value: str | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(value)  # 3.11 reads both our text and ISO 8601 with Z
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def date_parse(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


class FixedField(peewee.BigIntegerField):
    """A Decimal stored as an integer with four implied decimals (exact, sortable)."""

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        return to_fixed(value if isinstance(value, Decimal) else Decimal(value))

    def python_value(self, value: Any) -> Any:
        return None if value is None else from_fixed(int(value))


class UtcField(peewee.TextField):
    """A UTC timestamp as fixed-width text, so it sorts and compares in SQL."""

    def db_value(self, value: Any) -> Any:
        return None if value is None else ts_text(value) if isinstance(value, datetime) else value

    def python_value(self, value: Any) -> Any:
        return ts_parse(value)


class IsoDateField(peewee.TextField):
    """A calendar date as `YYYY-MM-DD` text."""

    def db_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None if self.null else ""
        return value.isoformat() if isinstance(value, date) else str(value)[:10]

    def python_value(self, value: Any) -> Any:
        return date_parse(value)


class JsonField(peewee.TextField):
    def db_value(self, value: Any) -> Any:
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    def python_value(self, value: Any) -> Any:
        return None if value is None else json.loads(value)


def new_uuid() -> str:
    """A time-ordered UUID (version 7, RFC 9562): new rows land at the end of the uuid
    indexes instead of at random places, which keeps bulk inserts fast at millions of rows."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 \
        | 0b10 << 62 | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))
