"""Recovery files: exact JSON round trip of orders, atomic saves that survive SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import types
import typing
from dataclasses import fields
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderdesk.core import Desk
from orderdesk.core.docs import Address, Order
from orderdesk.core.recovery import (
    SUFFIX, RecoveryStore, default_directory, order_from_json, order_to_json,
)
from tests.conftest import make_order

CHILD = Path(__file__).with_name("editor_child.py")
ROOT = Path(__file__).resolve().parents[2]

texts = st.text(max_size=12)
decimals = st.decimals(allow_nan=False, allow_infinity=False)
SPECIAL = {
    str: texts, int: st.integers(), bool: st.booleans(), Decimal: decimals,
    date: st.dates(date(1900, 1, 1), date(2200, 1, 1)),
    datetime: st.datetimes(timezones=st.sampled_from([timezone.utc, None])),
}


def strategy(tp: Any) -> st.SearchStrategy[Any]:
    """Values of any document type, read from its type hints: new fields are covered too."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.none() | strategy(next(a for a in args if a is not type(None)))
    if origin is list:
        return st.lists(strategy(args[0]), max_size=3)
    if origin is tuple:
        return st.lists(strategy(args[0]), max_size=2).map(tuple)
    if origin is dict:
        return st.dictionaries(texts, strategy(args[1]), max_size=3)
    if tp in SPECIAL:
        return SPECIAL[tp]
    hints = typing.get_type_hints(tp)
    return st.builds(tp, **{f.name: strategy(hints[f.name]) for f in fields(tp) if f.init})


@settings(max_examples=100, deadline=None)
@given(strategy(Order))
def test_order_json_round_trip_is_exact(order: Order) -> None:
    data = json.loads(json.dumps(order_to_json(order)))  # through real JSON text
    back = order_from_json(data)
    assert back == order
    # exact, not just numerically equal: 2.50 stays 2.50, 1E+2 stays 1E+2
    assert [str(ln.unit_price) for ln in back.lines] == [str(ln.unit_price) for ln in order.lines]
    assert order_to_json(back) == order_to_json(order)


def test_a_stored_order_round_trips(desk: Desk) -> None:
    o = desk.orders.create(make_order(lines=4, attributes={"k": "v"},
                                      addresses=[Address("Delivery", city="Brno")]))
    assert isinstance(o.created_at, datetime) and o.totals is not None
    assert order_from_json(json.loads(json.dumps(order_to_json(o)))) == o


def test_save_load_discard(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path / "rec")
    doc = make_order()
    doc.id, doc.number = "8d2c-uuid", "2026-0007"
    store.save(doc.id, {"order": order_to_json(doc), "cursor": [3, 2]})
    time.sleep(0.002)
    store.save("new/../../etc weird key", {"order": order_to_json(make_order(lines=1))})
    entries = store.load_all()
    assert [e.key for e in entries] == ["new/../../etc weird key", "8d2c-uuid"]
    assert all(e.path.parent == tmp_path / "rec" for e in entries)  # the key never escapes
    e = store.load("8d2c-uuid")
    assert e is not None and (e.order_id, e.order_number) == ("8d2c-uuid", "2026-0007")
    assert e.payload["cursor"] == [3, 2] and order_from_json(e.payload["order"]) == doc
    assert e.saved_at.tzinfo is not None
    store.save(doc.id, {"order": order_to_json(doc), "cursor": [4, 0]})
    assert store.load(doc.id).payload["cursor"] == [4, 0]  # type: ignore[union-attr]
    store.discard(doc.id)
    store.discard(doc.id)  # twice is fine
    assert [e.key for e in store.load_all()] == ["new/../../etc weird key"]
    assert sorted(p.name for p in (tmp_path / "rec").iterdir() if p.name.startswith(".")) == []


def test_foreign_and_broken_files_are_not_offered(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.save("a", {"x": 1})
    (tmp_path / ("b" + SUFFIX)).write_text('{"format": 1, "key": "b", "payl')
    (tmp_path / ".tmpabc.tmp").write_text("{")
    (tmp_path / "notes.txt").write_text("hello")
    assert [e.key for e in store.load_all()] == ["a"]


def test_default_directory_is_under_the_data_dir(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_directory() == tmp_path / "OrderDesk" / "recovery"
    assert RecoveryStore().directory == tmp_path / "OrderDesk" / "recovery"


@pytest.mark.slow
def test_sigkill_while_saving_never_leaves_half_a_file(tmp_path: Path) -> None:
    from tests.core.editor_child import checksum

    directory = tmp_path / "rec"
    rnd = random.Random(6)
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    gens: set[int] = set()
    for _ in range(8):
        p = subprocess.Popen([sys.executable, str(CHILD), "recovery", str(directory)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            assert p.stdout is not None and p.stdout.readline() == b"ready\n", \
                p.stderr.read().decode() if p.stderr else ""
            time.sleep(rnd.uniform(0.01, 0.3))
        finally:
            p.send_signal(signal.SIGKILL)  # our own child, by its pid
            p.communicate()
        files = sorted(directory.glob("*" + SUFFIX))
        assert files and len(files) <= 3
        for f in files:  # every file is complete JSON with a consistent document
            record = json.loads(f.read_text(encoding="utf-8"))
            payload = record["payload"]
            assert checksum(payload["order"]) == payload["sum"]
            order = order_from_json(payload["order"])
            assert {ln.description for ln in order.lines} == {order.notes}
            assert len(order.lines) == 200
            gens.add(payload["gen"])
        assert len(RecoveryStore(directory).load_all()) == len(files)
    assert len(gens) > 3, "the child wrote many generations"
