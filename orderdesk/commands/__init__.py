"""Subcommands of the `orderdesk` command line, one module per area."""

from __future__ import annotations

import argparse
from typing import Any

from orderdesk.core import Actor, Desk, NotFound, Store, companies, open_store


def open_desk(args: argparse.Namespace, *, create: bool = False) -> tuple[Store, Desk]:
    """The store and the company chosen by --db / --company / --user."""
    store = open_store(args.db)
    found = companies(store)
    if not found:
        if not create:
            raise NotFound("the database holds no company yet: run `orderdesk demo` or "
                           "`orderdesk company add NAME --currency EUR`")
        from orderdesk.core import create_company

        found = [create_company(store, "My company", "EUR")]
    chosen = found[0]
    if args.company:
        match = [c for c in found if str(c.id) == args.company or c.name == args.company]
        if not match:
            raise NotFound(f"company {args.company!r} not found; known: "
                           + ", ".join(c.name for c in found))
        chosen = match[0]
    actor = Actor(args.user, args.user) if args.user else None
    desk = Desk(store, chosen.id, actor)
    from orderdesk.reports import install

    install(desk)  # sending stores the confirmation PDF as sent
    return store, desk


def table(rows: list[list[Any]], headers: list[str]) -> str:
    cells = [headers] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)
