"""Parsing one row of an orders or lines table into checked values, collecting every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from orderdesk.core import validate as v
from orderdesk.core.docs import STAGES
from orderdesk.core.errors import ValidationError
from orderdesk.exchange import cells
from orderdesk.exchange.columns import parse_taxes
from orderdesk.exchange.reader import Problem


@dataclass(slots=True)
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


def _taxes(value: Any) -> tuple[tuple[str, Decimal], ...]:
    # A tuple: parsed cells may be shared between rows (see parse_rows).
    out = []
    for name, rate in parse_taxes(cells.text(value)):
        v.text(name, "tax name", 40, required=True)
        out.append((name, v.number(rate, "tax rate", maximum=Decimal(100))))
    return tuple(out)


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


# Columns whose cells are parsed once per distinct text and shared by the rows repeating it
# (prices, units, taxes, dates, codes repeat across thousands of rows; ids never do).
_UNIQUE = frozenset({"OrderId", "LineId", "OrderNumber"})
_MEMO_ENTRIES = 10_000  # per column; longer texts are parsed every time
_MEMO_TEXT = 100
_MISS = object()
_BLOCK = 2048  # rows parsed together, a column at a time


def parse_rows(source: str, columns: list[str | None],
               parsers: dict[str, Callable[[Any], Any]], rows: Iterable[tuple[int, list[Any]]],
               problems: list[Problem]) -> Iterator[tuple[int, list[Any], dict[str, Any] | None]]:
    """(row, values, parsed or None) for every row, as `parse_row` would give them.

    The parsers are pure functions of the cell, so a text seen before takes its earlier
    result (a memo per column, for str cells only: True == 1 == 1.0 as keys). Rows are
    taken in blocks and parsed a column at a time; a row with any problem is parsed again
    by `parse_row`, which lists all of them.
    """
    specs = [(i, c, parsers[c], None if c in _UNIQUE else {})
             for i, c in enumerate(columns) if c and c in parsers]
    names = [c for _, c, _, _ in specs]
    width = len(columns)
    it = iter(rows)
    while block := list(islice(it, _BLOCK)):
        cols, bad = _by_column(specs, [v for _, v in block], width)
        tuples = list(zip(*cols))
        for k, (row, v) in enumerate(block):
            if k in bad:
                yield row, v, parse_row(source, columns, parsers, row, v, problems)
            else:
                yield row, v, dict(zip(names, tuples[k])) if cols else {}


def _by_column(specs: list[tuple[int, str, Callable[[Any], Any], dict[Any, Any] | None]],
               values: list[list[Any]], width: int) -> tuple[list[list[Any]], set[int]]:
    """Each column's parsed cells (None where a cell failed) and the rows that failed."""
    bad: set[int] = set()
    rows = []
    for k, v in enumerate(values):
        if len(v) != width:
            if len(v) > width and any(x not in (None, "") for x in v[width:]):
                bad.add(k)  # more cells than columns: parse_row says so
            v = list(v[:width]) + [None] * (width - len(v))
        rows.append(v)
    cols = list(zip(*rows)) if rows else []
    out: list[list[Any]] = []
    for i, _, parse, memo in specs:
        col = cols[i]
        if memo is not None and set(map(type, col)) == {str}:
            got = [memo.get(x, _MISS) for x in col]
            for k in [k for k, x in enumerate(got) if x is _MISS]:
                raw = col[k]
                try:
                    got[k] = parse(raw)
                except Exception:  # noqa: BLE001 - parse_row decides what is a problem
                    bad.add(k)
                    got[k] = None
                    continue
                if len(raw) < _MEMO_TEXT and len(memo) < _MEMO_ENTRIES:
                    memo[raw] = got[k]
        else:
            try:
                got = [parse(x) for x in col]
            except Exception:  # noqa: BLE001 - find the failing rows one by one
                got = []
                for k, x in enumerate(col):
                    try:
                        got.append(parse(x))
                    except Exception:  # noqa: BLE001
                        bad.add(k)
                        got.append(None)
        out.append(got)
    return out, bad
