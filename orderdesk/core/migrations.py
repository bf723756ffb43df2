"""Schema versions: a fresh database gets the current schema; an older one is
upgraded in place by numbered migrations, each in its own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from orderdesk.core import schema
from orderdesk.core.fields import utcnow

if TYPE_CHECKING:
    from orderdesk.core.db import Store


def _sort_indexes(store: Store) -> None:
    for col in schema.SORTABLE:
        store.execute(
            f"CREATE INDEX IF NOT EXISTS orders_sort_{col} "
            f"ON orders (company_id, {col}, id)"
        )


def _m2_list_indexes_and_search(store: Store) -> None:
    """Order list: sort indexes and full-text search, filled from existing orders."""
    _sort_indexes(store)
    store.dialect.create_search()
    from orderdesk.core.search import reindex_all

    reindex_all(store)


def _m3_customer_name_index(store: Store) -> None:
    """Customer completion by name in the editor and the customers window."""
    store.execute(
        "CREATE INDEX IF NOT EXISTS customer_company_name ON customer (company_id, name)"
    )


def _m4_deleted_view_indexes(store: Store) -> None:
    """The Deleted view sorted by any column without walking every active order."""
    for col in schema.SORTABLE:
        store.execute(
            f"CREATE INDEX IF NOT EXISTS orders_deleted_{col} "
            f"ON orders (company_id, {col}, id) WHERE active = FALSE"
        )


# Version 1 is the first released schema (tables only). Append, never edit.
MIGRATIONS: dict[int, Callable[["Store"], None]] = {
    2: _m2_list_indexes_and_search,
    3: _m3_customer_name_index,
    4: _m4_deleted_view_indexes,
}
LATEST = max(MIGRATIONS)


def current_version(store: Store) -> int:
    if not store.db.table_exists("schema_version"):
        return 0
    row = store.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(store: Store) -> int:
    """Brings the database to LATEST; returns the version it started from."""
    with store.dialect.begin_write():
        # Read under the write lock: two programs opening a new file at once.
        start = current_version(store)
        if start == 0:
            store.db.create_tables(schema.MODELS)
            schema.SchemaVersion.create(version=1, applied_at=utcnow())
            for version in sorted(MIGRATIONS):
                MIGRATIONS[version](store)
                schema.SchemaVersion.create(version=version, applied_at=utcnow())
            return 0
    if start > LATEST:
        raise RuntimeError(
            f"database schema {start} is newer than this program ({LATEST}); upgrade OrderDesk"
        )
    for version in range(start + 1, LATEST + 1):
        # peewee's migrator opens no transaction itself: each step is atomic here.
        with store.dialect.begin_write():
            MIGRATIONS[version](store)
            schema.SchemaVersion.create(version=version, applied_at=utcnow())
    return start
