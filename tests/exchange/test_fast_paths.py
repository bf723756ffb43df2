"""The fast paths of import and export give exactly what the plain paths give, accept and refuse."""

from __future__ import annotations

import csv
import uuid
from dataclasses import asdict, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.core import Actor, Desk, Line, Order, OrderQuery, Surcharge, Tax, create_company
from orderdesk.core import open_store
from orderdesk.core.bulk import line_records, new_uuids, order_records
from orderdesk.core.errors import ValidationError
from orderdesk.core.fields import new_uuid
from orderdesk.core.money import (
    Amounts, Totals, compute_totals, fits_scale, from_fixed, line_amounts, minor_unit,
    surcharge_amounts,
)
from orderdesk.core.orders import clean_order
from orderdesk.exchange import apply_import, export_xlsx, plan_import
from orderdesk.exchange.export import iter_records, line_text, order_text
from orderdesk.exchange.raw_cells import (
    fixed_number, fixed_text, iter_rows, line_csv, order_csv, ts_cell, ts_text,
)
from orderdesk.exchange.rows import LINE_PARSERS, ORDER_PARSERS, parse_row, parse_rows
from orderdesk.exchange.xlsx_export import excel_number

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


# ---------- money: the faster functions against the code they replaced ----------

def _old_fits_scale(value: Decimal) -> bool:
    if not value.is_finite():
        return False
    exp = value.as_tuple().exponent
    return (isinstance(exp, int) and exp >= -4) or value == value.quantize(Decimal("0.0001"))


def _old_round(value: Decimal, currency: str) -> Decimal:
    return value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def _old_taxed(subtotal: Decimal, taxes: list[Tax], currency: str) -> Amounts:
    parts = tuple((t.name, t.rate, _old_round(subtotal * t.rate / 100, currency)) for t in taxes)
    tax = sum((p[2] for p in parts), Decimal(0))
    return Amounts(subtotal, tax, subtotal + tax, parts)


def _old_line_amounts(line: Line, currency: str) -> Amounts:
    gross = line.quantity * line.unit_price * (1 - line.discount / Decimal(100))
    return _old_taxed(_old_round(gross, currency), line.taxes, currency)


_DECIMALS = st.builds(lambda c, e: Decimal(c).scaleb(e), st.integers(-10**30, 10**30),
                      st.integers(-40, 30))


@given(_DECIMALS | st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-0E-9"),
                                    Decimal("1.00000000"), Decimal("1E+30"), Decimal("5E-5")]))
def test_fits_scale_answers_as_before(d: Decimal) -> None:
    try:
        old: bool | type = _old_fits_scale(d)
    except InvalidOperation:
        old = InvalidOperation
    try:
        new: bool | type = fits_scale(d)
    except InvalidOperation:
        new = InvalidOperation
    assert new == old


_SMALL = st.builds(lambda c, e: Decimal(c).scaleb(-e), st.integers(-10**12, 10**12),
                   st.integers(0, 4))


@given(_SMALL, _SMALL, st.sampled_from([Decimal(0), Decimal("0.00"), Decimal("12.5"),
                                        Decimal(100), Decimal("33.3333")]),
       st.lists(st.builds(Tax, st.sampled_from(["VAT", "Eco"]), _SMALL), max_size=3),
       st.sampled_from(["EUR", "JPY", "BHD"]))
def test_line_and_surcharge_figures_as_before(q: Decimal, p: Decimal, disc: Decimal,
                                              taxes: list[Tax], cur: str) -> None:
    line = Line("X", q, p, discount=disc, taxes=taxes)
    assert _outcome(line_amounts, line, cur) == _outcome(_old_line_amounts, line, cur)
    s = Surcharge(p, taxes=taxes)
    assert _outcome(surcharge_amounts, s, cur) == _outcome(
        lambda s, cur: _old_taxed(_old_round(s.amount, cur), taxes, cur), s, cur)
    full = _outcome(compute_totals, cur, [line, line], [s], q)
    short = _outcome(lambda *a: compute_totals(*a, breakdown=False), cur, [line, line], [s], q)
    assert short == (replace(full, tax_breakdown=()) if isinstance(full, Totals) else full)


def _outcome(fn: Any, *args: Any) -> Any:
    """The result, or the type of the error (beyond the validated range both raise alike)."""
    try:
        return fn(*args)
    except ArithmeticError as e:
        return type(e)


