"""Money rules: Decimal only, half-up rounding to the currency's minor unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable, Protocol, Sequence

from babel.numbers import get_currency_precision, list_currencies

ZERO = Decimal(0)
_ONE = Decimal(1)
HUNDRED = Decimal(100)
# Stored fixed-point scale: quantities, prices, rates and amounts keep four decimals.
SCALE = 4
_QUANT = Decimal(1).scaleb(-SCALE)
# Values below 10**20 quantize to SCALE decimals within the default 28-digit precision.
_QUANT_SAFE = 20


@lru_cache(maxsize=None)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=None)
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency, e.g. 0.01 for EUR, 1 for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(value: Decimal, currency: str) -> Decimal:
    return value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal:
    """Converts text or Decimal to Decimal; floats are refused so none leak in."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money and quantities must be Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not d.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return d
    raise TypeError(f"cannot use {type(value).__name__} as a number")


def fits_scale(value: Decimal) -> bool:
    if not value.is_finite():
        return False
    return _fits_scale(value)


@lru_cache(maxsize=8192)
def _fits_scale(value: Decimal) -> bool:
    """Cached: an import or a demo checks the same few prices and quantities again and again
    (2.5 and 2.50 hash alike and fit alike)."""
    if value.adjusted() < _QUANT_SAFE:
        # Quantized to four decimals the value still fits the context's digits, so one
        # comparison answers; as_tuple() builds a tuple of every digit (7× slower).
        return value == value.quantize(_QUANT)
    exp = value.as_tuple().exponent
    return (isinstance(exp, int) and exp >= -SCALE) or value == value.quantize(_QUANT)


def to_fixed(value: Decimal) -> int:
    """Decimal → stored integer (four decimals); exact, sortable, portable."""
    scaled = value.scaleb(SCALE)
    whole = int(scaled)
    if whole == scaled:  # the common case: validated values have at most four decimals
        return whole
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def from_fixed(value: int | None) -> Decimal:
    if not value:
        return ZERO
    return _from_fixed(value)


@lru_cache(maxsize=1 << 16)
def _from_fixed(value: int) -> Decimal:
    """Cached: Decimals are immutable, and prices, rates and quantities repeat a lot."""
    # Built from text: the same value and exponent as trim(), twice as fast (a 1,000-line
    # order reads 12,000 of these on every open and save).
    whole, frac = divmod(abs(value), 10**SCALE)
    sign = "-" if value < 0 else ""
    if not frac:
        return Decimal(f"{sign}{whole}")
    return Decimal(f"{sign}{whole}.{frac:0{SCALE}d}".rstrip("0"))


def trim(d: Decimal) -> Decimal:
    """Drops trailing zeros without switching to exponent notation (250, not 2.5E+2)."""
    n = d.normalize()
    return n.quantize(Decimal(1)) if n.as_tuple().exponent > 0 else n  # type: ignore[operator]


def money_text(value: Decimal, currency: str) -> str:
    """An amount with exactly the currency's decimals, e.g. `1293.10` (no grouping)."""
    return format(round_money(value, currency), "f")


class TaxLike(Protocol):
    name: str
    rate: Decimal


class LineLike(Protocol):
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    taxes: Sequence[TaxLike]
    active: bool


class SurchargeLike(Protocol):
    kind: str
    amount: Decimal
    taxes: Sequence[TaxLike]
    active: bool


