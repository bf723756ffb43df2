"""A save killed at any moment leaves each order whole: all lines of one version, never half."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderdesk.core import Actor, Desk, Line, Order, Tax, create_company, open_store

CHILD = Path(__file__).with_name("editor_child.py")
ROOT = Path(__file__).resolve().parents[2]
KILLS = 24


def _order(n: int) -> Order:
    return Order("C1", date(2026, 11, 2), notes="gen 0", customer_reference=f"crash {n}",
                 lines=[Line(f"IT-{i}", Decimal(1), Decimal("2.5"), description="gen 0",
                             taxes=[Tax("VAT", Decimal(21))]) for i in range(200)])


def check_whole(desk: Desk, uid: str) -> int:
    """Asserts the order is one saved version; returns its generation."""
    o = desk.orders.get(uid)
    gen = int(o.notes.split()[1])
    assert o.version == gen + 1, "one version per save, none lost or doubled"
    assert len(o.lines) == 200
    assert {ln.description for ln in o.lines} == {f"gen {gen}"}, "lines of two saves mixed"
    # the line set is exactly what the history says the saves up to this version left
    alive: set[str] = set()
    for change, entity_id in desk.store.execute(
            "SELECT change, entity_id FROM history_event h JOIN orders o ON o.id = h.order_id "
            "WHERE o.uuid = ? AND h.entity_type = 'line' AND h.change IN ('created', 'deleted') "
            "ORDER BY h.id", [uid]):
        (alive.add if change == "created" else alive.discard)(entity_id)
    assert {ln.id for ln in o.lines} == alive
    notes = desk.store.execute(
        "SELECT COUNT(*) FROM history_event h JOIN orders o ON o.id = h.order_id "
        "WHERE o.uuid = ? AND h.field = 'notes'", [uid]).fetchone()[0]
    assert notes == gen, "every committed save left its history, no other did"
    t = o.totals
    assert t is not None and t.line_count == 200
    stored = desk.store.execute("SELECT line_count, grand_total FROM orders WHERE uuid = ?",
                                [uid]).fetchone()
    assert stored[0] == 200 and Decimal(stored[1]) / 10**4 == t.grand_total
    return gen


@pytest.mark.slow
def test_sigkill_during_saves_of_a_200_line_order(db_path: Path) -> None:
    store = open_store(db_path)
    desk = Desk(store, create_company(store, "Crash Co", "EUR").id, Actor("t", "Test"))
    desk.catalog.create_customers([("C1", "One")])
    uids = [desk.orders.create(_order(n)).id or "" for n in range(2)]
    store.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    rnd = random.Random(4)
    gens: list[int] = []
    for _ in range(KILLS):
        p = subprocess.Popen([sys.executable, str(CHILD), "save", str(db_path),
                              str(desk.company_id), *uids],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            line = p.stdout.readline() if p.stdout else b""
            assert line == b"ready\n", p.stderr.read().decode() if p.stderr else ""
            time.sleep(rnd.uniform(0.0, 0.25))  # lands anywhere in a save or between two
        finally:
            p.send_signal(signal.SIGKILL)  # our own child, by its pid
            p.communicate()
        assert p.returncode == -signal.SIGKILL
        after = open_store(db_path)
        try:
            d = Desk(after, desk.company_id, Actor("t", "Test"))
            assert after.dialect.check() == []
            assert after.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            gens.append(sum(check_whole(d, uid) for uid in uids))
        finally:
            after.close()
    assert gens == sorted(gens) and gens[-1] >= KILLS, "saves went on between kills"


def test_the_check_sees_half_an_order(db_path: Path) -> None:
    store = open_store(db_path)
    desk = Desk(store, create_company(store, "Crash Co", "EUR").id, Actor("t", "Test"))
    desk.catalog.create_customers([("C1", "One")])
    uid = desk.orders.create(_order(0)).id or ""
    assert check_whole(desk, uid) == 0
    # what a torn save would look like: half the lines written by a later version
    store.execute("UPDATE order_line SET description = 'gen 1' WHERE position <= 100")
    with pytest.raises(AssertionError, match="two saves mixed"):
        check_whole(desk, uid)
    store.close()


# ---------- the save-path optimisation (stored figures, faster from_fixed) ----------
@given(st.integers(-10**20, 10**20))
def test_from_fixed_matches_the_normalising_formula(value: int) -> None:
    from orderdesk.core.money import from_fixed, trim

    expected = trim(Decimal(value).scaleb(-4)) if value else Decimal(0)
    assert str(from_fixed(value)) == str(expected)


@pytest.mark.parametrize("change", ["notes", "quantity", "delete", "add", "currency"])
def test_stored_totals_after_a_save_equal_the_full_computation(desk: Desk, change: str) -> None:
    from orderdesk.core.money import compute_totals

    o = desk.orders.create(_order(0))
    o.lines[3].discount = Decimal("3.3")  # odd roundings
    o = desk.orders.update(o)
    if change == "notes":
        o.notes = "gen 1"
    elif change == "quantity":
        o.lines[5].quantity = Decimal("7.777")
    elif change == "delete":
        del o.lines[:7]
    elif change == "add":
        o.lines.append(Line("X", Decimal("1.005"), Decimal("0.333"), taxes=[Tax("A", Decimal(7))]))
    else:
        o.currency = "JPY"
    saved = desk.orders.update(o)
    full = compute_totals(saved.currency, saved.lines, saved.surcharges)
    row = desk.store.execute(
        "SELECT line_count, total_quantity, products_total, tax_total, grand_total, balance "
        "FROM orders WHERE uuid = ?", [saved.id]).fetchone()
    assert row[0] == full.line_count
    assert [Decimal(x) / 10**4 for x in row[1:]] == [
        full.total_quantity, full.products_total, full.tax_total,
        full.grand_total, full.balance]
