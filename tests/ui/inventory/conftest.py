"""Inventory fixtures: a desk with an order of three lines and lots, some with certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from orderdesk.core import Desk, Line, Order, Tax
from orderdesk.core.inventory import Lot
from orderdesk.reports.samples import make_certificate_pdf


@dataclass
class Stock:
    desk: Desk
    order: Any  # the order document
    lots: dict[str, Lot]  # by lot number


@pytest.fixture
def stock(ui_desk: Desk) -> Stock:
    d = ui_desk
    d.catalog.create_customers([("ACME", "Acme Stahl GmbH")])
    order = d.orders.create(Order(customer_code="ACME", order_date=date(2026, 5, 4), lines=[
        Line("BAR-40", Decimal(10), Decimal("12.50"), "Round bar Ø40 S355", unit="m",
             taxes=[Tax("VAT", Decimal(21))]),
        Line("BAR-40", Decimal(4), Decimal("12.50"), "Round bar Ø40, second cut", unit="m"),
        Line("PLATE-10", Decimal(2), Decimal("80"), "Plate 10 mm", unit="pcs"),
    ]))
    lots = {}
    for number, item, name, qty, unit, loc in (
            ("H-100", "BAR-40", "Round bar Ø40 S355", "25", "m", "Hall A / 1"),
            ("H-101", "BAR-40", "Round bar Ø40 S355", "6", "m", "Hall A / 2"),
            ("H-200", "PLATE-10", "Plate 10 mm S235", "9", "pcs", "Yard"),
            ("H-300", "TUBE-20", "Tube 20 × 2", "100", "m", "Hall B / 7")):
        lots[number] = d.inventory.save(Lot(item, name, Decimal(qty), lot=number, unit=unit,
                                            location=loc))
    for number in ("H-100", "H-200"):
        d.attachments.add(f"{number}.pdf", make_certificate_pdf(lots[number].name, number),
                          lot=lots[number].id, type="Certificate")
    return Stock(d, order, lots)
