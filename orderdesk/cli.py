"""The command line: the same core operations as the window, for scripting."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from orderdesk import __version__

# Each module registers its subcommands: register(subparsers) and sets `func(args) -> int`.
COMMAND_MODULES = (
    "orderdesk.commands.basic",
    "orderdesk.commands.attachments",
    "orderdesk.commands.exchange",
    "orderdesk.commands.reports",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="orderdesk",
        description="OrderDesk: sales orders, history, stock reservations and certificate "
                    "packs. Without a command it opens the window.")
    p.add_argument("--version", action="version", version=f"OrderDesk {__version__}")
    p.add_argument("--db", metavar="URL_OR_PATH",
                   help="SQLite file path or postgresql:// URL (default: orderdesk.sqlite3 in "
                        "your data directory)")
    p.add_argument("--company", metavar="NAME_OR_ID",
                   help="company to work in (default: the first one)")
    p.add_argument("--user", metavar="LOGIN", help="act as this user (default: your login)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.command:
        try:
            from orderdesk.ui.app import run
        except ImportError as e:  # the window is optional for scripting use
            print(f"orderdesk: the window is not available ({e}); see --help", file=sys.stderr)
            return 2
        return run(args)
    from orderdesk.core.errors import OrderDeskError
    from orderdesk.exchange.safety import ensure_defused

    ensure_defused()  # no command may run with an XML parser that expands entities
    try:
        return int(args.func(args) or 0)
    except OrderDeskError as e:
        print(f"orderdesk: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("orderdesk: interrupted; nothing more was written", file=sys.stderr)
        return 130
