"""Order confirmation, delivery note and invoice PDFs, one order or a batch in list order."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from orderdesk.core.desk import Desk
from orderdesk.core.docs import Address, Line, Order, Surcharge, Tax
from orderdesk.core.errors import NotFound
from orderdesk.core.money import ZERO, compute_totals, format_taxes, line_amounts, surcharge_amounts
from orderdesk.reports import layout as L
from orderdesk.reports.fmt import Fmt

Progress = Callable[[int, int], bool]  # (done, total) → False to cancel
KINDS = ("confirmation", "delivery-note", "invoice")
TITLES = {"confirmation": "Order confirmation", "delivery-note": "Delivery note",
          "invoice": "Invoice"}


class Cancelled(Exception):
    """The progress callback asked to stop; nothing was written."""


def tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled(f"cancelled after {done} of {total}")


def confirmation(desk: Desk, order: str | Order, fmt: Fmt | None = None) -> bytes:
    o = order if isinstance(order, Order) else desk.orders.get(order)
    return _render(desk, o, "confirmation", fmt or Fmt())


def delivery_note(desk: Desk, order: str | Order, fmt: Fmt | None = None) -> bytes:
    o = order if isinstance(order, Order) else desk.orders.get(order)
    lots: dict[str, list[str]] = {}
    for r in desk.inventory.reservations(order=o.id):
        lots.setdefault(r.line_id, []).append(r.lot_number or r.lot_name)
    return _render(desk, o, "delivery-note", fmt or Fmt(), lots=lots)


def invoice(desk: Desk, order: str, fmt: Fmt | None = None) -> bytes:
    """The invoice made by upgrading the order, from the copy kept with it."""
    inv = desk.lifecycle.invoice(order)
    if inv is None:
        raise NotFound(f"order {order} has no invoice: upgrade it to an invoice first")
    return _render(desk, invoice_order(inv), "invoice", fmt or Fmt(),
                   invoice=inv)


def render_kind(desk: Desk, order: str, kind: str, fmt: Fmt | None = None) -> bytes:
    if kind == "confirmation":
        return confirmation(desk, order, fmt)
    if kind == "delivery-note":
        return delivery_note(desk, order, fmt)
    if kind == "invoice":
        return invoice(desk, order, fmt)
    raise ValueError(f"unknown report kind {kind!r}; one of {', '.join(KINDS)}")


def batch(desk: Desk, orders: Sequence[str], kind: str, fmt: Fmt | None = None,
          progress: Progress | None = None) -> bytes:
    """One PDF of the orders' documents in the given (list) order, an outline entry each."""
    from pypdf import PdfReader, PdfWriter

    fmt = fmt or Fmt()
    writer = PdfWriter()
    total = len(orders)
    for i, ref in enumerate(orders):
        tick(progress, i, total)
        o = desk.orders.get(ref)
        data = render_kind(desk, o.id or ref, kind, fmt)
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        writer.add_outline_item(title=f"{o.number} · {o.customer_name}", page_number=start)
    tick(progress, total, total)
    writer.add_metadata({"/Title": f"{TITLES[kind]}s ({total})", "/Creator": "OrderDesk"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def invoice_order(inv: dict[str, Any]) -> Order:
    """The invoice's kept copy (JSON) as an Order document, so it prints like one."""
    d = inv["document"]

    def taxes(items: list[dict[str, Any]]) -> list[Tax]:
        return [Tax(t["name"], Decimal(str(t["rate"])), t.get("group", ""), t.get("type", ""))
                for t in items]

    lines = [Line(item_code=x["item_code"], quantity=Decimal(str(x["quantity"])),
                  unit_price=Decimal(str(x["unit_price"])), description=x.get("description", ""),
                  unit=x.get("unit", ""), discount=Decimal(str(x.get("discount") or 0)),
                  taxes=taxes(x.get("taxes", [])), position=x.get("position"),
                  active=bool(x.get("active", True)), weight=Decimal(str(x.get("weight") or 0)))
             for x in d.get("lines", [])]
    addresses = [Address(**{k: a.get(k, "") for k in ("kind", "label", "name", "street", "city",
                                                        "postal_code", "region", "country")})
                 for a in d.get("addresses", [])]
    surcharges = [Surcharge(Decimal(str(s["amount"])), s.get("kind", "Custom"),
                            s.get("label", ""), taxes(s.get("taxes", [])),
                            active=bool(s.get("active", True)))
                  for s in d.get("surcharges", [])]
    o = Order(customer_code=inv["customer_code"], customer_name=inv["customer_name"],
              order_date=date.fromisoformat(str(inv["invoice_date"])[:10]),
              currency=inv["currency"], lines=lines, addresses=addresses, surcharges=surcharges,
              reference=d.get("reference"), customer_reference=d.get("customer_reference", ""),
              number=d.get("number"), stage=inv["stage"])
    o.totals = compute_totals(o.currency, lines, surcharges)
    return o


def address_text(a: Address | None) -> str:
    if a is None:
        return ""
    city = " ".join(x for x in (a.postal_code, a.city) if x)
    return "\n".join(x for x in (a.name, a.street, city, a.region, a.country) if x)


def find_address(o: Order, *kinds: str) -> Address | None:
    for kind in kinds:
        for a in o.addresses:
            if a.kind == kind:
                return a
    return None


def _render(desk: Desk, o: Order, kind: str, fmt: Fmt, *, lots: dict[str, list[str]] | None = None,
            invoice: dict[str, Any] | None = None) -> bytes:
    st = L.styles()
    width = L.frame_width()
    company = desk.company().name
    number = invoice["number"] if invoice else o.number or ""
    title = TITLES[kind] + (" (draft)" if invoice and invoice["stage"] == "draft" else "")
    run = L.Running(company, f"{TITLES[kind]} {number}")
    facts = [("Number", number)]
    if invoice:
        facts += [("Invoice date", fmt.date(o.order_date)), ("Order", o.number or "")]
    else:
        facts += [("Order date", fmt.date(o.order_date)),
                  ("Delivery date", fmt.date(o.delivery_date))]
    facts += [("Customer", f"{o.customer_code} · {o.customer_name}"),
              ("Your reference", o.customer_reference), ("Our reference", o.reference or ""),
              ("Site", o.site if kind == "delivery-note" else "")]
    story: list[Flowable] = [L.P(company, st.company), L.P(title, st.title)]
    contacts = "\n".join(f"{c.name + ': ' if c.name else ''}{c.value}" for c in o.contacts)
    right: list[Flowable] = [L.facts(facts, width / 2 - 6)]
    if contacts:
        right += [Spacer(1, 3), L.P(contacts, st.small)]
    left: list[Flowable] = []
    for label, kinds in (("Invoice address", ("Invoice",)), ("Delivery address", ("Delivery",))):
        text = address_text(find_address(o, *kinds))
        if text:
            left += [L.P(label, st.small), L.P(text), Spacer(1, 4)]
    if not left:
        left = [L.P("Customer", st.small), L.P(o.customer_name)]
    story += [L.side_by_side(left, right, width), Spacer(1, 6 * mm)]
    active = [ln for ln in o.lines if ln.active]
    if kind == "delivery-note":
        story += _delivery_lines(active, fmt, width, lots or {})
    else:
        story += _priced_lines(o, active, fmt, width)
    if o.notes:
        story += [L.P("Notes", st.h2), L.P(o.notes)]
    if kind == "delivery-note":
        for s in o.shipments:
            story.append(L.P(f"Shipped by {s.carrier} · tracking {s.tracking_number}"
                             + (f" · {fmt.date(s.shipped_at)}" if s.shipped_at else ""), st.small))
        story += [Spacer(1, 14 * mm), L.side_by_side(
            [L.P("Delivered by (name, signature)", st.small)],
            [L.P("Received by (name, date, signature)", st.small)], width)]
    return L.render(story, run, title=run.document, author=desk.actor.name)


def _priced_lines(o: Order, lines: list[Line], fmt: Fmt, width: float) -> list[Flowable]:
    st = L.styles()
    cur = o.currency
    fixed = [20, 72, 44, 28, 56, 34, 48, 64]
    widths = [fixed[0], fixed[1], width - sum(fixed), *fixed[2:]]
    rows: list[list[Any]] = [["#", "Item", "Description", "Qty", "Unit", "Unit price", "Disc.",
                              "Tax", "Amount"]]
    for i, ln in enumerate(lines, 1):
        a = line_amounts(ln, cur)
        rows.append([str(ln.position or i), ln.item_code, ln.description, fmt.number(ln.quantity),
                     ln.unit, fmt.price(ln.unit_price, cur),
                     fmt.percent(ln.discount) if ln.discount else "", format_taxes(ln.taxes),
                     fmt.money(a.subtotal, cur)])
    out: list[Flowable] = [L.grid(rows, widths, right=(0, 3, 5, 6, 8))]
    active_s = [s for s in o.surcharges if s.active]
    if active_s:
        srows: list[list[Any]] = [["Surcharge", "Tax", "Amount"]]
        for s in active_s:
            srows.append([s.label if s.kind == "Custom" and s.label else s.kind,
                          format_taxes(s.taxes), fmt.money(surcharge_amounts(s, cur).subtotal, cur)])
        out += [Spacer(1, 4 * mm), L.grid(srows, [width - 114, 50, 64], right=(2,), zebra=False)]
    t = o.totals or compute_totals(cur, lines, o.surcharges)
    trows: list[list[Any]] = [["Tax", "Base", "Amount"]]
    for b in t.tax_breakdown:
        trows.append([f"{b.name} {fmt.percent(b.rate)}", fmt.money(b.base, cur),
                      fmt.money(b.amount, cur)])
    totals = [("Products", fmt.money(t.products_subtotal, cur))]
    if t.surcharges_subtotal:
        totals.append(("Surcharges", fmt.money(t.surcharges_subtotal, cur)))
    totals += [("Net subtotal", fmt.money(t.net_subtotal, cur)),
               ("Tax", fmt.money(t.tax_total, cur))]
    if t.paid != ZERO:
        totals += [("Total", fmt.money(t.grand_total, cur)), ("Paid", fmt.money(t.paid, cur)),
                   ("Balance due", fmt.money(t.balance, cur))]
    else:
        totals.append((f"Total {cur}", fmt.money(t.grand_total, cur)))
    half = width / 2
    block = L.side_by_side(
        [L.P("Tax breakdown", st.h2), L.grid(trows, [half - 130, 62, 62], right=(1, 2),
                                             zebra=False)] if len(trows) > 1 else [],
        [L.P("Totals", st.h2), L.pairs(totals, (half - 80, 74), bold_last=True)], width)
    out += [Spacer(1, 3 * mm), KeepTogether([block])]
    return out


def _delivery_lines(lines: list[Line], fmt: Fmt, width: float,
                    lots: dict[str, list[str]]) -> list[Flowable]:
    st = L.styles()
    fixed = [20, 70, 50, 34, 52, 90]
    widths = [fixed[0], fixed[1], width - sum(fixed), *fixed[2:]]
    rows: list[list[Any]] = [["#", "Item", "Description", "Qty", "Unit", "Weight", "Lot / heat"]]
    weight = ZERO
    for i, ln in enumerate(lines, 1):
        weight += ln.weight
        rows.append([str(ln.position or i), ln.item_code, ln.description,
                     fmt.number(ln.quantity), ln.unit,
                     f"{fmt.number(ln.weight)} kg" if ln.weight else "",
                     ", ".join(lots.get(ln.id or "", []))])
    rows.append(["", "", f"{len(lines)} line{'s' if len(lines) != 1 else ''}", "", "",
                 f"{fmt.number(weight)} kg" if weight else "", ""])
    t = L.grid(rows, widths, right=(0, 3, 5))
    return [t, Spacer(1, 2 * mm), L.P("Please check the goods on arrival and note any damage "
                                      "on this delivery note.", st.small)]
