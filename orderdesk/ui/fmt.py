"""Money, dates and times formatted for the user's locale (exact Decimals, never floats)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal


def babel_locale(name: str) -> Locale:
    """The babel locale of a Qt locale name ('de_DE'); 'C' and unknown names mean en_US."""
    try:
        return Locale.parse(name) if name and name not in ("C", "POSIX") else Locale("en", "US")
    except (UnknownLocaleError, ValueError):
        return Locale("en", "US")


class Formatter:
    """Formats values as the list and dialogs show them; cheap to call per cell."""

    def __init__(self, locale_name: str = "en_US") -> None:
        self.locale = babel_locale(locale_name)
        # A locale only has a few date formats; babel's pattern parsing is the slow part.
        self._date_cache: dict[date, str] = {}
        self._money: dict[str, tuple[str, str, Decimal] | None] = {}
        sym = self.locale.number_symbols.get("latn", self.locale.number_symbols)
        self._decimal = str(sym.get("decimal", "."))
        self._group = str(sym.get("group", ","))
        pattern = self.locale.currency_formats["standard"]
        self._grouping = tuple(pattern.grouping)  # (3, 3) mostly; (3, 2) in India

    def money(self, value: Decimal, currency: str) -> str:
        """Same text as babel's format_currency, ~10× faster (the list shows many)."""
        if not currency:
            return self.number(value)
        if currency not in self._money:
            self._money[currency] = self._money_shape(currency)
        shape = self._money[currency]
        if shape is None or value < 0:  # negative patterns vary by locale: babel knows them
            return str(format_currency(value, currency, locale=self.locale))
        prefix, suffix, exp = shape
        whole, _, frac = f"{value.quantize(exp):f}".partition(".")
        return prefix + self._grouped(whole) + (self._decimal + frac if frac else "") + suffix

    def _money_shape(self, currency: str) -> tuple[str, str, Decimal] | None:
        # babel formats a sample once; its number part is cut out to leave the currency's
        # symbol and spacing, placed as this locale places them.
        from babel.numbers import get_currency_precision

        digits = get_currency_precision(currency)
        exp = Decimal(1).scaleb(-digits)
        sample = str(format_currency(Decimal(0), currency, locale=self.locale))
        zero = "0" + (self._decimal + "0" * digits if digits else "")
        at = sample.find(zero)
        if at < 0:  # an unusual pattern: babel formats every value
            return None
        return sample[:at], sample[at + len(zero):], exp

    def _grouped(self, whole: str) -> str:
        first, rest = self._grouping[0], self._grouping[1] if len(self._grouping) > 1 else 3
        if len(whole) <= first:
            return whole
        head, tail = whole[:-first], whole[-first:]
        parts = []
        while len(head) > rest:
            parts.insert(0, head[-rest:])
            head = head[:-rest]
        parts.insert(0, head)
        return self._group.join(parts + [tail])

    def number(self, value: Decimal) -> str:
        # Keep every significant decimal: quantities like 2.125 m must not be rounded.
        return str(format_decimal(value, locale=self.locale, decimal_quantization=False))

    def date(self, value: date | None) -> str:
        if value is None:
            return ""
        text = self._date_cache.get(value)
        if text is None:
            if len(self._date_cache) > 5000:
                self._date_cache.clear()
            text = self._date_cache[value] = str(format_date(value, "medium", locale=self.locale))
        return text

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return str(format_datetime(value.astimezone(), "short", locale=self.locale))
