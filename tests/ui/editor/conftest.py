"""Fixtures of the editor tests: a desk with customers and items, an editor factory."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from orderdesk.core import Address, Desk, Line, Order, Tax
from orderdesk.core.catalog import CustomerDoc, ItemDoc
from orderdesk.core.recovery import RecoveryStore
from orderdesk.ui.editor.window import OrderEditor
from orderdesk.ui.fmt import Formatter

from ..conftest import Answers

VAT = [Tax("VAT", Decimal(21))]


def stock_desk(desk: Desk) -> Desk:
    """Two customers (one with default addresses) and three catalogue items."""
    desk.catalog.save_customer(CustomerDoc("C1", "Acme Steel", addresses=[
        {"kind": "Invoice", "name": "Acme Steel", "street": "1 Forge Rd", "city": "Leeds",
         "country": "GB"}]))
    desk.catalog.save_customer(CustomerDoc("C2", "Zebra Werkzeug"))
    desk.catalog.save_item(ItemDoc("BOLT-M12", "Hex bolt M12", "pcs", Decimal("0.35"), VAT))
    desk.catalog.save_item(ItemDoc("PLANK-2x4", "Pine plank 2×4", "m", Decimal("3.20"),
                                   VAT + [Tax("Eco", Decimal("0.5"))]))
    desk.catalog.save_item(ItemDoc("PIPE-CU-22", "Copper pipe 22 mm", "m", Decimal("7.95"), VAT))
    return desk


def sample_order(lines: int = 3, **kw: Any) -> Order:
    return Order(customer_code="C1", order_date=date(2026, 3, 2), lines=[
        Line("BOLT-M12", Decimal(10 + i), Decimal("0.35"), f"Bolt {i + 1}", taxes=list(VAT))
        for i in range(lines)], addresses=[Address("Delivery", name="Yard", city="York")], **kw)


@pytest.fixture
def edesk(ui_desk: Desk) -> Desk:
    return stock_desk(ui_desk)


@pytest.fixture
def recovery(tmp_path: Path) -> RecoveryStore:
    return RecoveryStore(tmp_path / "recovery")


@pytest.fixture
def open_editor(qtbot: Any, edesk: Desk, answers: Answers, recovery: RecoveryStore
                ) -> Iterator[Callable[..., OrderEditor]]:
    made: list[OrderEditor] = []

    def make(order: Order | str | None = None, **kw: Any) -> OrderEditor:
        if isinstance(order, str):
            order = edesk.orders.get(order)
        e = OrderEditor(edesk, order, fmt=Formatter("en_US"), ui=answers, recovery=recovery,
                        **kw)
        e.prompts.unsaved = lambda *_a: "discard"  # type: ignore[method-assign]
        qtbot.addWidget(e)
        e.show()
        qtbot.waitExposed(e)
        made.append(e)
        return e

    yield make
    for e in made:
        try:
            e.doc.stack.setClean()
            e.close()
        except RuntimeError:  # already deleted on close
            pass
