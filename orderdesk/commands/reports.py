"""Report subcommands: order PDFs, the order-list report and certificate packs."""

from __future__ import annotations

import argparse
import sys

from orderdesk.core.files import write_atomically
from orderdesk.commands import open_desk


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("pdf", help="an order's confirmation, delivery note or invoice as PDF, "
                                   "or the order-list report")
    p.add_argument("numbers", nargs="*", metavar="NUMBER",
                   help="order number(s); several make one PDF in this order")
    p.add_argument("--kind", required=True,
                   choices=("confirmation", "delivery-note", "invoice", "order-list"))
    p.add_argument("--search", default="", help="order-list: the list's search text")
    p.add_argument("--stage", action="append", choices=("draft", "sent", "archived"),
                   help="order-list: stages to include (repeatable; default draft and sent)")
    p.add_argument("--status", action="append", help="order-list: statuses to include")
    p.add_argument("--locale", help="number and date format, e.g. de_DE (default: yours)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.set_defaults(func=_pdf)

    p = sub.add_parser("pack", help="an order's certificate pack (reused while unchanged)")
    p.add_argument("number")
    p.add_argument("--rebuild", action="store_true", help="build a new pack even if unchanged")
    p.add_argument("--locale")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.set_defaults(func=_pack)


def _fmt(args: argparse.Namespace) -> object:
    from orderdesk.reports import Fmt

    return Fmt(args.locale) if args.locale else Fmt()


def _pdf(args: argparse.Namespace) -> int:
    from orderdesk.core import OrderQuery
    from orderdesk.reports import batch, order_list, render_kind

    _, desk = open_desk(args)
    fmt = _fmt(args)
    if args.kind == "order-list":
        if args.numbers:
            print("orderdesk: pdf --kind order-list takes no order numbers", file=sys.stderr)
            return 2
        q = OrderQuery(text=args.search, stages=tuple(args.stage or ("draft", "sent")),
                       statuses=tuple(args.status or ()))
        data = order_list(desk, q, fmt)  # type: ignore[arg-type]
    elif not args.numbers:
        print(f"orderdesk: pdf --kind {args.kind} needs an order NUMBER", file=sys.stderr)
        return 2
    elif len(args.numbers) == 1:
        data = render_kind(desk, args.numbers[0], args.kind, fmt)  # type: ignore[arg-type]
    else:
        data = batch(desk, args.numbers, args.kind, fmt)  # type: ignore[arg-type]
    write_atomically(args.output, data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


def _pack(args: argparse.Namespace) -> int:
    from orderdesk.reports import certificate_pack

    _, desk = open_desk(args)
    result = certificate_pack(desk, args.number, fmt=_fmt(args),  # type: ignore[arg-type]
                              reuse=not args.rebuild)
    write_atomically(args.output, result.data)
    when = result.produced_at.astimezone().strftime("%Y-%m-%d %H:%M") if result.produced_at \
        else ""
    how = (f"reused the stored pack (produced {when} by {result.produced_by})" if result.reused
           else "built a new pack" + ("" if result.attachment_id else
                                      " (not kept: over the 5 MB attachment limit)"))
    print(f"wrote {args.output}: {result.pages} pages; {how}")
    for m in result.missing:
        print(f"missing: {m}")
    return 0
