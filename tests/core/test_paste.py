"""Pasting spreadsheet rows as order lines, and copying lines out the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderdesk.core import Desk, Line, Tax
from orderdesk.core.paste import lines_to_tsv, number, parse_tsv
from tests.conftest import make_order


def test_rows_without_a_header_fill_the_editor_columns() -> None:
    # what Excel puts on the clipboard: CRLF rows, a final CRLF
    r = parse_tsv("PLANK-2x4\tPine plank\t12\tm\t3.20\t5\tVAT 21%\r\n"
                  "NAIL-50\tNails\t1,5\tkg\t0,85\t\tVAT 21%; Eco 0.5%\r\n")
    assert not r.header and r.errors == []
    a, b = r.lines
    assert (a.item_code, a.description, a.quantity, a.unit, a.unit_price, a.discount) == (
        "PLANK-2x4", "Pine plank", Decimal(12), "m", Decimal("3.20"), Decimal(5))
    assert a.taxes == [Tax("VAT", Decimal(21))]
    assert (b.quantity, b.unit_price, b.discount) == (Decimal("1.5"), Decimal("0.85"), 0)
    assert b.taxes == [Tax("VAT", Decimal(21)), Tax("Eco", Decimal("0.5"))]
    assert r.rows == [1, 2]


def test_a_header_row_is_matched_case_insensitively_in_any_order() -> None:
    r = parse_tsv("qty\tITEM CODE\tUnit Price\tDiscount %\tTax\tSubtotal\n"
                  "3\tA-1\t10\t2.5\tVAT 10%\t29.25\n"
                  "4\tA-2\t1 234,50\t\t\t\n")
    assert r.header and r.errors == []
    assert r.columns == ["quantity", "item_code", "unit_price", "discount", "taxes", None]
    assert [(ln.item_code, ln.quantity, ln.unit_price, ln.discount) for ln in r.lines] == [
        ("A-1", 3, 10, Decimal("2.5"), ), ("A-2", 4, Decimal("1234.50"), 0)]
    assert r.lines[1].unit == "pcs" and r.lines[1].taxes == []


@pytest.mark.parametrize("header", ["ItemCode\tQuantity", "Item\tQty", "Code\tQTY",
                                    "itemcode\tquantity\tDescription"])
def test_header_aliases(header: str) -> None:
    r = parse_tsv(f"{header}\nX-9\t2\n")
    assert r.header and [(ln.item_code, ln.quantity) for ln in r.lines] == [("X-9", 2)]


def test_quoted_cells_with_tabs_newlines_and_quotes() -> None:
    text = 'B-1\t"two\nlines"\t1\r\nB-2\t"a\ttab"\t2\r\nB-3\t"5"" nail"\t3\r\nB-4\tsays "hi"\t4\r\n'
    r = parse_tsv(text)
    assert r.errors == []
    assert [ln.description for ln in r.lines] == ["two\nlines", "a\ttab", '5" nail',
                                                 'says "hi"']


@pytest.mark.parametrize("text,value", [
    ("1,5", "1.5"), ("0,250", "0.250"), ("1.234", "1.234"), ("1 234,5", "1234.5"),
    ("1\u00a0234,50", "1234.50"), ("1,234.50", "1234.50"), ("1.234,50", "1234.50"),
    ("1,234,567", "1234567"), ("-2,5", "-2.5"), ("12", "12"), (" 7 ", "7"), (".5", "0.5"),
])
def test_numbers_as_people_type_them(text: str, value: str) -> None:
    assert number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1,234", "12,345", "1,2,3", "1.2.3", "abc", "1e5", "--1",
                                  "1,23.4", "€5", "", "NaN", "Infinity"])
def test_unclear_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        number(text)


def test_bad_cells_are_reported_by_row_and_column_and_the_rest_pastes() -> None:
    r = parse_tsv("A-1\tok\t2\n"
                  "\tno code\t1\n"
                  "A-3\t\t1,234\tm\tx\n"
                  "A-4\t\t1\tm\t1\t150\tVAT\n"
                  "A-5\t\t-1\n"
                  "A-6\t\t1.00001\n"
                  "\t\t\n"
                  "A-7\t\t1\tm\t1\t0\t\tsurplus\n")
    assert [ln.item_code for ln in r.lines] == ["A-1"]
    got = {(e.row, e.column) for e in r.errors}
    assert got == {(2, "item_code"), (3, "quantity"), (3, "unit_price"), (4, "discount"),
                   (4, "taxes"), (5, "quantity"), (6, "quantity"), (8, "column 8")}
    reasons = {(e.row, e.column): e.reason for e in r.errors}
    assert "ambiguous" in reasons[(3, "quantity")]
    assert reasons[(2, "item_code")] == "is required"
    assert "4 decimals" in reasons[(6, "quantity")]


def test_unknown_and_repeated_header_columns_are_named() -> None:
    r = parse_tsv("Item\tQty\tColour\tQty\nA\t1\tred\t2\n")
    assert {(e.row, e.column, e.reason.split(";")[0]) for e in r.errors} == {
        (1, "Colour", "unknown column"), (1, "quantity", "this column appears twice")}
    assert [(ln.item_code, ln.quantity) for ln in r.lines] == [("A", 1)]


def test_copy_out_and_paste_back_gives_the_same_lines(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=3))
    o.lines[0].description = 'Tab\there, "quote", \r\nnew line'
    o.lines[1].taxes = [Tax("VAT", Decimal(21)), Tax("Eco", Decimal("0.5"))]
    o.lines[2].discount = Decimal("12.5")
    for header in (False, True):
        text = lines_to_tsv(o.lines, header=header)
        r = parse_tsv(text)
        assert r.errors == [] and r.header == header
        assert [_content(ln) for ln in r.lines] == [_content(ln) for ln in o.lines]
    # and the pasted lines save through the core unchanged
    o.lines += parse_tsv(lines_to_tsv(o.lines)).lines
    saved = desk.orders.update(o)
    assert [_content(ln) for ln in saved.lines[3:]] == [_content(ln) for ln in saved.lines[:3]]


def _content(ln: Line) -> tuple[object, ...]:
    return (ln.item_code, ln.description, ln.quantity, ln.unit, ln.unit_price, ln.discount,
            [(t.name, t.rate) for t in ln.taxes])


codes = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                min_size=1, max_size=10)
amounts = st.decimals(min_value=0, max_value=10**9, places=4)
lines = st.builds(
    Line, item_code=codes, quantity=amounts,
    unit_price=st.decimals(min_value=-10**9, max_value=10**9, places=4),
    description=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
    unit=codes.map(lambda s: s[:20]),
    discount=st.decimals(min_value=0, max_value=100, places=2),
    taxes=st.lists(st.builds(Tax, st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,8}[A-Za-z]",
                                                fullmatch=True),
                             st.decimals(min_value=0, max_value=100, places=3)), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, min_size=1, max_size=5), st.booleans())
def test_any_lines_round_trip_through_tsv(ls: list[Line], header: bool) -> None:
    r = parse_tsv(lines_to_tsv(ls, header=header))
    assert r.errors == []
    assert [_content(ln) for ln in r.lines] == [_content(ln) for ln in ls]