def test_new_uuids_are_version_7_like_new_uuid_and_ascending() -> None:
    ids = new_uuids(5000)
    assert len(set(ids)) == 5000 and ids == sorted(ids)
    for u in ids[:200] + [new_uuid()]:
        parsed = uuid.UUID(u)
        assert str(parsed) == u and parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert ids[0][:8] == new_uuid()[:8]  # the same millisecond clock in the leading bits


# ---------- import: memoised parsing, prevalidated documents ----------

_CELLS = st.sampled_from(["", " ", "12", "12.5", "1.23456", "-3", "1e3", "1,5", "abc", "=x",
                          "'=x", "VAT 21%", "VAT 21%; Eco 0.5%", "VAT", "2026-02-30",
                          "2026-02-03", "true", "no", "EUR", "eur", "XXX", "draft", "sent",
                          "a\x00b", "x" * 70, "0016d3cc-2fa1-11d2-883f-0016d3cca427"])
_XLSX_CELLS = _CELLS | st.sampled_from([None, True, False, 1, 0, 1.0, 2.5, 10**12,
                                        date(2026, 1, 2)])


@SETTINGS
@given(st.lists(st.lists(_XLSX_CELLS, min_size=8, max_size=9), min_size=1, max_size=25),
       st.booleans())
def test_parse_rows_matches_parse_row_cell_for_cell(rows: list[list[Any]], lines: bool) -> None:
    columns: list[str | None] = (
        ["OrderReference", "Position", "ItemCode", "Description", "Quantity", "UnitPrice",
         "DiscountPercent", "Taxes"] if lines else
        ["OrderReference", "CustomerCode", "OrderDate", "DeliveryDate", "Currency", "Stage",
         "Notes", "Active"])
    parsers = LINE_PARSERS if lines else ORDER_PARSERS
    # the same texts again, so later rows take memoised results
    numbered = list(enumerate(rows + rows, 2))
    fast_problems: list[Any] = []
    fast = list(parse_rows("f.csv", columns, parsers, numbered, fast_problems))
    slow_problems: list[Any] = []
    slow = [parse_row("f.csv", columns, parsers, n, v, slow_problems) for n, v in numbered]
    assert [g for _, _, g in fast] == slow
    assert fast_problems == slow_problems


# Cells the plan and the core must judge alike: each either passes both or neither.
_TEXTS = st.sampled_from(["A", " padded ", "", "x" * 39, "x" * 41, "x" * 61, "=F", "'=F",
                          "a\x00", "\u00e9\u4e2d", "two\nlines"])
_NUMBERS = st.sampled_from(["1", "0", "-1", "0.0001", "0.00001", "1.10000", "100", "100.5",
                            "99999999999", "100000000001", "12.3456", "7E2", "1e-5"])


