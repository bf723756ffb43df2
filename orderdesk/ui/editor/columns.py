"""What each editable column holds: its field, how typed text parses, how a value shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any, Callable

from orderdesk.core import validate as v
from orderdesk.core.docs import (
    ADDRESS_KINDS, CONTACT_KINDS, PAYMENT_METHODS, PAYMENT_STATUSES, SURCHARGE_KINDS, Tax,
)
from orderdesk.core.errors import ValidationError
from orderdesk.core.money import format_taxes, minor_unit, plain
from orderdesk.core.paste import number, parse_taxes_cell
from orderdesk.ui.editor.commands import Bad


@dataclass(frozen=True)
class Col:
    """One column: `kind` picks parser, display and delegate."""

    title: str
    field: str
    kind: str = "text"  # text | qty | price | percent | money | date | bool | choice | taxes | attrs
    choices: tuple[str, ...] = ()
    required: bool = False
    max_len: int = 200
    width: int = 0  # a starting width in characters; 0: fit the contents


def parse(col: Col, text: str, old_taxes: list[Tax] | None = None) -> Any:
    """The value typed into a cell, or Bad(text, reason)."""
    try:
        return _parse(col, text, old_taxes or [])
    except ValidationError as e:
        return Bad(text, e.reason)
    except ValueError as e:
        return Bad(text, str(e))


def _parse(col: Col, text: str, old_taxes: list[Tax]) -> Any:
    k, s = col.kind, text.strip()
    if k == "text":
        return v.text(s, col.field, col.max_len, required=col.required)
    if k in ("qty", "price", "money"):
        minimum = -v.MAX_AMOUNT if k == "price" else Decimal(0)
        return v.number(number(s), col.field, minimum=minimum, positive=k == "money")
    if k == "percent":
        return v.percent(number(s.removesuffix("%")) if s else Decimal(0), col.field)
    if k == "date":
        return v.day(s, col.field, required=col.required)
    if k == "choice":
        return v.choice(s, col.field, col.choices)
    if k == "taxes":
        taxes = parse_taxes_cell(s)
        # group and type are not typed in the cell: keep them from the tax they replace
        known = {(t.name, t.rate): t for t in old_taxes}
        return [Tax(t.name, t.rate, known[(t.name, t.rate)].group, known[(t.name, t.rate)].type)
                if (t.name, t.rate) in known else t for t in taxes]
    if k == "attrs":
        return parse_attrs(s)
    if k == "bool":
        return s.lower() in ("1", "true", "yes", "on")
    raise ValueError(f"unknown column kind {k}")


def parse_attrs(text: str) -> dict[str, str]:
    """`colour=red; finish=matt` → {'colour': 'red', 'finish': 'matt'}."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"{part.strip()!r} is not KEY=VALUE")
        out[key.strip()] = value.strip()
    return v.attributes(out)


def attrs_text(d: dict[str, str]) -> str:
    return "; ".join(f"{k}={val}" for k, val in d.items())


def edit_text(col: Col, value: Any) -> str:
    """The text an editor starts from: plain, exact, ISO (what parse reads back)."""
    if isinstance(value, Bad):
        return value.text
    if value is None:
        return ""
    if col.kind in ("qty", "price", "money", "percent"):
        return plain(value)
    if col.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if col.kind == "taxes":
        return format_taxes(value)
    if col.kind == "attrs":
        return attrs_text(value)
    return str(value)


def show_text(col: Col, value: Any, fmt: Any, currency: str) -> str:
    """The text a cell shows: money and numbers formatted for the locale."""
    if isinstance(value, Bad):
        return value.text
    if value is None:
        return ""
    if col.kind == "price":
        return price_text(fmt, value, currency)
    if col.kind == "money":
        return str(fmt.money(value, currency))
    if col.kind == "qty":
        return str(fmt.number(value))
    if col.kind == "percent":
        return f"{fmt.number(value)} %" if value else ""
    if col.kind == "date":
        return str(fmt.date(value))
    if col.kind == "bool":
        return ""
    return edit_text(col, value)


