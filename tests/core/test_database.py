"""The database: pragmas on every connection, schema versions and in-place upgrades."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from orderdesk.core import Desk, OrderQuery, Store, open_store
from orderdesk.core.migrations import LATEST, current_version

DATA = Path(__file__).parent / "data"


def test_every_thread_connection_has_the_pragmas(store: Store) -> None:
    seen: list[tuple[object, ...]] = []

    def probe() -> None:
        q = store.db.execute_sql
        seen.append((q("PRAGMA journal_mode").fetchone()[0], q("PRAGMA synchronous").fetchone()[0],
                     q("PRAGMA foreign_keys").fetchone()[0], q("PRAGMA busy_timeout").fetchone()[0]))
        store.db.close()

    threads = [threading.Thread(target=probe) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [("wal", 2, 1, 10000)] * 4  # synchronous 2 = FULL


def test_a_fresh_database_is_at_the_latest_version(store: Store) -> None:
    assert current_version(store) == LATEST


def test_a_schema_1_database_is_upgraded_in_place_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript((DATA / "schema_v1.sql").read_text(encoding="utf-8"))
    con.close()
    store = open_store(path)
    assert current_version(store) == LATEST
    desk = Desk(store, 1)
    o = desk.orders.get("2026-0007")
    assert (o.customer_name, o.reference, o.notes, o.version) == \
        ("Kovárna Dvořák", "LEG-7", "Legacy note", 2)
    assert o.lines[0].quantity == 10 and str(o.totals.grand_total) == "38.72"  # type: ignore[union-attr]
    assert [r.number for r in desk.listing.page(OrderQuery(text="kovarna")).rows] == ["2026-0007"]
    assert desk.history.timeline(o.id)[0].actor_name == "Legacy user"
    new = desk.orders.duplicate(o.id)
    assert new.number == "2026-0008"  # the counter carried over
    versions = [r[0] for r in store.execute("SELECT version FROM schema_version ORDER BY id")]
    assert versions == list(range(1, LATEST + 1))
    assert store.dialect.check() == []


def test_backup_uses_the_backup_api(desk: Desk, tmp_path: Path) -> None:
    from tests.conftest import make_order

    desk.orders.create(make_order())
    out = tmp_path / "copy.sqlite3"
    desk.store.backup(out)
    con = sqlite3.connect(out)
    assert con.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 1
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
