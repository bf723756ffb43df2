"""A separate process that works on a database the way a second desk would, for the tests.

    python child.py MODE DB COMPANY_ID [ARGS...]

Every mode prints `ready` once its imports and connection are done, then (where a test
needs a common start) waits for a go-file, then prints one JSON line per result. Output is
written with os.write so what a killed child reported is exactly what it had finished.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderdesk.core import Actor, ConflictError, Desk, Line, Order, StockError, Tax, open_store
from orderdesk.core.inventory import Lot
from orderdesk.core.tx import write


def say(value: Any) -> None:
    os.write(1, (json.dumps(value) if not isinstance(value, str) else value).encode() + b"\n")


def wait_for(go_file: str) -> None:
    # A file rather than a pipe: all children see it appear at the same moment.
    while not os.path.exists(go_file):
        time.sleep(0.0005)


def pragmas(db: str, company_id: str) -> None:
    """The pragmas of this process's connections: main thread, three more, a reconnect."""
    store = open_store(db)
    seen: list[list[Any]] = []

    def probe() -> None:
        q = store.db.execute_sql
        seen.append([q(f"PRAGMA {p}").fetchone()[0]
                     for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")])
        store.db.close()

    probe()
    threads = [threading.Thread(target=probe) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    probe()  # a fresh connection after close gets them again
    say(seen)


def open_new(db: str, company_id: str, go_file: str) -> None:
    """Opens (creating and migrating) a database file at the same moment as others."""
    say("ready")
    wait_for(go_file)
    store = open_store(db)
    versions = [r[0] for r in store.execute("SELECT version FROM schema_version ORDER BY id")]
    store.close()
    say(versions)


def torture(db: str, company_id: str, seed: str) -> None:
    """Saves orders of ten reserved lines, one per transaction, until it is killed."""
    store = open_store(db)
    desk = Desk(store, int(company_id), Actor(f"child-{os.getpid()}", "Torture child"))
    rnd = random.Random(int(seed))
    big = [lot.id for lot in desk.inventory.lots() if lot.name in ("Big A", "Big B", "Big C")]
    say("ready")
    n = 0
    while True:
        n += 1
        doc = Order(customer_code="C1", order_date=date(2026, 11, 2), lines=[
            Line("PLANK-2x4", Decimal(rnd.randint(1, 40)), Decimal("2.50"),
                 description=f"Plank {i}", taxes=[Tax("VAT", Decimal(21))]) for i in range(10)])
        with write(store, desk.company_id, desk.actor):
            order = desk.orders.create(doc)
            # line 1 takes a fresh small lot whole; the others split a big lot
            small = desk.inventory.save(Lot("PLANK-2x4", f"Small {os.getpid()}-{n}",
                                            order.lines[0].quantity, lot=f"S{n}"))
            desk.inventory.reserve(order.lines[0].id, small.id, None)  # type: ignore[arg-type]
            for line in order.lines[1:]:
                assert line.id is not None
                desk.inventory.reserve(line.id, rnd.choice(big), line.quantity)
        say({"order": order.id})
        if n % 4 == 0:  # give some stock back, and delete an order now and then
            active = desk.inventory.reservations(order=order.id)
            desk.inventory.unreserve(rnd.choice(active).id)
            say({"unreserved": order.id})
        if n % 7 == 0:
            desk.orders.delete([order.id])  # type: ignore[list-item]
            say({"deleted": order.id})


def counter(db: str, company_id: str, order: str, count: str, go_file: str,
            style: str = "locked-read") -> None:
    """Read-modify-writes of the order's `counter` attribute through the core.

    locked-read: the read happens inside the write transaction (IMMEDIATE), so nobody can
    slip in between. optimistic: read outside, save with the version read, and on a
    ConflictError read again — what an editor does.
    """
    store = open_store(db)
    desk = Desk(store, int(company_id), Actor(f"p{os.getpid()}", f"Process {os.getpid()}"))
    say("ready")
    wait_for(go_file)
    applied = locked = conflicts = 0
    while applied + locked < int(count):
        try:
            if style == "optimistic":
                doc = desk.orders.get(order)
                doc.attributes["counter"] = str(int(doc.attributes["counter"]) + 1)
                desk.orders.update(doc, doc.version)
            else:
                with write(store, desk.company_id, desk.actor):
                    doc = desk.orders.get(order)
                    doc.attributes["counter"] = str(int(doc.attributes["counter"]) + 1)
                    desk.orders.update(doc, doc.version)
            applied += 1
        except ConflictError:
            conflicts += 1
        except sqlite3.OperationalError as e:
            if "locked" not in str(e):
                raise
            locked += 1
    say({"applied": applied, "locked": locked, "conflicts": conflicts})


def deferred(db: str, company_id: str, order_row: str, count: str, go_file: str) -> None:
    """The same read-modify-write in DEFERRED transactions: the read takes no write lock."""
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    con.execute("PRAGMA busy_timeout = 10000")
    say("ready")
    wait_for(go_file)
    applied = locked = 0
    for _ in range(int(count)):
        try:
            con.execute("BEGIN DEFERRED")
            value = con.execute("SELECT value FROM order_attribute WHERE order_id = ? AND "
                                "key = 'counter'", [int(order_row)]).fetchone()[0]
            con.execute("UPDATE order_attribute SET value = ? WHERE order_id = ? AND "
                        "key = 'counter'", [str(int(value) + 1), int(order_row)])
            con.execute("COMMIT")
            applied += 1
        except sqlite3.OperationalError as e:
            if "locked" not in str(e):
                raise
            locked += 1
            con.execute("ROLLBACK")
    con.close()
    say({"applied": applied, "locked": locked})


def reserve(db: str, company_id: str, line_id: str, lot: str, go_file: str) -> None:
    """Reserves one unit of the lot for the line, at the common start."""
    store = open_store(db)
    desk = Desk(store, int(company_id), Actor(f"p{os.getpid()}", f"Process {os.getpid()}"))
    desk.inventory.lots()  # warm the connection before the start
    say("ready")
    wait_for(go_file)
    try:
        rid = desk.inventory.reserve(line_id, lot, Decimal(1))
        say({"ok": rid})
    except StockError as e:
        say({"refused": str(e)})


def save(db: str, company_id: str, order: str, version: str, notes: str) -> None:
    """Session A of the stale-save test: one save with the version it read."""
    store = open_store(db)
    desk = Desk(store, int(company_id), Actor("anna", "Anna Other-Desk"))
    doc = desk.orders.get(order)
    doc.notes = notes
    doc.lines[0].quantity += 5
    saved = desk.orders.update(doc, int(version))
    assert saved.updated_at is not None
    say({"version": saved.version, "updated_at": saved.updated_at.isoformat()})


MODES = {"pragmas": pragmas, "open": open_new, "torture": torture, "counter": counter,
         "deferred": deferred, "reserve": reserve, "save": save}

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    MODES[sys.argv[1]](*sys.argv[2:])
