"""Every connection, in every thread and every process, runs with the durable settings."""

from __future__ import annotations

import threading
from typing import Any

from orderdesk.core import Store

from tests.reliability.conftest import Children


def _assert_durable(seen: list[list[Any]]) -> None:
    for journal, synchronous, foreign_keys, busy in seen:
        assert journal == "wal"
        assert synchronous == 2  # FULL: a committed save survives a power cut
        assert foreign_keys == 1
        assert busy >= 5000


def test_threads_and_a_reconnect_keep_the_pragmas(store: Store) -> None:
    seen: list[list[Any]] = []

    def probe() -> None:
        q = store.db.execute_sql
        seen.append([q(f"PRAGMA {p}").fetchone()[0]
                     for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")])
        store.db.close()

    threads = [threading.Thread(target=probe) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    probe()
    probe()  # the main thread again, on a fresh connection after close
    assert len(seen) == 8
    _assert_durable(seen)


def test_a_child_process_connections_have_the_pragmas(store: Store, children: Children) -> None:
    [seen] = children.finish(children.start("pragmas", store.target, 0))
    assert len(seen) == 5  # main thread, three threads, main thread after a reconnect
    _assert_durable(seen)
