"""Exchange subcommands: export orders, import CSV/XLSX files, write the template ZIP."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from orderdesk.commands import open_desk


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="export orders to CSV, a ZIP of two CSVs, or XLSX")
    p.add_argument("--format", choices=("csv", "zip", "xlsx"), required=True)
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--search", default="", metavar="TEXT", help="the list's full-text search")
    p.add_argument("--stage", action="append", choices=("draft", "sent", "archived"),
                   help="only orders in this stage (repeatable; default: every stage)")
    p.set_defaults(func=_guarded(_export))

    p = sub.add_parser("import", help="import an orders and/or a lines file (CSV or XLSX); "
                       "all or nothing")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.set_defaults(func=_guarded(_import))

    p = sub.add_parser("template", help="write the template ZIP of the two exchange files")
    p.add_argument("-o", "--output", required=True, metavar="OUT.zip")
    p.set_defaults(func=_guarded(_template))


def _guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """File and exchange errors as one line on stderr and exit code 1, not a traceback."""
    def call(args: argparse.Namespace) -> int:
        from orderdesk.exchange import ExchangeError

        try:
            return run(args)
        except (ExchangeError, OSError) as e:
            print(f"orderdesk: {e}", file=sys.stderr)
            return 1
    return call


def _progress(label: str) -> object:
    def report(done: int, total: int) -> bool:
        if sys.stderr.isatty():
            of = f"/{total:,}" if total else ""
            print(f"\r{label} {done:,}{of}", end="", file=sys.stderr, flush=True)
        return True
    return report


def _export(args: argparse.Namespace) -> int:
    from orderdesk.core import OrderQuery
    from orderdesk.exchange import export_csv, export_xlsx, export_zip

    _, desk = open_desk(args)
    q = OrderQuery(text=args.search, stages=tuple(args.stage or ()), sort="number",
                   descending=False)
    run = {"csv": export_csv, "zip": export_zip, "xlsx": export_xlsx}[args.format]
    got = run(desk, q, args.output, _progress("exported"))  # type: ignore[operator]
    if sys.stderr.isatty():
        print(file=sys.stderr)
    orders, lines = got if isinstance(got, tuple) else (got, None)
    print(f"{orders:,} orders" + (f", {lines:,} lines" if lines is not None else "")
          + f" written to {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from orderdesk.exchange import apply_import, plan_import
    from orderdesk.exchange.plan import iter_problems

    if len(args.files) > 2:
        print("orderdesk: import takes one orders file and/or one lines file", file=sys.stderr)
        return 2
    _, desk = open_desk(args)
    plan = plan_import(desk, args.files, _progress("read"))  # type: ignore[arg-type]
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if not plan.ok:
        for line in iter_problems(plan):
            print(line, file=sys.stderr)
        print(f"orderdesk: {plan.problem_count:,} problem(s); nothing was imported",
              file=sys.stderr)
        return 1
    print(plan.summary())
    if args.dry_run:
        print("dry run: nothing was written")
        return 0
    result = apply_import(desk, plan, _progress("written"))  # type: ignore[arg-type]
    print(f"imported: {result.created:,} created, {result.updated:,} updated, "
          f"{result.unchanged:,} unchanged, {result.new_customers:,} new customers")
    return 0


def _template(args: argparse.Namespace) -> int:
    from orderdesk.exchange import write_templates

    write_templates(args.output)
    print(f"templates written to {args.output}")
    return 0
