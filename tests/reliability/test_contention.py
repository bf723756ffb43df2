"""Several processes on one file: writers wait for each other; stock never over-allocates."""

from __future__ import annotations

import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from orderdesk.core import Desk
from orderdesk.core.history import HistoryFilter
from orderdesk.core.inventory import Lot
from orderdesk.core.migrations import LATEST

from tests.conftest import make_order
from tests.reliability.conftest import Children


def _start_together(children: Children, procs: list[subprocess.Popen[bytes]],
                    go: Path) -> None:
    for p in procs:
        children.wait_ready(p)
    go.touch()


def test_eight_desks_opening_one_new_file_at_once_all_succeed(
        tmp_path: Path, children: Children) -> None:
    """The schema is created once, under the write lock; the others wait and find it."""
    db, go = tmp_path / "new.sqlite3", tmp_path / "go"
    procs = [children.start("open", db, 0, go) for _ in range(8)]
    _start_together(children, procs, go)
    versions = [children.finish(p)[0] for p in procs]
    assert len({tuple(v) for v in versions}) == 1
    assert versions[0] == list(range(1, LATEST + 1))


def _count_in_eight_processes(desk: Desk, tmp_path: Path, children: Children, each: int,
                              style: str) -> tuple[list[dict[str, int]], float]:
    """8 processes × `each` increments of one order's attribute; checks the outcome."""
    order = desk.orders.create(make_order(lines=1, attributes={"counter": "0"}))
    desk.store.close()
    go = tmp_path / "go"
    started = time.perf_counter()
    procs = [children.start("counter", desk.store.target, desk.company_id, order.id, each, go,
                            style) for _ in range(8)]
    _start_together(children, procs, go)
    results = [children.finish(p, timeout=170)[0] for p in procs]
    elapsed = time.perf_counter() - started
    total = 8 * each
    assert [r["locked"] for r in results] == [0] * 8  # nobody saw "database is locked"
    assert sum(r["applied"] for r in results) == total
    after = desk.orders.get(order.id)
    assert after.attributes["counter"] == str(total)
    assert after.version == order.version + total
    events = desk.history.timeline(order.id, flt=HistoryFilter(field="attribute:counter"),
                                   limit=total + 10)
    # each increment read the value the previous one wrote: 1..total, each exactly once
    assert sorted(int(e.new) for e in events) == list(range(1, total + 1))  # type: ignore[arg-type]
    assert sorted(int(e.old) for e in events) == list(range(0, total))  # type: ignore[arg-type]
    assert len({e.actor_id for e in events}) == 8
    return results, elapsed


@pytest.mark.slow
def test_eight_processes_each_apply_250_read_modify_writes(
        desk: Desk, tmp_path: Path, children: Children, capsys: pytest.CaptureFixture[str]) -> None:
    results, elapsed = _count_in_eight_processes(desk, tmp_path, children, 250, "locked-read")
    assert sum(r["conflicts"] for r in results) == 0  # read under the write lock: never stale
    with capsys.disabled():
        print(f"\ncontention (IMMEDIATE, read inside the write): 8 × 250 → 2000 applied, "
              f"0 'database is locked', {elapsed:.1f} s")


def test_optimistic_saves_in_eight_processes_retry_conflicts_and_lose_nothing(
        desk: Desk, tmp_path: Path, children: Children, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor's way: read, change, save with the version read; a stale save is refused."""
    results, elapsed = _count_in_eight_processes(desk, tmp_path, children, 40, "optimistic")
    conflicts = sum(r["conflicts"] for r in results)
    with capsys.disabled():
        print(f"\ncontention (optimistic versions): 8 × 40 → 320 applied, {conflicts} stale "
              f"saves refused and retried, 0 'database is locked', {elapsed:.1f} s")


def test_deferred_read_modify_writes_fail_with_database_is_locked(
        desk: Desk, tmp_path: Path, children: Children, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: without IMMEDIATE the same work is refused, so the test above can fail."""
    order = desk.orders.create(make_order(lines=1, attributes={"counter": "0"}))
    row_id = desk.orders.order_head(order.id)["id"]
    desk.store.close()
    go = tmp_path / "go"
    procs = [children.start("deferred", desk.store.target, desk.company_id, row_id, 60, go)
             for _ in range(8)]
    _start_together(children, procs, go)
    results = [children.finish(p, timeout=120)[0] for p in procs]
    applied = sum(r["applied"] for r in results)
    locked = sum(r["locked"] for r in results)
    assert applied + locked == 480
    assert locked > 0  # the read snapshot went stale before the write: SQLITE_BUSY
    # SQLite refuses the stale write rather than losing it: the value counts what was applied
    assert desk.orders.get(order.id).attributes["counter"] == str(applied)
    with capsys.disabled():
        print(f"\ncontention (DEFERRED, raw sqlite3): 8 × 60 → {applied} applied, "
              f"{locked} failed with 'database is locked'")


@pytest.mark.slow
def test_twenty_processes_reserving_one_of_ten_never_over_allocate(
        desk: Desk, tmp_path: Path, children: Children, capsys: pytest.CaptureFixture[str]) -> None:
    order = desk.orders.create(make_order(lines=20))
    lot = desk.inventory.save(Lot("PLANK-2x4", "Pine batch", Decimal(10), lot="H-77"))
    desk.store.close()
    go = tmp_path / "go"
    procs = [children.start("reserve", desk.store.target, desk.company_id, line.id, lot.id, go)
             for line in order.lines]
    _start_together(children, procs, go)
    results = [children.finish(p)[0] for p in procs]

    ok = [r["ok"] for r in results if "ok" in r]
    refused = [r["refused"] for r in results if "refused" in r]
    assert (len(ok), len(refused)) == (10, 10)
    for message in refused:  # says which lot and why
        assert message.startswith("lot Pine batch")
        assert "nothing available" in message or "has only" in message
    rows = desk.inventory.reservations(lot=lot.id)
    assert sorted(r.id for r in rows) == sorted(ok)
    assert sum(r.quantity for r in rows) == 10
    family = [x for x in desk.inventory.lots() if x.lot == "H-77"]
    assert sum(x.reserved for x in family) == 10
    assert sum(x.quantity for x in family) == 10  # splits moved stock, none was made up
    assert all(x.reserved <= x.quantity for x in family)
    assert desk.check() == []
    with capsys.disabled():
        print(f"\nover-allocation: 20 processes × 1 of 10 → {len(ok)} reserved, "
              f"{len(refused)} refused ({refused[0]!r})")
