"""Import, step two: write a checked plan in one transaction through the core, or nothing."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from orderdesk.core.errors import ConflictError
from orderdesk.core.tx import write
from orderdesk.exchange.columns import ExchangeError, Progress, check_progress, gc_paused
from orderdesk.exchange.plan import ImportPlan, Update

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk
    from orderdesk.core.docs import Order

BATCH = 2000  # orders per create_many call: bounded memory for history rows
# SQLite page cache while a large import writes, in KiB. The orders table carries a
# (company, column, id) index per sortable column: new orders land at scattered places in
# each, and with the default 2 MB cache those pages are written out to the WAL and read
# back many times within the one transaction (100,000 orders: 9.6 s of inserts, not 3.5 s).
IMPORT_CACHE_KIB = 131072
_LARGE_IMPORT = 5000  # orders (new or updated) from which the cache is raised


class ImportRefused(ExchangeError):
    """apply_import was given a plan with problems; nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    lines: int
    new_customers: int


def apply_import(desk: Desk, plan: ImportPlan, progress: Progress | None = None) -> ImportResult:
    """Writes the plan in one transaction: new customers, new orders, updated orders.

    All or nothing: a problem, a conflict with someone's newer save, or a cancel through
    `progress(done, total)` rolls everything back. An import that changes nothing opens
    no transaction at all (re-importing the same files leaves no trace).
    """
    if not plan.ok:
        raise ImportRefused(f"the import has {plan.problem_count} problem(s); nothing was written")
    total = len(plan.creates) + len(plan.updates)
    updated = 0
    if plan.changes_anything:
        with gc_paused(), _page_cache(desk, plan), \
                write(desk.store, desk.company_id, desk.actor) as tx:
            check_progress(progress, 0, total)
            if plan.customers:
                desk.catalog.create_customers(plan.customers)
            done = 0
            for i in range(0, len(plan.creates), BATCH):
                chunk = plan.creates[i:i + BATCH]
                # The plan built each document as clean_order returns it, from values
                # checked with the core's validators: the core does not check them again.
                desk.orders.create_many(chunk, imported=True, prevalidated=True)
                tx.flush()  # history rows go out per batch instead of piling up
                done += len(chunk)
                check_progress(progress, done, total)
            files = ", ".join(f for f, _ in plan.files)
            for u in plan.updates:
                if _update(desk, u, files):
                    updated += 1
                done += 1
                if done % 200 == 0 or done == total:
                    check_progress(progress, done, total)
    return ImportResult(len(plan.creates), updated, plan.unchanged_orders + len(plan.updates)
                        - updated, plan.lines, len(plan.customers))


@contextmanager
def _page_cache(desk: Desk, plan: ImportPlan) -> Iterator[None]:
    """A large page cache on this connection for the length of a large SQLite import."""
    if not desk.store.is_sqlite or len(plan.creates) + len(plan.updates) < _LARGE_IMPORT:
        yield
        return
    before = desk.store.execute("PRAGMA cache_size").fetchone()[0]
    desk.store.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        # The cache is freed as it shrinks back (the pages stay in the file and the WAL).
        desk.store.execute(f"PRAGMA cache_size = {int(before)}")


def _update(desk: Desk, u: Update, files: str) -> bool:
    doc = desk.orders.get(u.id)
    if doc.version != u.version:
        raise ConflictError(f"order {u.number}", u.version, doc.version, doc.updated_by,
                            doc.updated_at)
    for attr, value in u.header.items():
        setattr(doc, attr, value if attr != "reference" else (value or None))
    if u.lines is not None:
        doc.lines = _keep_tax_details(doc, u.lines)
    after = desk.orders.update(doc, expected_version=u.version)
    if after.version == u.version:
        return False
    desk.attachments.add_log(u.id, "Imported", f"Updated by an import from {files}")
    return True


def _keep_tax_details(doc: Order, lines: list) -> list:  # type: ignore[type-arg]
    """Taxes read from a file carry name and rate only: keep a line's group and type."""
    old = {ln.id: ln for ln in doc.lines}
    for ln in lines:
        prev = old.get(ln.id)
        if prev and [(t.name, t.rate) for t in prev.taxes] == [(t.name, t.rate) for t in ln.taxes]:
            ln.taxes = prev.taxes
    return lines