@st.composite
def _file_rows(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    order = [draw(_TEXTS), draw(_TEXTS), "2026-03-04", draw(_TEXTS), draw(_TEXTS)]
    lines = [[order[0] if order[0].strip() else "R", str(i + 1), draw(_TEXTS), draw(_TEXTS),
              draw(_NUMBERS), draw(_NUMBERS), draw(_NUMBERS),
              f"VAT {draw(_NUMBERS)}%" if draw(st.booleans()) else ""]
             for i in range(draw(st.integers(1, 3)))]
    return order, lines


def _core_accepts(order: list[str], lines: list[list[str]]) -> bool:
    """What the core's own clean_order says of the same cell texts (the plain create path)."""
    def dec(s: str) -> Decimal:
        return Decimal(s)
    doc = Order(customer_code=order[1], order_date=date(2026, 3, 4),
                reference=order[0].strip() or None, site=order[3], notes=order[4], currency="EUR",
                lines=[Line(item_code=ln[2], description=ln[3], quantity=dec(ln[4]),
                            unit_price=dec(ln[5]), discount=dec(ln[6]),
                            taxes=[Tax("VAT", dec(ln[7][4:-1]))] if ln[7] else [])
                       for ln in lines])
    try:
        clean_order(doc, "EUR")
    except ValidationError:
        return False
    return True


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _stored(desk: Desk) -> list[Any]:
    """Everything an import stores for orders and lines, ids and times aside."""
    q = desk.store.execute
    return [
        q("SELECT number, reference, customer_reference, customer_code, customer_name, "
          "order_date, delivery_date, site, currency, notes, stage, status, line_count, "
          "total_quantity, products_total, tax_total, grand_total, balance FROM orders "
          "ORDER BY number").fetchall(),
        q("SELECT o.number, l.position, l.item_code, l.description, l.quantity, l.unit, "
          "l.unit_price, l.discount, l.weight, l.subtotal, l.tax_amount, l.total, l.attributes, "
          "l.active FROM order_line l JOIN orders o ON o.id = l.order_id "
          "ORDER BY o.number, l.position").fetchall(),
        q("SELECT t.seq, t.name, t.rate FROM line_tax t JOIN order_line l ON l.id = t.line_id "
          "JOIN orders o ON o.id = l.order_id ORDER BY o.number, l.position, t.seq").fetchall(),
        q("SELECT body FROM order_search ORDER BY rowid").fetchall(),
        q("SELECT change, entity_type, entity_label FROM history_event ORDER BY id").fetchall(),
    ]


def _desk(folder: Path, name: str) -> Desk:
    store = open_store(folder / f"{name}.sqlite3")
    desk = Desk(store, create_company(store, "Test Co", "EUR").id, Actor("t", "Tester"))
    desk.catalog.create_customers([("A", "Alpha"), ("padded", "Padded")])
    return desk


@SETTINGS
@given(st.lists(_file_rows(), min_size=1, max_size=4))
def test_prevalidated_import_accepts_and_stores_what_the_plain_path_does(
        files: list[tuple[list[str], list[list[str]]]]) -> None:
    # Distinct references, so acceptance is decided by the cells alone.
    files = [([f"R{i}{o[0]}", *o[1:]], [[f"R{i}{o[0]}".strip(), *ln[1:]] for ln in lines])
             for i, (o, lines) in enumerate(files)]
    with TemporaryDirectory() as d:
        folder = Path(d)
        o_path = _write(folder / "o.csv", ["OrderReference", "CustomerCode", "OrderDate", "Site",
                                           "Notes", "CustomerName"],
                        [[*o, "New customer"] for o, _ in files])
        l_path = _write(folder / "l.csv", ["OrderReference", "Position", "ItemCode",
                                           "Description", "Quantity", "UnitPrice",
                                           "DiscountPercent", "Taxes"],
                        [ln for _, lines in files for ln in lines])
        fast, plain = _desk(folder, "fast"), _desk(folder, "plain")
        plan = plan_import(fast, [o_path, l_path])
        core = all(_core_accepts(o, lines) for o, lines in files)
        assert plan.ok == core, plan.problems[:3]
        if not plan.ok:
            return
        # each document is what clean_order makes of it: nothing left to check or change
        for doc in plan.creates:
            assert clean_order(doc, "EUR") == doc
        plain_plan = plan_import(plain, [o_path, l_path])
        apply_import(fast, plan)  # create_many(prevalidated=True)
        plain.catalog.create_customers(plain_plan.customers)
        plain.orders.create_many(plain_plan.creates, imported=True)  # cleaned again
        assert _stored(fast) == _stored(plain)
        fast.store.close()
        plain.store.close()


def test_prevalidated_path_still_checks_across_documents_and_the_database(desk: Desk) -> None:
    doc = Order(customer_code="C1", order_date=date(2026, 1, 1), currency="EUR", reference="",
                lines=[Line("A", Decimal(1))])
    unknown = Order(customer_code="NOPE", order_date=date(2026, 1, 1), currency="EUR",
                    reference="")
    import pytest

    with pytest.raises(ValidationError, match="customer"):
        desk.orders.create_many([unknown], prevalidated=True)
    desk.orders.create_many([Order(**{**asdict(doc), "lines": [], "number": "N-1"})],
                            prevalidated=True)
    with pytest.raises(ValidationError, match="already used"):
        desk.orders.create_many([Order(**{**asdict(doc), "lines": [], "number": "N-1"})],
                                prevalidated=True)


# ---------- export: raw rows against the record-based formatting ----------

@given(st.integers(-10**16, 10**16) | st.sampled_from([0, None, 1, -1, 5, -5, 10000, -10000]))
def test_fixed_point_text_and_number_as_from_the_decimal(v: int | None) -> None:
    from orderdesk.exchange.columns import plain

    assert fixed_text(v) == plain(from_fixed(v))
    assert fixed_number(v) == excel_number(from_fixed(v))
    assert type(fixed_number(v)) is type(excel_number(from_fixed(v)))


def test_timestamps_as_the_record_path_formats_them() -> None:
    from orderdesk.core.fields import ts_parse
    from orderdesk.exchange.export import _ts
    from orderdesk.exchange.xlsx_export import excel_time

    for stored in ("2026-03-01 09:30:05.123456", "2026-03-01 09:30:05",
                   "2026-03-01T09:30:05+02:00", "2026-03-01T09:30:05Z"):
        assert ts_text(stored) == _ts(ts_parse(stored))
        assert ts_cell(stored) == excel_time(ts_parse(stored))


def test_raw_rows_give_the_record_paths_csv_rows(filled_mixed: Desk) -> None:
    desk = filled_mixed
    queries: list[Any] = [None, OrderQuery(stages=(), sort="customer_name", descending=False),
                          OrderQuery(deleted=True), OrderQuery(stages=("draft",), text="M3")]
    uuids = desk.listing.uuids(OrderQuery(stages=()))
    queries.append([uuids[3], uuids[0], uuids[5], "no-such-id", uuids[1]])  # scrambled
    for sel in queries:
        want_o, want_l = [], []
        for orders, lines in iter_records(desk, sel, None):
            want_o += [order_text(o) for o in orders]
            want_l += [line_text(ln) for ln in lines]
        got_o, got_l = [], []
        for orders, lines, taxes in iter_rows(desk, sel, None):
            got_o += [order_csv(r) for r in orders]
            got_l += [line_csv(r, taxes) for r in lines]
        assert got_o == want_o and got_l == want_l
        assert want_o  # every selection above matches orders


def test_xlsx_cells_are_the_records_values(filled_mixed: Desk, tmp_path: Path) -> None:
    import openpyxl

    desk = filled_mixed
    out = tmp_path / "x.xlsx"
    export_xlsx(desk, None, out)
    ids = desk.listing.uuids(OrderQuery(stages=()))
    recs = order_records(desk, ids)
    lines = line_records(desk, ids)
    wb = openpyxl.load_workbook(out)
    rows = list(wb["Orders"].iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [o.id for o in recs]
    for r, o in zip(rows, recs):
        assert r[15].value == excel_number(o.total_quantity)
        assert [c.value for c in r[16:22]] == [excel_number(v) for v in (
            o.products_total, o.surcharges_total, o.tax_total, o.grand_total, o.paid, o.balance)]
        assert r[16].number_format == "#,##0.00" and r[15].number_format == "#,##0.####"
        assert r[6].value.date() == o.order_date and r[6].number_format == "yyyy-mm-dd"
        assert r[22].number_format == "yyyy-mm-dd hh:mm:ss"
    l_rows = list(wb["Lines"].iter_rows(min_row=2))
    assert len(l_rows) == len(lines)
    for r, ln in zip(l_rows, lines):
        assert [r[0].value, r[1].value, r[3].value] == [ln.id, ln.order_id, ln.position]
        assert [r[6].value, r[8].value, r[9].value, r[12].value, r[14].value] == [
            excel_number(v) for v in (ln.quantity, ln.unit_price, ln.discount, ln.subtotal,
                                      ln.total)]
        assert r[8].number_format == "#,##0.00" and r[6].number_format == "#,##0.####"


def test_large_import_raises_the_page_cache_only_while_it_writes(
        desk: Desk, tmp_path: Path, monkeypatch: Any) -> None:
    from orderdesk.exchange import apply as apply_mod

    monkeypatch.setattr(apply_mod, "_LARGE_IMPORT", 2)
    before = desk.store.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[int] = []
    desk.store.subscribe(lambda _changes: seen.append(
        desk.store.execute("PRAGMA cache_size").fetchone()[0]))
    o = _write(tmp_path / "o.csv", ["OrderReference", "CustomerCode", "OrderDate"],
               [["A1", "C1", "2026-01-02"], ["A2", "C2", "2026-01-03"]])
    plan = plan_import(desk, [o])
    assert plan.ok and plan.new_orders == 2
    apply_import(desk, plan)
    assert seen == [-apply_mod.IMPORT_CACHE_KIB]  # one commit, with the large cache
    assert desk.store.execute("PRAGMA cache_size").fetchone()[0] == before
    assert len(desk.listing.uuids(OrderQuery(stages=()))) == 2


def test_gc_paused_restores_the_collector_state_even_after_an_error() -> None:
    import gc

    import pytest

    from orderdesk.exchange.columns import gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():  # nested: the inner one leaves it paused for the outer
                pass
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # was off before: stays off
    finally:
        gc.enable()
