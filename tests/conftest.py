"""Shared fixtures: every test gets a fresh real SQLite file (never an in-memory stand-in)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from orderdesk.core import Actor, Desk, Line, Order, Store, Tax, create_company, open_store  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "orderdesk-test.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture
def desk(store: Store) -> Desk:
    company = create_company(store, "Test Co", "EUR")
    d = Desk(store, company.id, Actor("alice", "Alice Example"))
    d.catalog.create_customers([("C1", "Customer One"), ("C2", "Zákazník Dva")])
    from orderdesk.core.catalog import ItemDoc

    d.catalog.save_item(ItemDoc("PLANK-2x4", "Pine plank 2×4", "m", Decimal("3.20"),
                                [Tax("VAT", Decimal(21))], Decimal("0.002")))
    return d


def make_order(customer: str = "C1", lines: int = 3, **kw: object) -> Order:
    """A draft order with `lines` lines of PLANK-2x4 at 2.50 + VAT 21%."""
    return Order(
        customer_code=customer, order_date=kw.pop("order_date", date(2026, 11, 2)),  # type: ignore[arg-type]
        lines=[Line("PLANK-2x4", Decimal(i + 1), Decimal("2.50"), description=f"Plank {i + 1}",
                    taxes=[Tax("VAT", Decimal(21))]) for i in range(lines)],
        **kw,  # type: ignore[arg-type]
    )
