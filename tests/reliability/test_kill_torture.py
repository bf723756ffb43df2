"""Kill torture: a child saving orders is SIGKILLed at random moments; nothing is half-saved."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.cli import main as cli_main
from orderdesk.core import Desk
from orderdesk.core.inventory import Lot

from tests.reliability.conftest import Children

ROUNDS = 50
BIG = 1_000_000


def _problems(db: Path, committed: set[str]) -> list[str]:
    """Every invariant a crash could break, read through a fresh connection."""
    con = sqlite3.connect(db)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        out = [f"integrity: {r[0]}" for r in q("PRAGMA integrity_check") if r[0] != "ok"]
        out += [f"foreign key: {r}" for r in q("PRAGMA foreign_key_check")]
        out += [f"order {r[0]} has {r[1]} lines" for r in q(
            "SELECT o.number, COUNT(l.id) FROM orders o LEFT JOIN order_line l ON "
            "l.order_id = o.id GROUP BY o.id HAVING COUNT(l.id) != 10")]
        out += [f"order {r[0]} has {r[1]} reservation rows" for r in q(
            "SELECT o.number, COUNT(r.id) FROM orders o JOIN order_line l ON l.order_id = o.id "
            "LEFT JOIN reservation r ON r.line_id = l.id GROUP BY o.id HAVING COUNT(r.id) != 10")]
        out += [f"lot {r[0]}: reserved {r[1]} but reservations sum to {r[2]}" for r in q(
            "SELECT i.name, i.reserved, COALESCE((SELECT SUM(r.quantity) FROM reservation r "
            "WHERE r.inventory_item_id = i.id AND r.active), 0) AS s FROM inventory_item i "
            "WHERE i.reserved != s")]
        out += [f"lot {r[0]}: reserved {r[1]} > on hand {r[2]}" for r in q(
            "SELECT name, reserved, quantity FROM inventory_item WHERE reserved > quantity")]
        # splitting moves stock between rows of one lot family; it never creates or loses any
        out += [f"lot family {r[0]} holds {r[1]}" for r in q(
            "SELECT b.name, b.quantity + COALESCE((SELECT SUM(s.quantity) FROM inventory_item s "
            "WHERE s.origin_id = b.id), 0) AS total FROM inventory_item b WHERE b.name LIKE "
            f"'Big%' AND b.origin_id IS NULL AND total != {BIG * 10_000}")]
        # history is written in the same transaction as what it describes
        created = dict(q("SELECT order_id, COUNT(*) FROM history_event WHERE entity_type = "
                         "'order' AND change = 'created' GROUP BY order_id"))
        out += [f"order {r[1]} has {created.get(r[0], 0)} 'created' events"
                for r in q("SELECT id, number FROM orders") if created.get(r[0], 0) != 1]
        events = set(q("SELECT entity_id, change FROM history_event WHERE "
                       "entity_type = 'reservation'"))
        out += [f"reservation {r[0]} lacks its history" for r in q(
            "SELECT CAST(id AS TEXT), active FROM reservation")
            if (r[0], "created") not in events or (not r[1] and (r[0], "deleted") not in events)]
        present = {r[0] for r in q("SELECT uuid FROM orders")}
        out += [f"committed order {u} is gone" for u in committed - present]
    finally:
        con.close()
    return out


@pytest.mark.slow
def test_fifty_kills_lose_nothing_and_half_save_nothing(
        desk: Desk, db_path: Path, children: Children, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Big A", "Big B", "Big C"):
        desk.inventory.save(Lot("PLANK-2x4", name, Decimal(BIG), lot=name[-1]))
    desk.store.close()
    rnd = random.Random(20261102)
    committed: set[str] = set()
    per_round: list[int] = []
    started = time.perf_counter()
    checking = 0.0
    for i in range(ROUNDS):
        p = children.start("torture", db_path, desk.company_id, i)
        children.wait_ready(p)
        time.sleep(rnd.uniform(0.05, 0.4))
        p.kill()
        p.wait()
        out = p.stdout.read().decode()  # type: ignore[union-attr]
        p.stdout.close()  # type: ignore[union-attr]
        err = p.stderr.read().decode()  # type: ignore[union-attr]
        p.stderr.close()  # type: ignore[union-attr]
        assert p.returncode == -9, err  # it was still saving: killed, not crashed
        saved = [json.loads(x)["order"] for x in out.splitlines() if '"order"' in x]
        committed.update(saved)
        per_round.append(len(saved))
        t0 = time.perf_counter()
        problems = _problems(db_path, committed)
        checking += time.perf_counter() - t0
        assert problems == [], f"after kill {i + 1}: {problems[:10]}"
        if i % 10 == 9:  # the command a user would run also says all is well
            assert cli_main(["--db", str(db_path), "check"]) == 0
            assert "database OK" in capsys.readouterr().out
    with capsys.disabled():
        print(f"\nkill torture: {ROUNDS} kills survived, {len(committed)} orders committed "
              f"({min(per_round)}–{max(per_round)} per round), "
              f"{time.perf_counter() - started:.1f} s ({checking:.1f} s checking)")
    # the kills landed while work was going on, not only before the first save
    assert sum(1 for n in per_round if n) >= ROUNDS // 2
