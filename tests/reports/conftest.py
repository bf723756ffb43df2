"""Fixtures for report tests: a real SQLite desk with Unicode data, lots and certificates."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from orderdesk.core import Address, Contact, Desk, Line, Order, Tax, create_company, open_store
from orderdesk.core.inventory import Lot
from orderdesk.core.tx import Actor

VAT = [Tax("VAT", Decimal(21), "standard", "VAT")]
# One name per script the reports must carry: Polish, German, Czech, Greek, Cyrillic.
NAMES = ("Łódź Stal Wiśniewski", "Müller Großhandel", "Žďárské strojírny Dvořák",
         "Παπαδόπουλος Τεχνική", "Дмитрий Иванов Металл")


@pytest.fixture
def rdesk(tmp_path: Path) -> Desk:
    store = open_store(tmp_path / "reports.sqlite3")
    company = create_company(store, "Nordhaven Metals s.r.o.", "EUR")
    desk = Desk(store, company.id, Actor("jana", "Jana Nováková"))
    desk.catalog.create_customers([(f"C{i}", n) for i, n in enumerate(NAMES, 1)])
    return desk


def make_order(desk: Desk, lines: int = 3, *, customer: str = "C1", currency: str = "",
               description: str = "Steel plate S355J2+N 10 mm, cut to size") -> Order:
    doc = Order(
        customer_code=customer, order_date=date(2026, 3, 14), currency=currency,
        delivery_date=date(2026, 4, 1), customer_reference="PO-Ωμέγα-77",
        notes="Zertifikate 3.1 mit der Lieferung. Сертификаты обязательны.",
        lines=[Line(item_code=f"ITEM-{i:03d}", quantity=Decimal(10 + i), unit="kg",
                    unit_price=Decimal("1234.5675") if i == 1 else Decimal("1.45"),
                    description=f"{description} #{i}", taxes=list(VAT))
               for i in range(1, lines + 1)],
        addresses=[Address("Delivery", name="Zofia Wiśniewska", street="Długa 12",
                           city="Gdańsk", postal_code="80-001", country="PL"),
                   Address("Invoice", name="Κώστας Νικολάου", street="Λεωφόρος Νίκης 3",
                           city="Θεσσαλονίκη", postal_code="546 21", country="GR")],
        contacts=[Contact("orders@example.com", "Email", name="Jürgen Weiß")])
    return desk.orders.create(doc)


@dataclass
class Pdf:
    data: bytes

    @property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.data))

    def texts(self) -> list[str]:
        return [p.extract_text() for p in self.reader.pages]

    def text(self) -> str:
        return "\n".join(self.texts())

    def outline_titles(self) -> list[str]:
        out: list[str] = []

        def walk(items: list[object]) -> None:
            for it in items:
                if isinstance(it, list):
                    walk(it)
                else:
                    out.append(str(it.title))  # type: ignore[attr-defined]

        walk(self.reader.outline)
        return out

    def fonts(self) -> set[str]:
        names: set[str] = set()
        for page in self.reader.pages:
            res = page.get("/Resources")
            fonts = res.get_object().get("/Font") if res else None
            for f in (fonts.get_object().values() if fonts else []):
                names.add(str(f.get_object()["/BaseFont"]))
        return names


def add_lot(desk: Desk, code: str, heat: str, qty: str = "1000", unit: str = "kg") -> Lot:
    return desk.inventory.save(Lot(item_code=code, name=f"Lot of {code}", lot=heat,
                                   quantity=Decimal(qty), unit=unit, location="Hall A"))
