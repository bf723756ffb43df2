"""Attachment subcommands: attach files, list them, write one out; log entries; timeline export."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Sequence

from orderdesk.core.files import write_atomically
from orderdesk.commands import open_desk, table
from orderdesk.core.docs import ATTACHMENT_TYPES

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk
    from orderdesk.core.history import Event


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "attach", usage="orderdesk attach (NUMBER | --lot LOT) FILE... [options]",
        help="attach files to an order (or certificates to a stock lot)",
        description="Stores every valid file, one transaction each, and prints one line per "
                    "file. Exit code 1 if any file was refused.")
    p.add_argument("items", nargs="+", metavar="NUMBER FILE",
                   help="the order number (omitted with --lot), then the files")
    p.add_argument("--lot", help="attach certificates to this stock lot (UUID or lot/heat number)")
    p.add_argument("--type", choices=ATTACHMENT_TYPES,
                   help="attachment type (default: suggested from each file name)")
    p.add_argument("--label", default="", help="label of a Custom attachment")
    p.add_argument("--allow-duplicate", action="store_true",
                   help="store content that is already attached (same MD5) once more")
    p.set_defaults(func=_attach)

    p = sub.add_parser("attachments", help="list an order's (or a lot's) attachments")
    p.add_argument("number", nargs="?", metavar="NUMBER")
    p.add_argument("--lot", help="list this stock lot's certificates instead")
    p.add_argument("--removed", action="store_true", help="include removed attachments")
    p.set_defaults(func=_list)

    p = sub.add_parser("attachment", help="work with one attachment")
    asub = p.add_subparsers(dest="attachment_cmd", required=True, metavar="ACTION")
    g = asub.add_parser("get", help="write an attachment to a file (checked against its MD5)")
    g.add_argument("id", metavar="ID")
    g.add_argument("-o", "--output", required=True, metavar="FILE")
    g.set_defaults(func=_get)

    p = sub.add_parser("log", help="add a log entry to an order")
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("title")
    p.add_argument("--description", default="")
    p.add_argument("--attach", metavar="FILE", help="attach this file and link it to the entry")
    p.set_defaults(func=_log)


def _attach(args: argparse.Namespace) -> int:
    from orderdesk.core.intake import attach_paths

    items: list[str] = list(args.items)
    if args.lot is None and len(items) < 2:
        print("orderdesk: attach needs an order NUMBER and at least one FILE "
              "(or --lot LOT FILE...)", file=sys.stderr)
        return 2
    order = None if args.lot else items.pop(0)
    type_ = args.type or ""
    if args.lot and type_ not in ("", "Certificate"):
        print("orderdesk: a stock lot takes Certificate attachments only", file=sys.stderr)
        return 2
    if args.lot:
        type_ = "Certificate"
    if type_ == "Custom" and not args.label.strip():
        print("orderdesk: --type Custom needs a --label", file=sys.stderr)
        return 2
    _, desk = open_desk(args)
    outcomes = attach_paths(desk, items, order=order, lot=args.lot, type=type_,
                            label=args.label, allow_duplicate=args.allow_duplicate)
    # One line per file, in the order given, all on stdout so a script sees them in order.
    for o in outcomes:
        hint = " (--allow-duplicate stores it anyway)" if o.duplicate_of is not None else ""
        print(o.message() + hint)
    refused = sum(not o.ok for o in outcomes)
    stored = len(outcomes) - refused
    print(f"{stored} stored, {refused} refused")
    return 1 if refused else 0


def _list(args: argparse.Namespace) -> int:
    if (args.number is None) == (args.lot is None):
        print("orderdesk: attachments needs an order NUMBER or --lot LOT", file=sys.stderr)
        return 2
    _, desk = open_desk(args)
    found = desk.attachments.list(order=args.number, lot=args.lot,
                                  include_removed=args.removed)
    rows = [[a.type_label, a.file_name, f"{a.size:,}", a.uploaded_by,
             a.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M") if a.uploaded_at else "",
             a.md5, a.id] + (["" if a.active else "removed"] if args.removed else [])
            for a in found]
    headers = ["type", "name", "bytes", "uploaded by", "uploaded at", "MD5", "id"]
    print(table(rows, headers + (["state"] if args.removed else [])))
    print(f"{len(found)} attachment(s)")
    return 0


def _get(args: argparse.Namespace) -> int:
    _, desk = open_desk(args)
    info = desk.attachments.info(args.id)
    data = desk.attachments.content(args.id)  # IntegrityFailure: nothing is written
    write_atomically(args.output, data)
    print(f"wrote {args.output} ({info.file_name}, {len(data):,} bytes, MD5 {info.md5})")
    return 0


def _log(args: argparse.Namespace) -> int:
    from orderdesk.core.intake import attach_paths

    _, desk = open_desk(args)
    att = None
    if args.attach:
        outcome = attach_paths(desk, [args.attach], order=args.number)[0]
        if not outcome.ok:
            dup = outcome.duplicate_of
            if dup is None:
                print(f"orderdesk: {outcome.message()}", file=sys.stderr)
                return 1
            att = dup.id  # the file is already attached: link the entry to it
        else:
            att = outcome.stored.id  # type: ignore[union-attr]
    desk.attachments.add_log(args.number, args.title, args.description, attachment_id=att)
    print(f"logged “{args.title}” on {args.number}")
    return 0


def export_history(desk: Desk, number: str, events: Sequence[Event], fmt: str,
                   output: str | None) -> int:
    """`history NUMBER --format pdf|xlsx -o OUT`: the timeline as the window exports it."""
    if not output:
        print(f"orderdesk: history --format {fmt} needs -o OUT", file=sys.stderr)
        return 2
    if fmt == "pdf":
        from orderdesk.reports.timeline import timeline_pdf

        timeline_pdf(events, output, f"History of order {number}", company=desk.company().name)
    else:
        from orderdesk.exchange.timeline_xlsx import timeline_xlsx

        timeline_xlsx(events, output)
    print(f"wrote {output} ({len(events):,} events)")
    return 0


