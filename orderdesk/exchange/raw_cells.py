"""Export cells straight from stored rows: fixed-point numbers, timestamps and text, no Decimals."""

# Each function gives exactly what the record-based path gives (`order_text`, `line_text`,
# `excel_number`, `excel_time` over `bulk.order_records` / `line_records`), at a fraction of
# the cost: a 500,000-line export formats millions of cells (tests/exchange/test_fast_paths).

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator

from orderdesk.core.bulk import line_rows, order_chunks, order_rows
from orderdesk.core.fields import ts_parse
from orderdesk.core.listing import OrderQuery
from orderdesk.exchange.columns import FORMULA_TRIGGERS, Progress, check_progress, neutralise

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk
    from orderdesk.exchange.export import Selection

CHUNK = 1000  # orders per query: a few MB of rows at most, whatever the export size
_FIRST = frozenset(FORMULA_TRIGGERS | {"'"})  # first characters neutralise may change
_FORMATTED: dict[tuple[tuple[str, int], ...], str] = {}


def fixed_text(v: int | None) -> str:
    """A stored fixed-point value as `plain(from_fixed(v))`: 12.5, -0.0005, 3."""
    if not v:
        return "0"
    whole, frac = divmod(-v if v < 0 else v, 10000)
    sign = "-" if v < 0 else ""
    if not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:04d}".rstrip("0")


def fixed_number(v: int | None) -> int | float:
    """`excel_number(from_fixed(v))`: whole values as int, others as the nearest float."""
    if not v:
        return 0
    whole, frac = divmod(v, 10000)
    return whole if not frac else v / 10000  # int / int rounds correctly, as float(Decimal)


def text(value: str | None) -> str:
    """`neutralise` with a quick look at the first character first."""
    if not value:
        return ""
    return neutralise(value) if value[0] in _FIRST else value


def day_text(value: Any) -> str:
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def day(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(value) if isinstance(value, str) else value


def _is_stored_ts(value: Any) -> bool:
    # The core writes UTC as 'YYYY-MM-DD HH:MM:SS.ffffff'; anything else takes the long way.
    return (isinstance(value, str) and len(value) in (19, 26) and value[10] == " "
            and (len(value) == 19 or value[19] == "."))


def ts_text(value: Any) -> str:
    """The CSV form of a stored timestamp: `2026-03-01T09:30:00Z` (UTC, whole seconds)."""
    if not value:
        return ""
    if _is_stored_ts(value):
        return f"{value[:10]}T{value[11:19]}Z"
    parsed = ts_parse(value)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if parsed else ""


def ts_cell(value: Any) -> datetime | None:
    """The XLSX form of a stored timestamp: naive UTC (Excel has no time zones)."""
    if not value:
        return None
    if _is_stored_ts(value):
        return datetime.fromisoformat(value)
    parsed = ts_parse(value)
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed else None


def taxes_text(taxes: list[tuple[str, int]] | None) -> str:
    """`format_taxes` of (name, fixed rate) pairs: `VAT 21%; Eco 0.5%`."""
    if not taxes:
        return ""
    key = tuple(taxes)
    got = _FORMATTED.get(key)
    if got is None:
        got = "; ".join(f"{name} {fixed_text(rate)}%" for name, rate in taxes)
        if len(_FORMATTED) < 4096:  # few distinct tax lists exist; bounded all the same
            _FORMATTED[key] = got
    return got


def order_csv(r: tuple[Any, ...]) -> list[str]:
    """An orders.csv row from a `bulk.EXPORT_ORDER_COLS` row (as `export.order_text`)."""
    t, f = text, fixed_text
    return [
        r[1], t(r[2]), t(r[3]), t(r[4]), t(r[5]), t(r[6]), day_text(r[7]), day_text(r[8]),
        t(r[9]), r[10], r[11], t(r[12]), t(r[13]), "true" if r[14] else "false", str(r[15]),
        f(r[16]), f(r[17]), f(r[18]), f(r[19]), f(r[20]), f(r[21]), f(r[22]), ts_text(r[23]),
        ts_text(r[24]),
    ]


def line_csv(r: tuple[Any, ...], taxes: dict[int, list[tuple[str, int]]]) -> list[str]:
    """An order-line-items.csv row from a `bulk.EXPORT_LINE_COLS` row (as `line_text`)."""
    t, f = text, fixed_text
    return [
        r[1], r[2], t(r[3]), str(r[5]), t(r[6]), t(r[7]), f(r[8]), t(r[9]), f(r[10]), f(r[11]),
        t(taxes_text(taxes.get(r[0]))), "true" if r[12] else "false", f(r[13]), f(r[14]),
        f(r[15]),
    ]


def iter_rows(desk: Desk, selection: Selection, progress: Progress | None,
              with_lines: bool = True
              ) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]],
                              dict[int, list[tuple[str, int]]]]]:
    """Chunks of (order rows, their line rows, taxes by line id); `progress(done, total)`."""
    if selection is None:
        selection = OrderQuery(stages=())
    if isinstance(selection, OrderQuery):
        total = desk.listing.count(selection)
        chunks: Iterator[tuple[list[tuple[Any, ...]], int]] = (
            (rows, len(rows)) for rows in order_chunks(desk, selection, CHUNK))
    else:
        ids = list(dict.fromkeys(selection))
        total = len(ids)
        chunks = ((order_rows(desk, ids[i:i + CHUNK]), len(ids[i:i + CHUNK]))
                  for i in range(0, len(ids), CHUNK))
    done = 0
    check_progress(progress, 0, total)
    for orders, asked in chunks:
        lines, taxes = line_rows(desk, [r[0] for r in orders]) if with_lines else ([], {})
        yield orders, lines, taxes
        done += asked
        check_progress(progress, done, total)


__all__ = ["fixed_number", "fixed_text", "iter_rows", "line_csv", "order_csv", "taxes_text",
           "ts_cell", "ts_text"]
