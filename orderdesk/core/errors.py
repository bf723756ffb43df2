"""Errors the core raises; each carries enough to tell the user what to fix."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class OrderDeskError(Exception):
    """Base of every error the core raises on purpose."""


class ValidationError(OrderDeskError):
    """Bad input: names the field and the value; nothing was written."""

    def __init__(self, field: str, value: Any, reason: str, *, where: str = "") -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field} = {value!r}: {reason}")


class NotFound(OrderDeskError):
    """The record does not exist in the current company."""


class LockedError(OrderDeskError):
    """The order's stage forbids this change (sent or archived)."""


class TransitionError(OrderDeskError):
    """A status change that the company's workflow does not allow."""

    def __init__(self, from_status: str, to_status: str, reason: str = "") -> None:
        self.from_status = from_status
        self.to_status = to_status
        msg = f"status cannot change from '{from_status}' to '{to_status}'"
        super().__init__(f"{msg}: {reason}" if reason else msg)


class ConflictError(OrderDeskError):
    """Someone else saved the record after it was read; nothing was overwritten."""

    def __init__(
        self, what: str, expected: int, actual: int, by: str, at: datetime | None
    ) -> None:
        self.what = what
        self.expected_version = expected
        self.actual_version = actual
        self.changed_by = by
        self.changed_at = at
        when = at.isoformat(timespec="seconds") if at else "unknown time"
        super().__init__(
            f"{what} was changed by {by} at {when} (version {actual}, you had {expected}); "
            "nothing was overwritten"
        )


class StockError(OrderDeskError):
    """A reservation that would take more than a lot holds."""


class IntegrityFailure(OrderDeskError):
    """Stored content no longer matches its checksum."""
