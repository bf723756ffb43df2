"""Plain documents the core reads and writes: an order with its children.

The same classes serve input (create/update) and output (get); fields the core
computes (number on create, totals, versions, timestamps) are ignored on input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from orderdesk.core.money import ZERO, Totals

STAGES = ("draft", "sent", "archived")
ADDRESS_KINDS = ("Delivery", "Invoice", "Other", "Custom")
CONTACT_KINDS = ("PhoneNumber", "MobileNumber", "Email", "Custom")
SURCHARGE_KINDS = ("Shipping", "Handling", "Payment", "Custom")
ATTACHMENT_TYPES = ("Invoice", "DeliveryNote", "CreditNote", "Certificate", "Custom")
PAYMENT_METHODS = ("cash", "debit card", "credit card", "check", "transfer", "other")
PAYMENT_STATUSES = ("pending", "processed", "failed")


@dataclass
class Tax:
    name: str
    rate: Decimal
    group: str = ""
    type: str = ""


@dataclass
class Line:
    item_code: str
    quantity: Decimal
    unit_price: Decimal = ZERO
    description: str = ""
    unit: str = "pcs"
    discount: Decimal = ZERO
    taxes: list[Tax] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    id: str | None = None
    position: int | None = None
    active: bool = True
    # computed on read
    weight: Decimal = ZERO
    subtotal: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total: Decimal = ZERO
    in_catalogue: bool = True
    reserved: Decimal = ZERO

    def label(self, index: int | None = None) -> str:
        pos = self.position if index is None else index
        return f"Line {pos} · {self.item_code}"


@dataclass
class Address:
    kind: str = "Delivery"
    label: str = ""
    name: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    id: str | None = None


@dataclass
class Contact:
    value: str
    kind: str = "Email"
    label: str = ""
    name: str = ""
    id: str | None = None


@dataclass
class Surcharge:
    amount: Decimal
    kind: str = "Shipping"
    label: str = ""
    taxes: list[Tax] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    id: str | None = None
    active: bool = True


@dataclass
class Payment:
    amount: Decimal
    date: date
    method: str = "transfer"
    method_name: str = ""
    status: str = "processed"
    testing: bool = False
    currency: str = ""
    gateway: str = ""
    gateway_data: str = ""
    reference: str = ""
    error: str = ""
    id: str | None = None

    @property
    def counts(self) -> bool:
        return self.status == "processed" and not self.testing


@dataclass
class Shipment:
    carrier: str = ""
    tracking_number: str = ""
    shipped_at: date | None = None
    delivered_at: date | None = None
    id: str | None = None


@dataclass
class Order:
    customer_code: str
    order_date: date
    currency: str = ""
    lines: list[Line] = field(default_factory=list)
    reference: str | None = None
    customer_reference: str = ""
    delivery_date: date | None = None
    site: str = ""
    notes: str = ""
    status: str | None = None
    stage: str = "draft"
    addresses: list[Address] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    surcharges: list[Surcharge] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    id: str | None = None
    number: str | None = None
    # read-only on input
    customer_name: str = ""
    active: bool = True
    version: int = 0
    created_at: datetime | None = None
    created_by: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""
    payments: list[Payment] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    totals: Totals | None = None
    invoice_number: str | None = None

    @property
    def locked(self) -> bool:
        return self.stage != "draft"

    def copy(self) -> Order:
        import copy

        return copy.deepcopy(self)


def header_fields(o: Order) -> dict[str, object]:
    """The order's own editable fields, as history compares them."""
    return {
        "reference": o.reference or "",
        "customer_reference": o.customer_reference,
        "customer_code": o.customer_code,
        "customer_name": o.customer_name,
        "order_date": o.order_date,
        "delivery_date": o.delivery_date,
        "site": o.site,
        "currency": o.currency,
        "notes": o.notes,
    }


def line_fields(line: Line) -> dict[str, object]:
    from orderdesk.core.money import format_taxes

    return {
        "position": line.position,
        "item_code": line.item_code,
        "description": line.description,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "discount": line.discount,
        "taxes": format_taxes(line.taxes),
        "attributes": _attrs(line.attributes),
    }


def _attrs(d: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(d.items()))


__all__ = [
    "Tax", "Line", "Address", "Contact", "Surcharge", "Payment", "Shipment", "Order",
    "header_fields", "line_fields", "replace",
]


def snapshot_bytes(order: Order) -> bytes:
    """The archived copy of a document: compact JSON, zlib-compressed."""
    import dataclasses
    import json
    import zlib

    text = json.dumps(dataclasses.asdict(order), default=str, ensure_ascii=False,
                      separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def snapshot_load(blob: bytes) -> dict[str, object]:
    import json
    import zlib

    return dict(json.loads(zlib.decompress(bytes(blob)).decode("utf-8")))
