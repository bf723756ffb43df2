"""The two exchange tables: exact column names, cell text rules, shared errors and progress."""

from __future__ import annotations

import gc
import os
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from orderdesk.core.money import parse_taxes, minor_unit

# (done, total) → False to cancel; called from the worker thread that runs the job.
Progress = Callable[[int, int], bool]

ORDER_COLUMNS = (
    "OrderId", "OrderNumber", "OrderReference", "CustomerReference", "CustomerCode",
    "CustomerName", "OrderDate", "DeliveryDate", "Site", "Currency", "Stage", "Status",
    "Notes", "Active",
)
ORDER_COMPUTED = (
    "LineCount", "TotalQuantity", "ProductsTotal", "SurchargesTotal", "TaxTotal", "GrandTotal",
    "Paid", "Balance", "CreatedAt", "UpdatedAt",
)
LINE_COLUMNS = (
    "LineId", "OrderId", "OrderReference", "Position", "ItemCode", "Description", "Quantity",
    "Unit", "UnitPrice", "DiscountPercent", "Taxes", "Active",
)
LINE_COMPUTED = ("Subtotal", "TaxAmount", "Total")

ORDERS_FILE = "orders.csv"
LINES_FILE = "order-line-items.csv"

# Import files of this size or more are refused before a byte is parsed: enough for about
# 100,000 orders or 500,000 lines linked by OrderReference, while a stray log file or disk
# image is turned away at once.
MAX_FILE_BYTES = 50_000_000

# A cell whose text starts with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0")


class Cancelled(Exception):
    """The user cancelled through the progress callback; nothing was written."""


class ExchangeError(Exception):
    """A file that cannot be exported or read at all (not a per-row problem)."""


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    Text that already starts with apostrophes followed by a trigger gets one more, so
    `restore` can undo exactly one and every string survives export → import.
    """
    if text and text.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def restore(text: str) -> str:
    """The inverse of `neutralise` (applied to every text cell read on import)."""
    if text[:1] == "'" and text[1:].lstrip("'")[:1] in FORMULA_TRIGGERS and len(text) > 1:
        return text[1:]
    return text


def plain(d: Decimal) -> str:
    """A Decimal as plain text with a decimal point: no exponent, no trailing zeros."""
    if not d:
        return "0"
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


@lru_cache(maxsize=None)
def money_format(currency: str) -> str:
    """The XLSX number format showing the currency's decimals (e.g. 0.00 for EUR)."""
    places = -minor_unit(currency).as_tuple().exponent  # type: ignore[operator]
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def format_taxes(taxes: tuple[tuple[str, Decimal], ...] | list[tuple[str, Decimal]]) -> str:
    """`VAT 21%; Eco 0.5%`."""
    return "; ".join(f"{name} {plain(rate)}%" for name, rate in taxes)


def bool_text(value: bool) -> str:
    return "true" if value else "false"


def parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("true", "1", "yes", "y"):
        return True
    if t in ("false", "0", "no", "n"):
        return False
    raise ValueError(f"{text!r} is not true or false")


def check_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled("cancelled; nothing was written")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses Python's cycle collector for a bulk import step.

    An import builds a few million acyclic objects (rows, documents, parameter tuples) that
    all stay alive until it ends; each full collection walks all of them again, which cost
    half of the planning time of 600,000 rows. Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def atomic_output(out_path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside `out_path`, renamed over it only when the body succeeds.

    A crash or cancel never leaves half a file under the real name.
    """
    target = Path(out_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
