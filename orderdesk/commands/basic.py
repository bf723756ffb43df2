"""Core subcommands: demo data, companies, orders, history, check, backup."""

from __future__ import annotations

import argparse
import sys
import time

from orderdesk.commands import open_desk, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="fill the database with realistic demo data")
    p.add_argument("--orders", type=int, default=2000, metavar="N")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=_demo)

    p = sub.add_parser("company", help="list or add companies")
    csub = p.add_subparsers(dest="company_cmd", required=True)
    c = csub.add_parser("list")
    c.set_defaults(func=_company_list)
    c = csub.add_parser("add")
    c.add_argument("name")
    c.add_argument("--currency", required=True)
    c.add_argument("--number-format", default="{year}-{seq:04d}")
    c.set_defaults(func=_company_add)

    p = sub.add_parser("orders", help="list orders (the same search and filters as the window)")
    p.add_argument("--search", default="")
    p.add_argument("--stage", action="append", choices=("draft", "sent", "archived"))
    p.add_argument("--deleted", action="store_true")
    p.add_argument("--sort", default="number")
    p.add_argument("--asc", action="store_true")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=_orders)

    p = sub.add_parser("show", help="show one order with its lines and totals")
    p.add_argument("number")
    p.set_defaults(func=_show)

    p = sub.add_parser("history", help="an order's timeline of changes")
    p.add_argument("number")
    p.add_argument("--format", choices=("text", "csv", "pdf", "xlsx"), default="text")
    p.add_argument("-o", "--output", metavar="OUT", help="file to write (pdf and xlsx)")
    p.add_argument("--entity", help="only this kind: order, line, attachment, log, ...")
    p.add_argument("--field", help="only changes of this field (e.g. unit_price)")
    p.add_argument("--by", metavar="USER", help="only changes by this user (login or name)")
    p.add_argument("--text", help="only events whose entity or values contain this text")
    p.add_argument("--limit", type=int, default=100000)
    p.set_defaults(func=_history)

    p = sub.add_parser("check", help="verify the database (integrity, foreign keys, MD5s)")
    p.set_defaults(func=_check)

    p = sub.add_parser("backup", help="copy the live database safely (SQLite backup API)")
    p.add_argument("out")
    p.set_defaults(func=_backup)


def _demo(args: argparse.Namespace) -> int:
    from orderdesk.core import open_store
    from orderdesk.reports.samples import generate_demo

    store = open_store(args.db)
    t0 = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> bool:
        if time.perf_counter() - last[0] > 2 and sys.stderr.isatty():
            last[0] = time.perf_counter()
            print(f"\r{done:,}/{total:,} orders", end="", file=sys.stderr)
        return True

    counts = generate_demo(store, args.orders, seed=args.seed, progress=progress)
    took = time.perf_counter() - t0
    print(", ".join(f"{v:,} {k}" for k, v in counts.items()) + f" in {took:.1f} s")
    return 0


def _company_list(args: argparse.Namespace) -> int:
    from orderdesk.core import companies, open_store

    rows = [[c.id, c.name, c.currency, c.order_number_format] for c in companies(open_store(args.db))]
    print(table(rows, ["id", "name", "currency", "numbers"]))
    return 0


def _company_add(args: argparse.Namespace) -> int:
    from orderdesk.core import create_company, open_store

    c = create_company(open_store(args.db), args.name, args.currency,
                       order_number_format=args.number_format)
    print(f"company {c.id}: {c.name} ({c.currency})")
    return 0


def _orders(args: argparse.Namespace) -> int:
    from orderdesk.core import OrderQuery

    _, desk = open_desk(args)
    q = OrderQuery(text=args.search, stages=tuple(args.stage or ("draft", "sent")),
                   deleted=args.deleted, sort=args.sort, descending=not args.asc)
    rows = desk.listing.page(q, limit=args.limit).rows
    from orderdesk.core.money import money_text

    print(table([[r.number, r.reference, r.customer_name, r.order_date, r.stage, r.status,
                  f"{money_text(r.grand_total, r.currency)} {r.currency}"] for r in rows],
                ["number", "reference", "customer", "date", "stage", "status", "total"]))
    print(f"{desk.listing.count(q):,} orders")
    return 0


def _show(args: argparse.Namespace) -> int:
    _, desk = open_desk(args)
    o = desk.orders.get(args.number)
    print(f"Order {o.number}  {o.customer_code} {o.customer_name}  {o.order_date}  "
          f"stage {o.stage}  status {o.status}  version {o.version}")
    from orderdesk.core.money import money_text

    rows = [[ln.position, ln.item_code, ln.description[:40], ln.quantity, ln.unit, ln.unit_price,
             ln.discount, money_text(ln.total, o.currency)] for ln in o.lines]
    print(table(rows, ["#", "item", "description", "qty", "unit", "price", "disc%", "total"]))
    t = o.totals
    assert t is not None
    m = lambda d: money_text(d, o.currency)  # noqa: E731
    print(f"products {m(t.products_total)}  surcharges {m(t.surcharges_total)}  "
          f"tax {m(t.tax_total)}  total {m(t.grand_total)} {o.currency}  paid {m(t.paid)}  "
          f"balance {m(t.balance)}")
    return 0


def _history(args: argparse.Namespace) -> int:
    import csv

    from orderdesk.core.history import HistoryFilter
    from orderdesk.core.timeline import describe

    _, desk = open_desk(args)
    flt = HistoryFilter(args.entity, args.field, args.by, args.text)
    events = desk.history.timeline(args.number, flt=flt, limit=args.limit)
    if args.format in ("pdf", "xlsx"):
        from orderdesk.commands.attachments import export_history

        return export_history(desk, args.number, events, args.format, args.output)
    if args.format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["At", "Actor", "Change", "Entity", "Field", "Old", "New"])
        for e in events:
            w.writerow([e.at.isoformat(), e.actor_name, e.change, e.entity_label, e.field or "",
                        e.old or "", e.new or ""])
        return 0
    for e in events:
        print(f"{e.at.astimezone().strftime('%Y-%m-%d %H:%M:%S')}  {e.actor_name:<16} "
              f"{describe(e).text}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from orderdesk.core import Desk, companies, open_store

    store = open_store(args.db)
    problems = store.dialect.check()
    for c in companies(store):
        problems += Desk(store, c.id).attachments.verify_all()
    for p in problems:
        print(p)
    print("database OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def _backup(args: argparse.Namespace) -> int:
    from orderdesk.core import open_store

    open_store(args.db).backup(args.out)
    print(f"backed up to {args.out}")
    return 0
