"""Files coming in (drop, paste, file dialog): the confirm-type step, then storing off the GUI
thread with progress, asking about duplicates and reporting each refusal."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtWidgets import QWidget

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.attachments import AttachmentInfo
from orderdesk.core.filetypes import MAX_SIZE, Refused
from orderdesk.core.intake import Outcome, attach_one, existing, read_limited, suggest_type
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.tasks import TaskHandle, TaskRunner, TaskState

# "DN-4711.pdf", "dn_2026.pdf": a delivery note; the core's rules leave the short form out
# because inside other words ("pdn", "dnv") it means nothing.
_DN = re.compile(r"(?:^|[^a-z])dn(?:[^a-z]|$)", re.I)


def suggest(file_name: str, *, lot: bool = False) -> tuple[str, str]:
    """(type, label) pre-filled in the confirm step; Custom gets the file stem as its label."""
    if lot:
        return "Certificate", ""  # lots only keep certificates (the certificate pack)
    kind, _label = suggest_type(file_name)
    stem = Path(file_name).stem
    if kind == "Custom" and _DN.search(stem):
        kind = "DeliveryNote"
    return kind, (stem[:80] or "Document") if kind == "Custom" else ""


def local_files(mime: QMimeData | None) -> list[str]:
    """The local file paths a drop or paste carries (file-manager URLs); others are ignored."""
    if mime is None or not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


@dataclass(frozen=True)
class Incoming:
    """One file to attach: a path (read in the worker) or bytes (a pasted image)."""

    name: str
    path: str | None = None
    data: bytes | None = None

    @classmethod
    def from_path(cls, path: str) -> Incoming:
        return cls(Path(path).name or path, path=path)

    def read(self) -> bytes:
        if self.data is not None:
            if len(self.data) > MAX_SIZE:  # the same words as a file that is too large
                raise Refused(self.name, f"is {len(self.data):,} bytes; the limit is 5 MB "
                                         f"({MAX_SIZE:,} bytes)")
            return self.data
        return read_limited(self.path or self.name)


@dataclass(frozen=True)
class Choice:
    """What the user confirmed for one file: its type and label, replace a same-named one."""

    incoming: Incoming
    type: str
    label: str = ""
    replace: bool = True  # only matters when an attachment of the same name exists

    @property
    def name(self) -> str:
        return self.incoming.name


def store_choices(desk: Desk, choices: list[Choice], *, order: str | None, lot: str | None,
                  allow_duplicate: bool, progress: Callable[[int, int, str], bool]
                  ) -> list[tuple[Choice, Outcome]]:
    """Runs in the worker: each file in its own transaction, so one refusal stops nothing.

    `progress` returning False stops before the next file; what was stored is returned.
    """
    present = existing(desk, order=order, lot=lot)
    done: list[tuple[Choice, Outcome]] = []
    for i, c in enumerate(choices):
        if not progress(i, len(choices), c.name):
            break
        try:
            data = c.incoming.read()
        except Refused as e:
            done.append((c, Outcome(c.name, reason=e.reason)))
            continue
        # Leaving the same-named attachment out of `present` stores the file beside it
        # instead of as its replacement (the user said no to replacing).
        have = present if c.replace else [a for a in present if a.file_name != c.name]
        out = attach_one(desk, c.name, data, order=order, lot=lot, type=c.type,
                         label=c.label, allow_duplicate=allow_duplicate, present=have)
        if have is not present and out.stored is not None:
            present.append(out.stored)
        done.append((c, out))
    progress(len(done), len(choices), "")
    return done


class AttachFlow(QObject):
    """Confirm step → store (worker) → ask about duplicates → store those → tell the user.

    One flow per drop; `finished` carries every Outcome (stored and refused).
    """

    progressed = Signal(int, int, str)
    finished = Signal(object)  # list[Outcome]

    def __init__(self, desk: Desk, runner: TaskRunner, ui: Ui, parent: QWidget, *,
                 order: str | None = None, lot: str | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner, self.ui, self.widget = desk, runner, ui, parent
        self.order, self.lot = order, lot
        self.outcomes: list[Outcome] = []
        self.report = ""  # the last summary, also shown in the panel or status bar
        self.handle: TaskHandle | None = None
        self._declined: list[Outcome] = []
        self._stop = threading.Event()

    def start(self, items: list[Incoming]) -> bool:
        """Shows the confirm step; False when the user cancelled it (nothing stored)."""
        from orderdesk.ui.attachments.confirm import ConfirmDialog

        if not items:
            return False
        try:
            names = {a.file_name for a in existing(self.desk, order=self.order, lot=self.lot)}
        except OrderDeskError as e:
            self.ui.error(self.widget, "Cannot attach files", str(e))
            return False
        dlg = ConfirmDialog(items, names, lot=self.lot is not None, parent=self.widget)
        if not self.ui.run_dialog(dlg):
            return False
        self._run(dlg.choices(), allow_duplicate=False, then=self._after_first)
        return True

    def _run(self, choices: list[Choice], *, allow_duplicate: bool,
             then: Callable[[list[tuple[Choice, Outcome]]], None]) -> None:
        desk, order, lot, stop = self.desk, self.order, self.lot, self._stop

        def work(state: TaskState) -> list[tuple[Choice, Outcome]]:
            # Our own stop flag, not the task's: a cancelled task would drop its result,
            # and the files stored before the cancel must still be reported.
            return store_choices(desk, choices, order=order, lot=lot,
                                 allow_duplicate=allow_duplicate,
                                 progress=lambda d, t, n: state.progress(d, t, n)
                                 and not stop.is_set())

        self.handle = self.runner.submit("Attaching files", work, on_done=then,
                                         on_error=self._failed, on_progress=self.progressed.emit)

    def cancel(self) -> None:
        self._stop.set()

    def _after_first(self, results: list[tuple[Choice, Outcome]]) -> None:
        if self._stop.is_set():
            self._finish(results, cancelled=True)
            return
        again: list[Choice] = []
        for c, o in results:
            if o.duplicate_of is None:
                self.outcomes.append(o)
                continue
            d = o.duplicate_of
            where = "this lot" if self.lot else "this order"
            same = "under the same name" if d.file_name == c.name else f"as “{d.file_name}”"
            if self.ui.confirm(self.widget, "Same file already attached",
                               f"“{c.name}” has the same content (MD5 {d.md5}) as an attachment "
                               f"already on {where} {same}.\n\nAttach it again?",
                               "Attach again"):
                again.append(c)
            else:
                self._declined.append(o)
        if again:
            self._run(again, allow_duplicate=True, then=self._finish)
        else:
            self._finish([])

    def _finish(self, results: list[tuple[Choice, Outcome]], cancelled: bool = False) -> None:
        cancelled = cancelled or self._stop.is_set()
        self.outcomes += [o for _c, o in results]
        stored = [o for o in self.outcomes if o.ok]
        refused = [o for o in self.outcomes if not o.ok and o.duplicate_of is None]
        lines = [o.message() for o in stored]
        lines += [f"not attached again: {o.file_name} (the same content is already there)"
                  for o in self._declined]
        head = f"{len(stored)} of {len(stored) + len(refused) + len(self._declined)} file(s) " \
               "attached."
        if cancelled:
            head = f"Cancelled: {len(stored)} file(s) attached before the cancel."
        said = [o.message() for o in refused]
        self.report = "\n".join([head, *said, *lines])
        if refused:
            # One message for the whole drop: each refused file with its own reason.
            self.ui.error(self.widget, "Some files were not attached",
                          "\n".join([head, "", *said, *([""] + lines if lines else [])]))
        self.finished.emit(list(self.outcomes) + self._declined)

    def _failed(self, e: BaseException) -> None:
        text = str(e) if isinstance(e, OrderDeskError) else f"{type(e).__name__}: {e}"
        self.report = f"Attaching failed: {text}"
        self.ui.error(self.widget, "Attaching failed", text)
        self.finished.emit(list(self.outcomes))


def stored_infos(outcomes: list[Outcome]) -> list[AttachmentInfo]:
    return [o.stored for o in outcomes if o.stored is not None]


def pasted(mime: QMimeData | None, now: Any = None) -> list[Incoming]:
    """What a paste carries: copied files, else a copied image stored as PNG."""
    from datetime import datetime

    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage

    files = local_files(mime)
    if files:
        return [Incoming.from_path(p) for p in files]
    if mime is not None and mime.hasImage():
        img = mime.imageData()
        if isinstance(img, QImage) and not img.isNull():
            buf = QBuffer()
            buf.open(QIODevice.OpenModeFlag.WriteOnly)
            img.save(buf, "PNG")
            stamp = (now or datetime.now()).strftime("%Y-%m-%d %H%M%S")
            return [Incoming(f"Pasted image {stamp}.png", data=bytes(buf.data().data()))]
    return []
