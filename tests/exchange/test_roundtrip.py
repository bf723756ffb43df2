"""Round trip: export → import into an empty database gives identical orders, lines, totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.core import Actor, Desk, Line, Order, OrderQuery, Tax, create_company, open_store
from orderdesk.exchange import apply_import, export_xlsx, export_zip, plan_import
from orderdesk.exchange.columns import neutralise, restore
from tests.exchange.conftest import unzip

# Awkward text: quotes, separators, newlines, other scripts, formula starters.
_ALPHABET = st.sampled_from(list('aZ09 ",;\r\n\'=+-@#%&<>ŁżΩЖ中عท😀\t'))
_TEXT = st.text(_ALPHABET, max_size=12)
_LEADING = st.sampled_from(["", "=", "-", "+", "@", "'=", "''+", "=1+2", "\t", "#N/A"])


def _clean(s: str) -> str:
    return s.strip()  # the core trims most fields; notes and descriptions keep spaces


@st.composite
def _line(draw: st.DrawFn) -> Line:
    return Line(
        item_code=draw(_LEADING) + "X" + _clean(draw(_TEXT)),
        quantity=Decimal(draw(st.integers(0, 10**7))).scaleb(-draw(st.integers(0, 4))),
        unit_price=Decimal(draw(st.integers(-10**8, 10**8))).scaleb(-draw(st.integers(0, 4))),
        description=draw(_LEADING) + draw(_TEXT),
        unit=draw(st.sampled_from(["pcs", "m", "kg", "m²"])),
        discount=Decimal(draw(st.integers(0, 10000))).scaleb(-2),
        taxes=[Tax(draw(st.sampled_from(["VAT", "Eco tax", "ДДС"])),
                   Decimal(draw(st.integers(0, 3000))).scaleb(-2))
               for _ in range(draw(st.integers(0, 2)))])


@st.composite
def _order(draw: st.DrawFn, n: int) -> Order:
    day = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 3000)))
    return Order(
        customer_code=draw(st.sampled_from(["C1", "=C2", "-C3"])), order_date=day,
        delivery_date=day + timedelta(days=draw(st.integers(0, 90))) if draw(st.booleans())
        else None,
        currency=draw(st.sampled_from(["EUR", "JPY", "USD"])),
        reference=f"R{n}" + _clean(draw(_TEXT)) if draw(st.booleans()) else None,
        customer_reference=_clean(draw(_LEADING) + draw(_TEXT)), site=_clean(draw(_TEXT)),
        notes=draw(_LEADING) + draw(_TEXT), lines=draw(st.lists(_line(), max_size=4)))


def _fresh(tmp: Path, name: str) -> Desk:
    store = open_store(tmp / f"{name}.sqlite3")
    desk = Desk(store, create_company(store, "Test Co", "EUR").id, Actor("t", "Tester"))
    desk.catalog.create_customers([("C1", "One"), ("=C2", "=Two"), ("-C3", "Three, \"3\"")])
    return desk


def _snapshot(desk: Desk) -> list[tuple[object, ...]]:
    out = []
    for uid in desk.listing.uuids(OrderQuery(stages=())):
        o = desk.orders.get(uid)
        t = o.totals
        out.append((o.id, o.number, o.reference, o.customer_reference, o.customer_code,
                    o.customer_name, o.order_date, o.delivery_date, o.site, o.currency, o.notes,
                    o.stage, o.status, (t.products_total, t.tax_total, t.grand_total,
                                        t.total_quantity),
                    [(ln.id, ln.position, ln.item_code, ln.description, ln.quantity, ln.unit,
                      ln.unit_price, ln.discount, [(x.name, x.rate) for x in ln.taxes],
                      ln.subtotal, ln.tax_amount, ln.total) for ln in o.lines]))
    return sorted(out, key=lambda x: str(x[0]))


def _round_trip(docs: list[Order], fmt: str) -> None:
    with TemporaryDirectory() as d:
        tmp = Path(d)
        src = _fresh(tmp, "src")
        src.orders.create_many(docs)
        dst = _fresh(tmp, "dst")
        if fmt == "zip":
            export_zip(src, None, tmp / "x.zip")
            files = list(unzip(tmp / "x.zip", tmp / "x"))
        else:
            export_xlsx(src, None, tmp / "x.xlsx")
            files = [tmp / "x.xlsx"]
        # a second store file for the target: ids are unique per database
        plan = plan_import(dst, files)
        assert plan.ok, plan.problems[:5]
        apply_import(dst, plan)
        assert _snapshot(dst) == _snapshot(src)
        again = plan_import(dst, files)
        assert again.ok and again.unchanged_orders == len(docs) and not again.changes_anything
        src.store.close()
        dst.store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(*[_order(i) for i in range(n)])))
def test_zip_round_trip(docs: tuple[Order, ...]) -> None:
    _round_trip(list(docs), "zip")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(*[_order(i) for i in range(n)])))
def test_xlsx_round_trip(docs: tuple[Order, ...]) -> None:
    _round_trip(list(docs), "xlsx")


@given(st.text())
def test_neutralise_is_undone_exactly(text: str) -> None:
    out = neutralise(text)
    assert restore(out) == text
    assert out[:1] not in ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
