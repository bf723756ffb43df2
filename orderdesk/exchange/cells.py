"""Reading one import cell: text, numbers, dates and flags from CSV text or typed XLSX values."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from orderdesk.exchange.columns import parse_bool, plain, restore

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is the reason."""


def text(value: Any) -> str:
    """A text cell, with the formula apostrophe of the export taken off again."""
    if value is None:
        return ""
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # A spreadsheet turned a code such as 00123 or 1.50 into a number.
        return plain(Decimal(repr(value)))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def number(value: Any) -> Decimal | None:
    """A number with a decimal point; blank is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (date, datetime)):
        raise CellError(f"{value.isoformat()!r} is a date, not a number")
    s = str(value).strip()
    if not s:
        return None
    if "_" in s or "," in s:
        raise CellError(f"{s!r} is not a number (use a decimal point and no separators, "
                        "e.g. 1234.5)")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise CellError(f"{s!r} is not a number (e.g. 1234.5)") from None
    if not d.is_finite():
        raise CellError(f"{s!r} is not a finite number")
    return d


def integer(value: Any) -> int | None:
    d = number(value)
    if d is None:
        return None
    if d != d.to_integral_value() or d < 1:
        raise CellError(f"{plain(d)!r} is not a whole number of 1 or more")
    return int(d)


def day(value: Any) -> date | None:
    """An ISO date YYYY-MM-DD (or a date cell of a spreadsheet); blank is None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(f"{value!r} is not a date (format the column as a date or write "
                        "YYYY-MM-DD)")
    s = str(value).strip()
    if not s:
        return None
    if not _ISO_DATE.fullmatch(s):
        raise CellError(f"{s!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise CellError(f"{s!r} is not a date (YYYY-MM-DD): no such day") from None


def flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    s = str(value).strip()
    if not s:
        return None
    try:
        return parse_bool(s)
    except ValueError as e:
        raise CellError(str(e)) from None


def uid(value: Any) -> str | None:
    """A UUID in its canonical lower-case form; blank is None."""
    s = "" if value is None else str(value).strip()
    if not s:
        return None
    try:
        return str(uuid.UUID(s))
    except ValueError:
        raise CellError(f"{s!r} is not an id (a UUID such as "
                        "'1b4e28ba-2fa1-11d2-883f-0016d3cca427')") from None
