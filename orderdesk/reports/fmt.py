"""Locale-aware text for reports: money in the currency's decimals, quantities, dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from babel import Locale, UnknownLocaleError, default_locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_precision

from orderdesk.core.money import SCALE


def system_locale() -> str:
    """The user's locale from the environment (LC_ALL, LANG, ...), else en_GB."""
    name = default_locale("LC_ALL") or default_locale("LC_MONETARY") or "en_GB"
    if name in ("C", "POSIX") or name.endswith("_POSIX"):  # C.UTF-8 → en_US_POSIX: no grouping
        return "en_GB"
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return "en_GB"
    return name


@dataclass(frozen=True)
class Fmt:
    """Formats values for one report in one locale."""

    locale: str = field(default_factory=system_locale)

    def money(self, value: Decimal, currency: str) -> str:
        """An amount in the currency's own decimals (JPY 0, EUR 2, KWD 3)."""
        return format_currency(value, currency, locale=self.locale)

    def price(self, value: Decimal, currency: str) -> str:
        """A unit price: the currency's decimals at least, up to the stored four when needed."""
        digits = get_currency_precision(currency)
        exp = -value.normalize().as_tuple().exponent  # type: ignore[operator]
        if exp <= digits:
            return self.money(value, currency)
        return format_currency(value.quantize(Decimal(1).scaleb(-min(exp, SCALE))), currency,
                               locale=self.locale, decimal_quantization=False)

    def number(self, value: Decimal) -> str:
        """A quantity or weight without trailing zeros, grouped as the locale does."""
        return format_decimal(value.normalize() if value else Decimal(0), locale=self.locale,
                              decimal_quantization=False)

    def percent(self, value: Decimal) -> str:
        return f"{self.number(value)} %"

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value.astimezone(), "medium", locale=self.locale)
        return format_date(value, "medium", locale=self.locale)


def para(text: object) -> str:
    """Plain text made safe for a reportlab Paragraph (markup escaped, newlines kept)."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")
