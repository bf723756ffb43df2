"""Money rules: Decimal only, half-up per line, totals are sums of rounded parts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderdesk.core.docs import Line, Surcharge, Tax
from orderdesk.core.money import (
    compute_totals, format_taxes, from_fixed, line_amounts, minor_unit, round_money, to_decimal,
    to_fixed,
)

money = st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), places=4,
                    allow_nan=False, allow_infinity=False)
qty = st.decimals(min_value=Decimal(0), max_value=Decimal("100000"), places=4,
                  allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2,
                   allow_nan=False, allow_infinity=False)
taxes = st.lists(st.builds(Tax, st.sampled_from(["VAT", "Eco", "Fee"]), rate), max_size=3)
lines = st.lists(st.builds(Line, st.just("X"), qty, money, discount=rate, taxes=taxes), max_size=8)
surcharges = st.lists(st.builds(Surcharge, money, st.sampled_from(["Shipping", "Handling"]),
                                taxes=taxes), max_size=3)


def test_line_rounds_half_up_to_the_currency_minor_unit() -> None:
    line = Line("X", Decimal("3"), Decimal("0.835"), taxes=[Tax("VAT", Decimal("21"))])
    a = line_amounts(line, "EUR")
    assert a.subtotal == Decimal("2.51")  # 2.505 → 2.51, half up
    assert a.tax == Decimal("0.53")  # 0.5271 → 0.53
    assert a.total == Decimal("3.04")
    assert line_amounts(line, "JPY").subtotal == Decimal("3")
    assert minor_unit("BHD") == Decimal("0.001")


def test_discount_is_a_percentage() -> None:
    line = Line("X", Decimal("10"), Decimal("9.99"), discount=Decimal("12.5"))
    assert line_amounts(line, "EUR").subtotal == Decimal("87.41")  # 87.4125


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_decimal(0.1)
    assert to_decimal("0.10") == Decimal("0.10")


def test_fixed_point_storage_is_exact() -> None:
    for d in ("0", "1", "250", "0.0001", "-12.3456", "99999999999.9999"):
        assert from_fixed(to_fixed(Decimal(d))) == Decimal(d)
    assert str(from_fixed(to_fixed(Decimal("250")))) == "250"


def test_tax_text() -> None:
    assert format_taxes([Tax("VAT", Decimal("21")), Tax("Eco", Decimal("0.50"))]) == \
        "VAT 21%; Eco 0.5%"


@settings(max_examples=150, deadline=None)
@given(lines, surcharges, st.sampled_from(["EUR", "JPY", "BHD", "PLN"]))
def test_totals_are_exactly_the_sum_of_their_rounded_parts(ls: list[Line], ss: list[Surcharge],
                                                            cur: str) -> None:
    t = compute_totals(cur, ls, ss, paid=Decimal("1.00"))
    parts = [line_amounts(x, cur) for x in ls]
    assert t.products_subtotal == sum((p.subtotal for p in parts), Decimal(0))
    assert t.products_tax == sum((p.tax for p in parts), Decimal(0))
    assert t.grand_total == t.products_total + t.surcharges_total
    assert t.tax_total == t.products_tax + t.surcharges_tax
    assert t.net_subtotal + t.tax_total == t.grand_total
    assert sum((b.amount for b in t.tax_breakdown), Decimal(0)) == t.tax_total
    assert t.balance == t.grand_total - Decimal("1.00")
    for value in (t.grand_total, t.tax_total, t.balance, *(p.total for p in parts)):
        assert isinstance(value, Decimal)  # no float ever enters
        assert value == round_money(value, cur)
