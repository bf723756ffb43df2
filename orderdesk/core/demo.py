"""Realistic demo data, made through the core's own bulk paths (so history is real)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from orderdesk.core.catalog import ItemDoc
from orderdesk.core.db import Store
from orderdesk.core.desk import Desk, companies, create_company
from orderdesk.core.docs import Address, Contact, Line, Order, Payment, Shipment, Surcharge, Tax
from orderdesk.core.inventory import Lot
from orderdesk.core.tx import Actor

Progress = Callable[[int, int], bool]  # (done, total) → False to cancel

_COMPANIES = (("Nordhaven Metals s.r.o.", "EUR"), ("Kowalski Stal Sp. z o.o.", "PLN"))
_FIRST = ("Anna", "Jan", "Petra", "Łukasz", "Jürgen", "Eleni", "Дмитрий", "Zofia", "Tomáš",
          "Sofie", "Marek", "Ines", "Νίκος", "Oskar", "Hana")
_LAST = ("Nowak", "Müller", "Dvořák", "Papadopoulos", "Kowalczyk", "Svoboda", "Schmidt",
         "Иванов", "Novák", "Wiśniewska", "Hansen", "Berg", "Weber", "Horváth", "Kraus")
_FIRMS = ("Stahlbau", "Konstrukce", "Metalworks", "Budownictwo", "Fabrik", "Engineering",
          "Maschinenbau", "Τεχνική", "Profil", "Werkzeug", "Montáže", "Industrie")
_CITIES = (("Brno", "CZ", "602 00"), ("Kraków", "PL", "30-001"), ("München", "DE", "80331"),
           ("Wien", "AT", "1010"), ("Θεσσαλονίκη", "GR", "546 21"), ("Gdańsk", "PL", "80-001"),
           ("Ostrava", "CZ", "702 00"), ("Leipzig", "DE", "04109"))
_STREETS = ("Hlavní", "Długa", "Hauptstraße", "Industriestraße", "Nádražní", "Portowa",
            "Ringstraße", "Λεωφόρος Νίκης")
_PRODUCTS = (
    ("PLANK-2x4", "Pine plank 2×4, planed, kiln dried", "m", "3.20", "0.0020"),
    ("STEEL-S355-10", "Steel plate S355J2+N 10 mm, cut to size", "kg", "1.45", "1"),
    ("STEEL-S235-6", "Steel sheet S235JR 6 mm", "kg", "1.18", "1"),
    ("TUBE-40x40x3", "Square tube 40×40×3 mm, EN 10219", "m", "6.90", "3.41"),
    ("ANGLE-50x5", "Equal angle 50×5 mm, hot rolled", "m", "4.75", "3.77"),
    ("BOLT-M12x60", "Hex bolt M12×60, 8.8, zinc plated", "pcs", "0.38", "0.068"),
    ("NUT-M12", "Hex nut M12, class 8, zinc plated", "pcs", "0.07", "0.016"),
    ("ROD-AL-20", "Aluminium round bar EN AW-6082 Ø20 mm", "m", "8.40", "0.85"),
    ("PIPE-CU-22", "Copper pipe Ø22×1 mm, half hard", "m", "11.20", "0.59"),
    ("BEAM-HEB200", "Beam HEB 200, S275JR", "m", "58.00", "61.3"),
    ("WIRE-SS-2", "Stainless wire 1.4301 Ø2 mm", "kg", "7.90", "1"),
    ("GRATING-30", "Press-locked grating 30×3, galvanised", "m2", "42.50", "24"),
    ("FLANGE-DN50", "Weld neck flange DN50 PN16", "pcs", "14.30", "2.2"),
    ("CHAIN-8", "Lifting chain grade 80, 8 mm", "m", "9.60", "1.4"),
    ("PAINT-RAL7016", "Primer RAL 7016, 5 l can", "pcs", "36.00", "6.5"),
)
_VAT = {"EUR": ("VAT", Decimal(21)), "PLN": ("VAT", Decimal(23))}
_STATUSES = ("pending",) * 5 + ("paid",) * 2 + ("shipped",) * 2 + ("delivered", "done",
                                                                  "cancelled", "returned")


def generate(store: Store, orders: int, *, seed: int = 7, actor: Actor | None = None,
             progress: Progress | None = None, batch: int = 2000) -> dict[str, int]:
    """Fills the database; returns counts. Two companies: most orders go to the first."""
    rnd = random.Random(seed)
    counts = {"companies": 0, "customers": 0, "items": 0, "orders": 0, "lines": 0, "lots": 0,
              "reservations": 0}
    existing = {c.name: c for c in companies(store)}
    plan = [(_COMPANIES[0], orders - orders // 10), (_COMPANIES[1], orders // 10)]
    done = 0
    for (name, currency), n in plan:
        if n <= 0 and name != _COMPANIES[0][0]:
            continue
        company = existing.get(name) or create_company(store, name, currency)
        counts["companies"] += 1
        desk = Desk(store, company.id, actor or Actor("demo", "Demo data"))
        counts["customers"] += _customers(desk, rnd, max(20, min(2000, n // 40 + 20)))
        counts["items"] += _items(desk, currency)
        custs = [c.code for c in desk.catalog.customers(limit=100000)]
        start = date(2026, 11, 26) - timedelta(days=730)
        for first in range(0, n, batch):
            size = min(batch, n - first)
            docs = [_order(rnd, custs, currency, start) for _ in range(size)]
            desk.orders.create_many(docs)
            counts["orders"] += size
            counts["lines"] += sum(len(d.lines) for d in docs)
            done += size
            if progress and progress(done, orders) is False:
                return counts
        lots, res = _inventory(desk, rnd, n)
        counts["lots"] += lots
        counts["reservations"] += res
        _activity(desk, rnd, min(200, max(5, n // 50)))
    return counts


def _customers(desk: Desk, rnd: random.Random, n: int) -> int:
    rows = []
    for i in range(1, n + 1):
        firm = f"{rnd.choice(_LAST)} {rnd.choice(_FIRMS)}"
        rows.append((f"C{i:05d}", firm))
    created = desk.catalog.create_customers(rows)
    # a few customers with default addresses and contacts (copied into new orders)
    from orderdesk.core.catalog import CustomerDoc

    for code, firm in rows[:10]:
        city, country, pc = rnd.choice(_CITIES)
        desk.catalog.save_customer(CustomerDoc(
            code, firm, organisation_id=f"{country}{rnd.randint(10000000, 99999999)}",
            addresses=[{"kind": "Invoice", "name": firm, "street": f"{rnd.choice(_STREETS)} "
                        f"{rnd.randint(1, 180)}", "city": city, "postal_code": pc,
                        "country": country}],
            contacts=[{"kind": "Email", "value": f"orders@{code.lower()}.example"}]))
    return created


def _items(desk: Desk, currency: str) -> int:
    name, rate = _VAT[currency]
    for code, desc, unit, price, weight in _PRODUCTS:
        desk.catalog.save_item(ItemDoc(code, desc, unit, Decimal(price),
                                       [Tax(name, rate, "standard", "VAT")], Decimal(weight)))
    return len(_PRODUCTS)


def _order(rnd: random.Random, custs: list[str], currency: str, start: date) -> Order:
    vat_name, vat = _VAT[currency]
    od = start + timedelta(days=rnd.randint(0, 729))
    lines = []
    for _ in range(rnd.choice((1, 2, 3, 4, 5, 5, 6, 7, 8, 9))):
        code, desc, unit, price, _w = rnd.choice(_PRODUCTS)
        taxes = [Tax(vat_name, vat, "standard", "VAT")]
        if rnd.random() < 0.1:
            taxes.append(Tax("Eco", Decimal("0.5"), "environment", "levy"))
        lines.append(Line(
            item_code=code if rnd.random() > 0.03 else f"FREE-{rnd.randint(1, 99)}",
            description=desc, unit=unit,
            quantity=Decimal(rnd.choice((1, 2, 5, 10, 12, 25, 40, 100, 250))),
            unit_price=Decimal(price) * Decimal(rnd.choice(("1", "1", "0.95", "1.1"))),
            discount=Decimal(rnd.choice((0, 0, 0, 2, 5, 10))), taxes=taxes))
    city, country, pc = rnd.choice(_CITIES)
    person = f"{rnd.choice(_FIRST)} {rnd.choice(_LAST)}"
    r = rnd.random()
    stage = "draft" if r < 0.55 else "sent" if r < 0.92 else "archived"
    # Fulfilment follows the document: drafts are mostly pending, archived ones finished.
    status = (rnd.choice(("pending",) * 8 + ("paid", "cancelled")) if stage == "draft"
              else rnd.choice(("done", "done", "delivered", "cancelled")) if stage == "archived"
              else rnd.choice(_STATUSES))
    doc = Order(
        customer_code=rnd.choice(custs), order_date=od, currency=currency,
        delivery_date=od + timedelta(days=rnd.randint(3, 45)) if rnd.random() < 0.8 else None,
        customer_reference=f"PO-{rnd.randint(10000, 99999)}" if rnd.random() < 0.7 else "",
        site=rnd.choice(("Main warehouse", "Yard B", "Port terminal", "")),
        notes=rnd.choice(("", "", "Deliver before noon.", "Call before delivery.",
                          "Certificates 3.1 required with delivery.")),
        status=status, stage=stage, lines=lines,
        addresses=[Address("Delivery", name=person, street=f"{rnd.choice(_STREETS)} "
                           f"{rnd.randint(1, 180)}", city=city, postal_code=pc, country=country)],
        contacts=[Contact(f"+{rnd.randint(30, 49)} {rnd.randint(100000000, 999999999)}",
                          "PhoneNumber", name=person)],
    )
    if rnd.random() < 0.4:
        doc.surcharges.append(Surcharge(Decimal(rnd.choice(("25", "45", "80", "120"))),
                                        "Shipping", taxes=[Tax(vat_name, vat)]))
    if rnd.random() < 0.05:
        doc.surcharges.append(Surcharge(Decimal("15"), "Custom", "Cutting service",
                                        taxes=[Tax(vat_name, vat)]))
    if status in ("paid", "shipped", "delivered", "done"):
        from orderdesk.core.money import compute_totals

        total = compute_totals(currency, doc.lines, doc.surcharges).grand_total
        doc.payments.append(Payment(total, od + timedelta(days=2), method=rnd.choice(
            ("transfer", "transfer", "credit card", "cash")), currency=currency,
            reference=f"BANK-{rnd.randint(100000, 999999)}"))
    if status in ("shipped", "delivered", "done", "returned"):
        doc.shipments.append(Shipment(rnd.choice(("DHL", "DPD", "GLS", "Own truck")),
                                      f"JD{rnd.randint(10**11, 10**12 - 1)}",
                                      od + timedelta(days=3),
                                      od + timedelta(days=5) if status != "shipped" else None))
    return doc


def _inventory(desk: Desk, rnd: random.Random, n: int) -> tuple[int, int]:
    """Stock lots per product, and reservations of some open orders' lines."""
    lots = []
    for code, desc, unit, _p, _w in _PRODUCTS:
        for k in range(3):
            lots.append(desk.inventory.save(Lot(
                item_code=code, name=desc, lot=f"H{rnd.randint(10000, 99999)}-{k + 1}",
                quantity=Decimal(rnd.choice((500, 1000, 2500, 5000))), unit=unit,
                location=rnd.choice(("Hall A", "Hall B", "Yard", "Rack 12")))))
    by_code: dict[str, list[Lot]] = {}
    for lot in lots:
        by_code.setdefault(lot.item_code, []).append(lot)
    from orderdesk.core.listing import OrderQuery

    reserved = 0
    for uuid in desk.listing.uuids(OrderQuery(stages=("draft", "sent")), limit=min(60, n)):
        order = desk.orders.get(uuid)
        if order.status == "cancelled":
            continue
        for line in order.lines[:-1] if len(order.lines) > 1 else []:  # leave a line open
            candidates = by_code.get(line.item_code)
            if not candidates:
                continue
            lot = rnd.choice(candidates)
            try:
                desk.inventory.reserve(line.id, lot.id,  # type: ignore[arg-type]
                                       line.quantity)
                reserved += 1
            except Exception:  # noqa: BLE001 - demo: a lot running short is fine
                continue
    return len(lots), reserved


def _activity(desk: Desk, rnd: random.Random, n: int) -> None:
    """Edits, status moves, deletions: the history a working desk leaves."""
    from orderdesk.core.listing import OrderQuery

    drafts = desk.listing.uuids(OrderQuery(stages=("draft",)), limit=n)
    for uuid in drafts[: n // 2]:
        o = desk.orders.get(uuid)
        o.lines[0].quantity += 1
        o.notes = (o.notes + " Customer asked for an extra piece.").strip()
        desk.orders.update(o)
    for uuid in drafts[n // 2 : n // 2 + 3]:
        desk.orders.delete([uuid])
    for uuid in drafts[n // 2 + 3 : n // 2 + 6]:
        try:
            desk.lifecycle.upgrade_to_invoice(uuid)
        except Exception:  # noqa: BLE001
            continue
