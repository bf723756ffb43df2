"""The same core against a real PostgreSQL server (the shared database for several desks)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from datetime import date
from decimal import Decimal
from typing import Iterator

import pytest

from orderdesk.core import (
    Actor, ConflictError, Desk, OrderQuery, StockError, create_company, open_store,
)
from orderdesk.core.inventory import Lot
from tests.conftest import make_order


def _bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on loopback, started for these tests."""
    pgbin = _bin()
    if pgbin is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql; "
                    ".ci/run does this)")
    data = tempfile.mkdtemp(prefix="orderdesk-pg-")
    port = _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(data, "postgres")
    subprocess.run([*as_user, f"{pgbin}/initdb", "-D", data, "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run([*as_user, f"{pgbin}/pg_ctl", "-D", data, "-w", "-l", f"{data}/log", "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        import psycopg2

        for _ in range(50):
            try:
                con = psycopg2.connect(host="127.0.0.1", port=port, user="postgres",
                                       dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(0.1)
        con.autocommit = True
        con.cursor().execute("CREATE DATABASE orderdesk")
        con.close()
        yield f"postgresql://postgres@127.0.0.1:{port}/orderdesk"
    finally:
        subprocess.run([*as_user, f"{pgbin}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_orders_history_search_and_stock_on_postgresql(pg_url: str) -> None:
    store = open_store(pg_url)
    desk = Desk(store, create_company(store, "Shared Co", "EUR").id, Actor("ann", "Ann"))
    desk.catalog.create_customers([("C1", "Customer One"), ("C2", "Zákazník Dva")])
    a = desk.orders.create(make_order(lines=3, reference="PG-1"))
    b = desk.orders.create(make_order(customer="C2", lines=1, order_date=date(2026, 5, 1)))
    assert (a.number, b.number) == ("2026-0001", "2026-0002")
    doc = desk.orders.get(a.id)
    doc.lines[0].quantity = Decimal("9")
    doc.lines.pop()
    saved = desk.orders.update(doc)
    assert saved.version == 2 and len(saved.lines) == 2
    assert saved.totals is not None and saved.totals.grand_total == Decimal("33.28")
    assert {r.number for r in desk.listing.page(OrderQuery(text="Zákaz")).rows} == {b.number}
    assert {r.number for r in desk.listing.page(OrderQuery(text="PG-1")).rows} == {a.number}
    rows = desk.listing.page(OrderQuery(sort="delivery_date", descending=False), limit=1)
    nxt = desk.listing.page(OrderQuery(sort="delivery_date", descending=False), limit=1,
                            after=rows.rows[0].key)
    assert {rows.rows[0].number, nxt.rows[0].number} == {a.number, b.number}
    fields = [(e.entity_type, e.field) for e in desk.history.timeline(a.id)]
    assert ("line", "quantity") in fields and ("line", "active") in fields
    bob = desk.as_actor(Actor("bob", "Bob"))
    mine, theirs = desk.orders.get(a.id), bob.orders.get(a.id)
    theirs.notes = "bob"
    bob.orders.update(theirs)
    mine.notes = "ann"
    with pytest.raises(ConflictError, match="Bob"):
        desk.orders.update(mine)
    desk.lifecycle.send(a.id)
    desk.orders.delete([a.id])
    desk.orders.restore([a.id])
    assert desk.orders.get(a.id).stage == "sent"


def test_concurrent_reservations_on_postgresql(pg_url: str) -> None:
    store = open_store(pg_url)
    desk = Desk(store, create_company(store, "Stock Co", "EUR").id, Actor("ann", "Ann"))
    desk.catalog.create_customers([("C1", "One")])
    lot = desk.inventory.save(Lot("PLANK-2x4", "Ten", Decimal(10), lot="T"))
    orders = [desk.orders.create(make_order(lines=1)) for _ in range(16)]
    ok, refused = [], []

    def take(line_id: str) -> None:
        try:
            ok.append(desk.inventory.reserve(line_id, lot.id, Decimal(1)))  # type: ignore[arg-type]
        except StockError:
            refused.append(line_id)

    threads = [threading.Thread(target=take, args=(o.lines[0].id,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ok) == 10 and len(refused) == 6
    assert sum(r.quantity for r in desk.inventory.reservations()) == 10
