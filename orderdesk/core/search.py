"""The full-text index of orders: number, references, customer, line codes and texts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    from orderdesk.core.db import Store

_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The terms of a search box entry, each matched as a prefix.

    A term is what the user typed between spaces, as its word tokens joined by one
    space: `2026-0042` becomes the phrase `2026 0042`, which the index answers at once,
    where the two words apart would match a third of all orders each.
    """
    terms = (" ".join(_WORD.findall(chunk)) for chunk in text.split())
    return [t for t in terms if t][:12]


def body(order_fields: Iterable[str], line_texts: Iterable[str]) -> str:
    return " ".join(t for t in (*order_fields, *line_texts) if t)


def reindex(store: Store, order_ids: Sequence[int]) -> None:
    """Rebuilds the index rows of these orders from what is stored."""
    if not order_ids:
        return
    texts: dict[int, list[str]] = {}
    for chunk in _chunks(order_ids, 500):
        marks = ",".join("?" * len(chunk))
        for oid, number, ref, cref, code, name in store.execute(
            "SELECT id, number, reference, customer_reference, customer_code, customer_name "
            f"FROM orders WHERE id IN ({marks})",
            chunk,
        ):
            texts[oid] = [number, ref or "", cref or "", code, name]
        for oid, code, desc in store.execute(
            "SELECT order_id, item_code, description FROM order_line "
            f"WHERE order_id IN ({marks}) AND active = ? ORDER BY order_id, position",
            [*chunk, True],
        ):
            texts[oid].extend((code, desc))
    store.dialect.index_orders([(oid, body(parts, ())) for oid, parts in texts.items()])


def reindex_all(store: Store) -> None:
    ids = [r[0] for r in store.execute("SELECT id FROM orders")]
    for chunk in _chunks(ids, 5000):
        reindex(store, chunk)


def _chunks(seq: Sequence[int], n: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
