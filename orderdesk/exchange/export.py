"""Export orders to CSV, a ZIP of two CSVs, or XLSX: streamed page by page, written atomically."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from orderdesk.core.bulk import LineRecord, OrderRecord, line_records, order_records
from orderdesk.core.listing import OrderQuery
from orderdesk.exchange.raw_cells import iter_rows, line_csv, order_csv
from orderdesk.exchange.columns import (
    LINE_COLUMNS, LINE_COMPUTED, LINES_FILE, ORDER_COLUMNS, ORDER_COMPUTED, ORDERS_FILE,
    Progress, atomic_output, bool_text, check_progress, format_taxes, neutralise, plain,
)

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk

# What to export: a list-view query (the current filter), a selection of order ids,
# or None for every live order of the company (all stages).
Selection = OrderQuery | Sequence[str] | None

ORDER_HEADER = ORDER_COLUMNS + ORDER_COMPUTED
LINE_HEADER = LINE_COLUMNS + LINE_COMPUTED
PAGE = 500  # orders per read: a few MB of rows at most, whatever the export size


def _pages(desk: Desk, selection: Selection) -> tuple[int, Iterator[list[str]]]:
    """The number of orders and an iterator over their ids, one page at a time."""
    if selection is None:
        selection = OrderQuery(stages=())
    if isinstance(selection, OrderQuery):
        q = selection
        total = desk.listing.count(q)

        def keyset() -> Iterator[list[str]]:
            after = None
            while True:
                page = desk.listing.page(q, limit=PAGE, after=after)
                if page.rows:
                    yield [r.id for r in page.rows]
                if not page.more:
                    return
                after = page.rows[-1].key

        return total, keyset()
    ids = list(dict.fromkeys(selection))
    return len(ids), (ids[i:i + PAGE] for i in range(0, len(ids), PAGE))


def iter_records(desk: Desk, selection: Selection, progress: Progress | None,
                 with_lines: bool = True
                 ) -> Iterator[tuple[list[OrderRecord], list[LineRecord]]]:
    """Pages of (orders, their lines); calls `progress(done, total)` per page."""
    total, pages = _pages(desk, selection)
    done = 0
    check_progress(progress, 0, total)
    for ids in pages:
        orders = order_records(desk, ids)
        lines = line_records(desk, ids) if with_lines else []
        yield orders, lines
        done += len(ids)
        check_progress(progress, done, total)


# ---------- values of one row ----------

def _ts(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_text(o: OrderRecord) -> list[str]:
    """An orders.csv row (text cells neutralised)."""
    n = neutralise
    return [
        o.id, n(o.number), n(o.reference), n(o.customer_reference), n(o.customer_code),
        n(o.customer_name), o.order_date.isoformat(),
        o.delivery_date.isoformat() if o.delivery_date else "", n(o.site), o.currency, o.stage,
        n(o.status), n(o.notes), bool_text(o.active), str(o.line_count), plain(o.total_quantity),
        plain(o.products_total), plain(o.surcharges_total), plain(o.tax_total),
        plain(o.grand_total), plain(o.paid), plain(o.balance), _ts(o.created_at),
        _ts(o.updated_at),
    ]


def line_text(ln: LineRecord) -> list[str]:
    """An order-line-items.csv row."""
    n = neutralise
    return [
        ln.id, ln.order_id, n(ln.order_reference), str(ln.position), n(ln.item_code),
        n(ln.description), plain(ln.quantity), n(ln.unit), plain(ln.unit_price),
        plain(ln.discount), n(format_taxes(ln.taxes)), bool_text(ln.active), plain(ln.subtotal),
        plain(ln.tax_amount), plain(ln.total),
    ]


# ---------- CSV and ZIP ----------

def _csv_writer(stream: io.TextIOBase | Any) -> Any:
    # QUOTE_MINIMAL + \r\n is what Excel and LibreOffice write and read back.
    return csv.writer(stream, lineterminator="\r\n")


def export_csv(desk: Desk, selection: Selection, out_path: str | os.PathLike[str],
               progress: Progress | None = None) -> int:
    """orders.csv of the selected orders (UTF-8 with BOM so Excel detects it); returns the count."""
    count = 0
    with desk.store.reading(), atomic_output(out_path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            w = _csv_writer(f)
            w.writerow(ORDER_HEADER)
            for orders, _, _ in iter_rows(desk, selection, progress, with_lines=False):
                w.writerows(map(order_csv, orders))
                count += len(orders)
    return count


def export_zip(desk: Desk, selection: Selection, out_path: str | os.PathLike[str],
               progress: Progress | None = None) -> tuple[int, int]:
    """A ZIP holding orders.csv and order-line-items.csv; returns (orders, lines)."""
    n_orders = n_lines = 0
    with desk.store.reading(), atomic_output(out_path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            # Both members stream at once; zipfile allows one open writer, so the lines go
            # to a spooled temp file and are copied in after the orders member closes.
            import tempfile

            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
                lw = _csv_writer(spool)
                lw.writerow(LINE_HEADER)
                with zf.open(ORDERS_FILE, "w", force_zip64=True) as raw:
                    f = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                    ow = _csv_writer(f)
                    ow.writerow(ORDER_HEADER)
                    for orders, lines, taxes in iter_rows(desk, selection, progress):
                        ow.writerows(map(order_csv, orders))
                        lw.writerows([line_csv(ln, taxes) for ln in lines])
                        n_orders += len(orders)
                        n_lines += len(lines)
                    f.flush()
                    f.detach()
                spool.flush()
                spool.seek(0)
                with zf.open(LINES_FILE, "w", force_zip64=True) as raw:
                    f = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                    while chunk := spool.read(1 << 20):
                        f.write(chunk)
                    f.flush()
                    f.detach()
    return n_orders, n_lines