@dataclass(frozen=True)
class Amounts:
    """One line's or surcharge's rounded figures."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal
    taxes: tuple[tuple[str, Decimal, Decimal], ...] = ()  # (name, rate, amount)


def line_amounts(line: LineLike, currency: str) -> Amounts:
    unit = minor_unit(currency)
    # Without a discount the factor is exactly 1: skipping it gives the same rounded
    # figures (bulk imports compute hundreds of thousands of these).
    gross = (line.quantity * line.unit_price * (1 - line.discount / HUNDRED) if line.discount
             else line.quantity * line.unit_price * _ONE)
    return _taxed(gross.quantize(unit, rounding=ROUND_HALF_UP), line.taxes, unit)


def surcharge_amounts(s: SurchargeLike, currency: str) -> Amounts:
    unit = minor_unit(currency)
    return _taxed(s.amount.quantize(unit, rounding=ROUND_HALF_UP), s.taxes, unit)


def _taxed(subtotal: Decimal, taxes: Iterable[TaxLike], unit: Decimal) -> Amounts:
    parts = tuple([
        (t.name, t.rate, (subtotal * t.rate / HUNDRED).quantize(unit, rounding=ROUND_HALF_UP))
        for t in taxes
    ])
    tax = ZERO
    for p in parts:
        tax += p[2]
    return Amounts(subtotal, tax, subtotal + tax, parts)


@dataclass(frozen=True)
class TaxBucket:
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    """Everything the order shows about money; each figure a sum of rounded parts."""

    currency: str
    products_subtotal: Decimal = ZERO
    products_tax: Decimal = ZERO
    products_total: Decimal = ZERO
    shipping_total: Decimal = ZERO
    surcharges_subtotal: Decimal = ZERO
    surcharges_tax: Decimal = ZERO
    surcharges_total: Decimal = ZERO
    net_subtotal: Decimal = ZERO
    tax_total: Decimal = ZERO
    grand_total: Decimal = ZERO
    paid: Decimal = ZERO
    balance: Decimal = ZERO
    is_paid: bool = False
    total_quantity: Decimal = ZERO
    line_count: int = 0
    tax_breakdown: tuple[TaxBucket, ...] = field(default=())


def compute_totals(
    currency: str,
    lines: Iterable[LineLike],
    surcharges: Iterable[SurchargeLike] = (),
    paid: Decimal = ZERO,
    line_figures: Sequence[Amounts] | None = None,
    breakdown: bool = True,
) -> Totals:
    """The order's money; `line_figures` may pass line_amounts already computed per line.

    `breakdown=False` leaves `tax_breakdown` empty for callers that only store the sums
    (bulk create: 100,000 orders).
    """
    buckets: dict[tuple[str, Decimal], list[Decimal]] = {}
    p_sub = p_tax = s_sub = s_tax = ship = qty = ZERO
    count = 0
    for i, line in enumerate(lines):
        if not line.active:
            continue
        a = line_figures[i] if line_figures is not None else line_amounts(line, currency)
        p_sub += a.subtotal
        p_tax += a.tax
        qty += line.quantity
        count += 1
        if breakdown:
            _bucket(buckets, a)
    for s in surcharges:
        if not s.active:
            continue
        a = surcharge_amounts(s, currency)
        s_sub += a.subtotal
        s_tax += a.tax
        if s.kind == "Shipping":
            ship += a.total
        if breakdown:
            _bucket(buckets, a)
    grand = p_sub + p_tax + s_sub + s_tax
    balance = grand - paid
    breakdown = tuple(
        TaxBucket(name, rate, v[0], v[1]) for (name, rate), v in sorted(buckets.items())
    )
    return Totals(
        currency=currency,
        products_subtotal=p_sub,
        products_tax=p_tax,
        products_total=p_sub + p_tax,
        shipping_total=ship,
        surcharges_subtotal=s_sub,
        surcharges_tax=s_tax,
        surcharges_total=s_sub + s_tax,
        net_subtotal=p_sub + s_sub,
        tax_total=p_tax + s_tax,
        grand_total=grand,
        paid=paid,
        balance=balance,
        is_paid=grand > ZERO and balance <= ZERO or (grand == ZERO and paid > ZERO),
        total_quantity=qty,
        line_count=count,
        tax_breakdown=breakdown,
    )


def _bucket(buckets: dict[tuple[str, Decimal], list[Decimal]], a: Amounts) -> None:
    for name, rate, amount in a.taxes:
        b = buckets.setdefault((name, rate.normalize()), [ZERO, ZERO])
        b[0] += a.subtotal
        b[1] += amount


def format_taxes(taxes: Iterable[TaxLike]) -> str:
    """`VAT 21%; Eco 0.5%` — the Taxes column of the lines file."""
    return "; ".join(f"{t.name} {_plain(t.rate)}%" for t in taxes)


def _plain(d: Decimal) -> str:
    return format(trim(d), "f")


def plain(d: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros."""
    return _plain(d) if d != ZERO else "0"


def parse_taxes(text: str) -> list[tuple[str, Decimal]]:
    """The inverse of `format_taxes`; raises ValueError naming the bad part."""
    out: list[tuple[str, Decimal]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, rate = part.rpartition(" ")
        rate = rate.strip()
        if not name.strip() or not rate.endswith("%"):
            raise ValueError(f"tax {part!r} is not 'NAME RATE%' (e.g. VAT 21%)")
        try:
            value = Decimal(rate[:-1])
        except ArithmeticError:
            raise ValueError(f"tax {part!r}: {rate!r} is not a rate") from None
        if not value.is_finite():
            raise ValueError(f"tax {part!r}: {rate!r} is not a rate")
        out.append((name.strip(), value))
    return out
