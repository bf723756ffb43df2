"""Checks on input values; each failure names the field and the value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from orderdesk.core.errors import ValidationError
from orderdesk.core.money import ZERO, fits_scale, known_currencies, to_decimal

MAX_AMOUNT = Decimal("100000000000")  # fits the fixed-point column with room to sum


def text(value: Any, field: str, max_len: int, *, where: str = "", required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be text", where=where)
    value = value.strip() if field not in ("notes", "description") else value
    if required and not value:
        raise ValidationError(field, value, "is required", where=where)
    if len(value) > max_len:
        raise ValidationError(field, value[:40] + "…", f"is longer than {max_len} characters",
                              where=where)
    if "\x00" in value:
        raise ValidationError(field, value, "contains a NUL character", where=where)
    return value


def number(
    value: Any, field: str, *, where: str = "", minimum: Decimal | None = ZERO,
    maximum: Decimal | None = MAX_AMOUNT, positive: bool = False,
) -> Decimal:
    try:
        d = to_decimal(value)
    except (TypeError, ValueError) as e:
        raise ValidationError(field, value, str(e), where=where) from None
    if not d.is_finite():
        raise ValidationError(field, value, "is not a finite number", where=where)
    if positive and d <= 0:
        raise ValidationError(field, value, "must be greater than zero", where=where)
    if minimum is not None and d < minimum:
        raise ValidationError(field, value, f"must not be less than {minimum}", where=where)
    if maximum is not None and d > maximum:
        raise ValidationError(field, value, f"must not exceed {maximum}", where=where)
    if not fits_scale(d):
        raise ValidationError(field, value, "has more than 4 decimals", where=where)
    return d


def percent(value: Any, field: str, *, where: str = "") -> Decimal:
    return number(value, field, where=where, minimum=ZERO, maximum=Decimal(100))


def day(value: Any, field: str, *, where: str = "", required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise ValidationError(field, value, "is required", where=where)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(field, value, "is not a date (YYYY-MM-DD)", where=where) from None


def currency(value: Any, field: str = "currency", *, where: str = "") -> str:
    code = (value or "").strip().upper() if isinstance(value, str) else value
    if not isinstance(code, str) or code not in known_currencies():
        raise ValidationError(field, value, "is not an ISO 4217 currency code", where=where)
    return code


def choice(value: Any, field: str, allowed: Iterable[str], *, where: str = "") -> str:
    options = tuple(allowed)
    if value not in options:
        raise ValidationError(field, value, "must be one of " + ", ".join(options), where=where)
    return str(value)


def attributes(value: Any, field: str = "attributes", *, where: str = "") -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(field, value, "must be a mapping of key to value", where=where)
    out = {}
    for k, v in value.items():
        key = text(k, f"{field} key", 100, where=where, required=True)
        out[key] = text(v if v is not None else "", f"{field}[{key}]", 2000, where=where)
    return out
