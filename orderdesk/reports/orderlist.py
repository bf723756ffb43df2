"""The order-list report: the orders of a filter, as the list shows them, with totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from orderdesk.core.desk import Desk
from orderdesk.core.listing import OrderQuery
from orderdesk.reports import layout as L
from orderdesk.reports.documents import Progress, tick
from orderdesk.reports.fmt import Fmt

# Rows per table: reportlab splits long tables in quadratic time, so big lists go in slices.
_SLICE = 150
_PAGE = 1000


def describe(q: OrderQuery) -> str:
    """The filter in words, printed under the title."""
    parts = ["deleted orders" if q.deleted else "stages " + ", ".join(q.stages)]
    if q.text:
        parts.append(f"search “{q.text}”")
    if q.statuses:
        parts.append("status " + ", ".join(q.statuses))
    if q.customer_code:
        parts.append(f"customer {q.customer_code}")
    for label, a, b in (("order date", q.order_date_from, q.order_date_to),
                        ("delivery date", q.delivery_date_from, q.delivery_date_to),
                        ("created", q.created_from, q.created_to)):
        if a or b:
            parts.append(f"{label} {a or '…'} – {b or '…'}")
    if q.ids is not None:
        parts.append(f"{len(q.ids)} selected")
    return "; ".join(parts)


def order_list(desk: Desk, query: OrderQuery, fmt: Fmt | None = None,
               progress: Progress | None = None) -> bytes:
    """Every order the query finds, in its sort order, with totals per currency."""
    fmt = fmt or Fmt()
    size = landscape(A4)
    width = L.frame_width(size)
    st = L.styles()
    total = desk.listing.count(query)
    fixed = [64, 62, 130, 70, 50, 50, 50, 80, 80]
    widths = [*fixed[:2], fixed[2] + width - sum(fixed), *fixed[3:]]
    head = ["Number", "Date", "Customer", "Reference", "Stage", "Status", "Lines", "Total",
            "Balance"]
    story: list[Flowable] = [L.P(desk.company().name, st.company),
                             L.P("Order list", st.title),
                             L.P(f"{describe(query)} · {total:,} orders", st.small),
                             Spacer(1, 4 * mm)]
    sums: dict[str, list[Decimal]] = {}
    rows: list[list[Any]] = []
    done = 0
    after = None
    while True:
        tick(progress, done, total)
        page = desk.listing.page(query, limit=_PAGE, after=after)
        for r in page.rows:
            s = sums.setdefault(r.currency, [Decimal(0), Decimal(0), Decimal(0)])
            s[0] += 1
            s[1] += r.grand_total
            s[2] += r.balance
            rows.append([r.number, fmt.date(r.order_date),
                         f"{r.customer_code} · {r.customer_name}",
                         r.reference or r.customer_reference, r.stage, r.status,
                         str(r.line_count), fmt.money(r.grand_total, r.currency),
                         fmt.money(r.balance, r.currency)])
            if len(rows) == _SLICE:
                story.append(L.grid([head, *rows], widths, right=(6, 7, 8)))
                rows = []
        done += len(page.rows)
        if not page.more or not page.rows:
            break
        after = page.rows[-1].key
    if rows or not done:
        story.append(L.grid([head, *rows], widths, right=(6, 7, 8)))
    if sums:
        story.append(L.P("Totals", st.h2))
        story.append(L.grid([["Currency", "Orders", "Total", "Balance"]] + [
            [cur, f"{int(v[0]):,}", fmt.money(v[1], cur), fmt.money(v[2], cur)]
            for cur, v in sorted(sums.items())], [60, 60, 100, 100], right=(1, 2, 3)))
    run = L.Running(desk.company().name, f"Order list · {fmt.date(_today())}", size)
    data = L.render(story, run, author=desk.actor.name)
    tick(progress, total, total)
    return data


def _today() -> Any:
    from datetime import date

    return date.today()
