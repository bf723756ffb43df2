"""Opening a database: the SQLite file or a PostgreSQL URL, behind one small seam.

Everything engine-specific (pragmas, full-text search, id allocation, write locks)
lives in a Dialect, so the rest of the core speaks portable SQL with `?` params.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import unquote, urlparse

import peewee as pw

from orderdesk.core import schema

# Business records: a committed save must survive a power cut (synchronous=FULL),
# and two desks on one file wait for each other instead of failing (busy_timeout).
SQLITE_PRAGMAS = (
    ("busy_timeout", 10000),
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
)


class _SqliteDatabase(pw.SqliteDatabase):
    """Retries a pragma that meets a lock: switching a brand-new file to WAL while another
    program opens it can fail at once with "database is locked", busy timeout or not."""

    def _set_pragmas(self, conn: Any) -> None:
        cursor = conn.cursor()
        for pragma, value in self._pragmas:
            for attempt in range(200):
                try:
                    cursor.execute(f"PRAGMA {pragma} = {value};")
                    break
                except sqlite3.OperationalError as e:
                    if "locked" not in str(e) or attempt == 199:
                        raise
                    time.sleep(0.05)
        cursor.close()


class Dialect:
    """SQLite flavour; PostgresDialect overrides what differs."""

    name = "sqlite"

    def __init__(self, db: pw.Database) -> None:
        self.db = db

    def sql(self, text: str) -> str:
        return text

    def begin_write(self) -> Any:
        # IMMEDIATE takes the write lock up front: no deadlock-prone lock upgrades.
        return self.db.atomic("IMMEDIATE")

    def create_search(self) -> None:
        self.db.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS order_search USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )

    def index_orders(self, rows: Sequence[tuple[int, str]], fresh: bool = False) -> None:
        cur = self.db.cursor()
        if not fresh:
            cur.executemany("DELETE FROM order_search WHERE rowid = ?", [(r[0],) for r in rows])
        cur.executemany("INSERT INTO order_search (rowid, body) VALUES (?, ?)", rows)

    def search_condition(self, words: Sequence[str]) -> tuple[str, list[Any]]:
        return ("o.id IN (SELECT rowid FROM order_search WHERE order_search MATCH ?)",
                [self._match(words)])

    def search_join(self, words: Sequence[str]) -> tuple[str, list[Any]]:
        """Orders joined from their full-text hits (CROSS JOIN: the hits drive the loop)."""
        return ("(SELECT rowid AS hid FROM order_search WHERE order_search MATCH ?) h "
                "CROSS JOIN orders o ON o.id = h.hid", [self._match(words)])

    def search_hits(self, words: Sequence[str], cap: int) -> int:
        """How many orders of any company the index matches, counted up to cap + 1."""
        row = self.db.execute_sql(
            "SELECT COUNT(*) FROM (SELECT 1 FROM order_search WHERE order_search MATCH ? "
            "LIMIT ?)", (self._match(words), cap + 1)).fetchone()
        return int(row[0])

    @staticmethod
    def _match(words: Sequence[str]) -> str:
        return " ".join('"' + w.replace('"', '""') + '"*' for w in words)

    def allocate_ids(self, table: str, count: int) -> list[int]:
        """`count` fresh integer ids; the caller holds the write lock."""
        row = self.db.execute_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
        return list(range(int(row[0]) + 1, int(row[0]) + 1 + count))

    def lock_row(self, table: str) -> str:
        return ""

    def check(self) -> list[str]:
        problems = [r[0] for r in self.db.execute_sql("PRAGMA integrity_check").fetchall()]
        problems = [p for p in problems if p != "ok"]
        for row in self.db.execute_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign key: {row[0]} row {row[1]} → {row[2]}")
        return problems


class PostgresDialect(Dialect):
    name = "postgresql"

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def begin_write(self) -> Any:
        return self.db.atomic()

    def create_search(self) -> None:
        self.db.execute_sql(
            "CREATE TABLE IF NOT EXISTS order_search (order_id BIGINT PRIMARY KEY, body TEXT, "
            "tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)"
        )
        self.db.execute_sql(
            "CREATE INDEX IF NOT EXISTS order_search_tsv ON order_search USING GIN (tsv)"
        )

    def index_orders(self, rows: Sequence[tuple[int, str]], fresh: bool = False) -> None:
        # PostgreSQL's parser reads `2026-0042` as 2026 and -0042: index plain words, as
        # SQLite's unicode61 tokenizer sees them, so phrases match the same way.
        cur = self.db.cursor()
        cur.executemany(
            "INSERT INTO order_search (order_id, body) VALUES (%s, %s) "
            "ON CONFLICT (order_id) DO UPDATE SET body = EXCLUDED.body",
            [(oid, re.sub(r"[^\w]+", " ", body)) for oid, body in rows],
        )

    @staticmethod
    def _tsquery(words: Sequence[str]) -> str:
        # Each term is a phrase of words: adjacent (<->), the last one as a prefix.
        query = " & ".join(
            " <-> ".join(re.findall(r"\w+", w)) + ":*" for w in words if re.findall(r"\w+", w))
        return query or "''"

    def search_condition(self, words: Sequence[str]) -> tuple[str, list[Any]]:
        return (
            "o.id IN (SELECT order_id FROM order_search WHERE tsv @@ to_tsquery('simple', ?))",
            [self._tsquery(words)],
        )

    def search_join(self, words: Sequence[str]) -> tuple[str, list[Any]]:
        return ("(SELECT order_id AS hid FROM order_search WHERE tsv @@ "
                "to_tsquery('simple', ?)) h JOIN orders o ON o.id = h.hid",
                [self._tsquery(words)])

    def search_hits(self, words: Sequence[str], cap: int) -> int:
        row = self.db.execute_sql(
            "SELECT COUNT(*) FROM (SELECT 1 FROM order_search WHERE tsv @@ "
            "to_tsquery('simple', %s) LIMIT %s) t", (self._tsquery(words), cap + 1)).fetchone()
        return int(row[0])

    def allocate_ids(self, table: str, count: int) -> list[int]:
        rows = self.db.execute_sql(
            f"SELECT nextval('{table}_id_seq') FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def lock_row(self, table: str) -> str:
        return " FOR UPDATE"

    def check(self) -> list[str]:
        return []


Listener = Callable[[Any], None]


class Store:
    """One open database: connections per thread, the dialect, change listeners."""

    def __init__(self, target: str | Path) -> None:
        self.target = str(target)
        self.db, self.dialect = _connect(self.target)
        schema.proxy.initialize(self.db)
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self.local = threading.local()  # per-thread current transaction
        # Called inside the send transaction with (desk, order uuid); shared by every Desk
        # of this store (the reports layer stores the confirmation as sent).
        self.sent_hooks: list[Callable[[Any, str], None]] = []
        from orderdesk.core.migrations import migrate

        migrate(self)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect.name == "sqlite"

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Calls `listener(changes)` after each committed write, in the writing thread."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:  # the write is committed: a view's failure must not undo it
                logging.getLogger("orderdesk").exception("a change listener failed")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.db.execute_sql(self.dialect.sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.db.cursor().executemany(self.dialect.sql(sql), rows)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A consistent snapshot for multi-query reads."""
        with self.db.atomic():
            yield

    def backup(self, out: str | Path) -> None:
        """Copies the live database through SQLite's backup API (keeps locks honest)."""
        if not self.is_sqlite:
            raise NotImplementedError("use pg_dump for a PostgreSQL database")
        import os
        import sqlite3

        part = f"{out}.part"  # a crash never leaves half a backup under the real name
        dest = sqlite3.connect(part)
        try:
            self.db.connection().backup(dest)
        finally:
            dest.close()
        os.replace(part, out)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()


def _connect(target: str) -> tuple[pw.Database, Dialect]:
    if target.startswith(("postgresql://", "postgres://")):
        u = urlparse(target)
        db: pw.Database = pw.PostgresqlDatabase(
            unquote(u.path.lstrip("/")),
            user=unquote(u.username) if u.username else None,
            password=unquote(u.password) if u.password else None,
            host=u.hostname,
            port=u.port,
        )
        return db, PostgresDialect(db)
    path = Path(target.removeprefix("sqlite:///")).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = _SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10, check_same_thread=False)
    return db, Dialect(db)


def open_store(target: str | Path | None = None) -> Store:
    """Opens (creating and migrating if needed) the database; default: the user's data dir."""
    if target is None:
        from orderdesk.core.paths import default_database

        target = default_database()
    return Store(target)
