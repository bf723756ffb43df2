"""Starting the window: the application object, the first run, the chosen company."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from orderdesk.core import Actor, Desk, Store, companies, open_store
from orderdesk.ui import settings as S
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.tasks import TaskRunner


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(S.ORGANISATION)
    app.setApplicationName(S.APPLICATION)
    app.setApplicationDisplayName("OrderDesk")
    return app


def choose_company(store: Store, wanted: str | None, last: int) -> int:
    found = companies(store)
    if wanted:
        for c in found:
            if str(c.id) == wanted or c.name == wanted:
                return c.id
        raise SystemExit(f"orderdesk: company {wanted!r} not found; known: "
                         + ", ".join(c.name for c in found))
    ids = [c.id for c in found]
    return last if last in ids else ids[0]


def open_window(args: argparse.Namespace, settings: S.Settings, ui: Ui | None = None,
                runner: TaskRunner | None = None) -> MainWindow | None:
    """The main window on args.db, after the first-run dialog if the database is empty."""
    store = open_store(args.db)
    runner = runner or TaskRunner()
    if not companies(store):
        from orderdesk.ui.first_run import FirstRunDialog

        dlg = FirstRunDialog(store, runner, ui)
        if (ui or Ui()).run_dialog(dlg) is False or not companies(store):
            return None
    cid = choose_company(store, getattr(args, "company", None), settings.get(S.LAST_COMPANY))
    actor = Actor(args.user, args.user) if getattr(args, "user", None) else None
    desk = Desk(store, cid, actor)
    from orderdesk.reports import install

    install(desk)  # sending stores the confirmation PDF as sent
    return MainWindow(store, desk, settings=settings, runner=runner, ui=ui)


def run(args: argparse.Namespace) -> int:
    from orderdesk.exchange.safety import ensure_defused
    from orderdesk.ui.crash import CrashReporter, setup_logging

    app = application()
    ensure_defused()  # refuse to run with an XML parser that expands entities
    reporter = CrashReporter(setup_logging(), parent=app)
    reporter.install()
    window = open_window(args, S.Settings())
    if window is None:
        return 1
    window.show()
    code = app.exec()
    window.runner.wait()
    return int(code)


__all__ = ["open_window", "run"]