def price_text(fmt: Any, value: Decimal, currency: str) -> str:
    """A unit price as money, keeping decimals beyond the currency's (1.482 shows €1.482,
    not a rounded €1.48 that the line total would then seem to contradict)."""
    minor = minor_unit(currency) if currency else Decimal("0.01")
    if not isinstance(value, Decimal) or value == value.quantize(minor):
        return str(fmt.money(value, currency))
    shown = str(fmt.money(value.quantize(minor, rounding=ROUND_DOWN), currency))
    places = -int(minor.as_tuple().exponent)
    extra = f"{abs(value):f}".partition(".")[2][places:].rstrip("0")
    if not places:  # a currency without decimals (JPY): the separator comes too
        extra = str(fmt.number(Decimal("0.5"))).strip("05") + extra
    last = max(i for i, ch in enumerate(shown) if ch.isdigit())
    return shown[:last + 1] + extra + shown[last + 1:]


LINE_COLUMNS = (
    Col("Item", "item_code", required=True, max_len=60, width=13),
    Col("Description", "description", max_len=2000, width=24),
    Col("Quantity", "quantity", "qty", width=7),
    Col("Unit", "unit", max_len=20, width=4),
    Col("Unit price", "unit_price", "price", width=9),
    Col("Disc. %", "discount", "percent", width=5),
    Col("Taxes", "taxes", "taxes", width=11),
    Col("Attributes", "attributes", "attrs", width=8),
)

PARTY_COLUMNS: dict[str, tuple[Col, ...]] = {
    "address": (
        Col("Kind", "kind", "choice", ADDRESS_KINDS, width=9), Col("Label", "label", max_len=80),
        Col("Name", "name"), Col("Street", "street", max_len=300, width=24),
        Col("City", "city", max_len=100), Col("Postal code", "postal_code", max_len=20),
        Col("Region", "region", max_len=100), Col("Country", "country", max_len=2),
    ),
    "contact": (
        Col("Kind", "kind", "choice", CONTACT_KINDS), Col("Label", "label", max_len=80),
        Col("Name", "name"), Col("Value", "value", required=True, width=28),
    ),
    "surcharge": (
        Col("Kind", "kind", "choice", SURCHARGE_KINDS), Col("Label", "label", max_len=80),
        Col("Amount", "amount", "price", width=12), Col("Taxes", "taxes", "taxes", width=16),
    ),
    "attribute": (
        Col("Key", "key", required=True, max_len=100, width=20),
        Col("Value", "value", max_len=2000, width=40),
    ),
    "payment": (
        Col("Date", "date", "date", required=True, width=12),
        Col("Amount", "amount", "money", width=13),
        Col("Method", "method", "choice", PAYMENT_METHODS),
        Col("Method name", "method_name", max_len=80),
        Col("Status", "status", "choice", PAYMENT_STATUSES, width=10),
        Col("Testing", "testing", "bool"), Col("Reference", "reference", max_len=100, width=18),
        Col("Gateway", "gateway", max_len=80),
    ),
    "shipment": (
        Col("Carrier", "carrier", max_len=80, width=16),
        Col("Tracking number", "tracking_number", max_len=100, width=24),
        Col("Shipped", "shipped_at", "date", width=12),
        Col("Delivered", "delivered_at", "date", width=12),
    ),
}

PARTY_TITLES = {"address": "Addresses", "contact": "Contacts", "surcharge": "Surcharges",
                "attribute": "Attributes", "payment": "Payments", "shipment": "Shipments"}


@dataclass
class Attr:
    """One order attribute as an editable row."""

    key: str
    value: str = ""


Parser = Callable[[Col, str], Any]

__all__ = ["Attr", "Col", "LINE_COLUMNS", "PARTY_COLUMNS", "PARTY_TITLES", "attrs_text",
           "edit_text", "parse", "parse_attrs", "show_text"]
