"""Parsing one row of an orders or lines table into checked values, collecting every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from orderdesk.core import validate as v
from orderdesk.core.docs import STAGES
from orderdesk.core.errors import ValidationError
from orderdesk.exchange import cells
from orderdesk.exchange.columns import parse_taxes
from orderdesk.exchange.reader import Problem


@dataclass
class Row:
    """A parsed row: `given` holds the columns present in the file (a blank cell is None)."""

    file: str
    row: int
    given: dict[str, Any] = field(default_factory=dict)

    def get(self, column: str, default: Any = None) -> Any:
        value = self.given.get(column)
        return default if value is None else value

    def has(self, column: str) -> bool:
        return column in self.given


def _text(field_name: str, limit: int, required: bool = False) -> Callable[[Any], Any]:
    def parse(value: Any) -> str | None:
        t = v.text(cells.text(value), field_name, limit, required=required)
        return t if t != "" else None
    return parse


def _keep_blank(field_name: str, limit: int) -> Callable[[Any], Any]:
    # Notes and descriptions: blank is a value (it clears the text), spaces are kept.
    def parse(value: Any) -> str:
        return v.text(cells.text(value), field_name, limit)
    return parse


def _number(minimum: Decimal | None, maximum: Decimal | None = v.MAX_AMOUNT,
            required: bool = False) -> Callable[[Any], Any]:
    def parse(value: Any) -> Decimal | None:
        d = cells.number(value)
        if d is None:
            if required:
                raise cells.CellError("is required")
            return None
        return v.number(d, "", minimum=minimum, maximum=maximum)
    return parse


def _required_day(value: Any) -> date:
    d = cells.day(value)
    if d is None:
        raise cells.CellError("is required (YYYY-MM-DD)")
    return d


def _currency(value: Any) -> str | None:
    t = cells.text(value).strip()
    return v.currency(t) if t else None


def _stage(value: Any) -> str | None:
    t = cells.text(value).strip().lower()
    return v.choice(t, "", STAGES) if t else None


def _taxes(value: Any) -> list[tuple[str, Decimal]]:
    out = []
    for name, rate in parse_taxes(cells.text(value)):
        v.text(name, "tax name", 40, required=True)
        out.append((name, v.number(rate, "tax rate", maximum=Decimal(100))))
    return out


ORDER_PARSERS: dict[str, Callable[[Any], Any]] = {
    "OrderId": cells.uid,
    "OrderNumber": _text("number", 40),
    "OrderReference": _text("reference", 100),
    "CustomerReference": _text("customer_reference", 100),
    "CustomerCode": _text("customer_code", 40, required=True),
    "CustomerName": _text("customer_name", 200),
    "OrderDate": _required_day,
    "DeliveryDate": cells.day,
    "Site": _text("site", 100),
    "Currency": _currency,
    "Stage": _stage,
    "Status": _text("status", 40),
    "Notes": _keep_blank("notes", 20000),
    "Active": cells.flag,
}
LINE_PARSERS: dict[str, Callable[[Any], Any]] = {
    "LineId": cells.uid,
    "OrderId": cells.uid,
    "OrderReference": _text("reference", 100),
    "Position": cells.integer,
    "ItemCode": _text("item_code", 60, required=True),
    "Description": _keep_blank("description", 2000),
    "Quantity": _number(Decimal(0), required=True),
    "Unit": _text("unit", 20),
    "UnitPrice": _number(-v.MAX_AMOUNT),
    "DiscountPercent": _number(Decimal(0), Decimal(100)),
    "Taxes": _taxes,
    "Active": cells.flag,
}


def _reason(e: Exception) -> str:
    if isinstance(e, ValidationError):
        value = e.value if isinstance(e.value, str) else str(e.value)
        return f"{value!r} {e.reason}" if value not in ("", "None") else e.reason
    return str(e)


def parse_row(source: str, columns: list[str | None], parsers: dict[str, Callable[[Any], Any]],
              row: int, values: list[Any], problems: list[Problem]
              ) -> dict[str, Any] | None:
    """The row's parsed values by column, or None after adding its problems."""
    given: dict[str, Any] = {}
    ok = True
    if len(values) > len(columns) and any(x not in (None, "") for x in values[len(columns):]):
        problems.append(Problem(source, row, "", f"the row has {len(values)} cells but the "
                                f"header only {len(columns)} columns"))
        ok = False
    for i, column in enumerate(columns):
        parse = parsers.get(column) if column else None
        if parse is None:
            continue  # computed columns (totals, timestamps) are accepted and ignored
        raw = values[i] if i < len(values) else None
        try:
            given[column] = parse(raw)  # type: ignore[index]
        except (ValidationError, cells.CellError, ValueError) as e:
            problems.append(Problem(source, row, column or "", _reason(e)))  # type: ignore[arg-type]
            ok = False
    return given if ok else None
