"""What every service of a Desk shares: the store, the company, the actor."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from orderdesk.core.errors import LockedError, NotFound
from orderdesk.core.tx import Tx, write

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk

ORDER_HEAD = (
    "id, uuid, number, stage, status, active, version, currency, updated_at, updated_by, "
    "customer_code"
)


class Service:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store = desk.store
        self.cid = desk.company_id

    def write(self) -> AbstractContextManager[Tx]:
        return write(self.store, self.cid, self.desk.actor)

    def q(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.store.execute(sql, params)

    def order_head(self, order: str, *, lock: bool = False) -> dict[str, Any]:
        """The order's key facts by UUID or number, in this company only."""
        lock_sql = self.store.dialect.lock_row("orders") if lock else ""
        row = self.q(
            f"SELECT {ORDER_HEAD} FROM orders WHERE company_id = ? AND (uuid = ? OR number = ?)"
            + lock_sql,
            [self.cid, order, order],
        ).fetchone()
        if row is None:
            raise NotFound(f"order {order} not found")
        keys = [k.strip() for k in ORDER_HEAD.split(",")]
        return dict(zip(keys, row))

    @staticmethod
    def require_stage(head: dict[str, Any], allowed: Iterable[str], what: str) -> None:
        if head["stage"] not in allowed:
            raise LockedError(
                f"order {head['number']} is {head['stage']}: {what} is not allowed"
                + (" (send it back to draft first)" if head["stage"] == "sent" else "")
            )


def chunked(seq: Sequence[Any], n: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def marks(n: int) -> str:
    return ",".join("?" * n)
