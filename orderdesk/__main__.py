"""Allows `python -m orderdesk`."""

from orderdesk.cli import main

raise SystemExit(main())
