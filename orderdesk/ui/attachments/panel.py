"""The attachment panel of an order or a lot: list, drop/paste/pick, preview, file actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction, QDesktopServices, QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QCheckBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QProgressBar, QPushButton, QSplitter, QTableView, QToolBar, QVBoxLayout, QWidget,
)

from orderdesk.core import Desk, OrderDeskError
from orderdesk.core.attachments import AttachmentInfo
from orderdesk.core.errors import IntegrityFailure, NotFound
from orderdesk.ui.attachments.confirm import EditDialog
from orderdesk.ui.attachments.intake import AttachFlow, Incoming, local_files, pasted
from orderdesk.ui.attachments.model import (
    C_AT, C_BY, C_CHECK, C_MD5, C_NAME, C_SIZE, C_TYPE, AttachmentModel,
)
from orderdesk.ui.attachments.preview import Preview, temp_copy
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.tasks import TaskRunner, TaskState

FILE_FILTER = ("Documents and images (*.pdf *.png *.jpg *.jpeg *.doc *.docx *.xls *.xlsx);;"
               "All files (*)")


class AttachmentTable(QTableView):
    """Takes file drops from outside and gives a file when a row is dragged out."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachment_table")
        self.drag_mime: Callable[[], QMimeData | None] = lambda: None
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDropIndicatorShown(False)

    def _outside_files(self, e: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> list[str]:
        return [] if e.source() is self else local_files(e.mimeData())

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if self._outside_files(e):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:
        if self._outside_files(e):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dropEvent(self, e: QDropEvent) -> None:
        files = self._outside_files(e)
        if not files:
            e.ignore()
            return
        e.setDropAction(Qt.DropAction.CopyAction)
        e.accept()
        # Let the drop end first: the confirm step is modal, and the dragging program
        # waits for the end of the drop (XdndFinished) until this handler returns.
        QTimer.singleShot(0, lambda: self.files_dropped.emit(files))

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        mime = self.drag_mime()
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


class AttachmentPanel(QWidget):
    """Everything about the files of one order (or one lot's certificates)."""

    changed = Signal()  # after this panel stored or changed attachments

    def __init__(self, desk: Desk, runner: TaskRunner, *, order: str | None = None,
                 lot: str | None = None, parent: QWidget | None = None, ui: Ui | None = None,
                 bridge: Any = None) -> None:
        super().__init__(parent)
        if (order is None) == (lot is None):
            raise ValueError("an attachment panel shows one order or one lot")
        self.setObjectName("attachment_panel")
        self.desk, self.runner, self.order, self.lot = desk, runner, order, lot
        self.ui = ui or Ui()
        # Replaceable so tests can see what would be opened without starting a viewer.
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.flow: AttachFlow | None = None
        self.model = AttachmentModel(self)
        self.table = AttachmentTable()
        self.table.setModel(self.model)
        self.table.drag_mime = self.drag_mime
        self.table.files_dropped.connect(self.add_files)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fm = self.fontMetrics()
        # Widths from the font, not from the contents: no measuring of every row, and the
        # full MD5 (compared with the command line's output) always fits.
        for col, sample in ((C_TYPE, "Delivery note_"), (C_NAME, "x" * 24),
                            (C_SIZE, "999.9 KB_"), (C_BY, "Alice Example"),
                            (C_AT, "2026-11-26 11:05_"), (C_CHECK, "DAMAGED_____"),
                            (C_MD5, "0" * 36)):
            hh.resizeSection(col, fm.horizontalAdvance(sample) + 12)
        hh.setStretchLastSection(True)
        self.table.activated.connect(lambda _ix: self.open_external())
        self.preview = Preview()
        self.preview.setMinimumWidth(260)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.acts: dict[str, QAction] = {}
        for key, text, keys, slot in (
                ("add", "Add files…", "Ctrl+Shift+A", self.add_files_dialog),
                ("paste", "Paste", QKeySequence.StandardKey.Paste, self.paste),
                ("open", "Open", "", self.open_external),
                ("save", "Save copy…", QKeySequence.StandardKey.Save, self.save_copy_dialog),
                ("rename", "Rename…", "F2", self.rename),
                ("retype", "Change type…", "", self.change_type),
                ("remove", "Remove", QKeySequence.StandardKey.Delete, self.remove),
                ("restore", "Restore", "", self.restore)):
            act = QAction(text, self, objectName=f"att_{key}")
            if keys:
                act.setShortcut(QKeySequence(keys))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _on=False, f=slot: f())
            self.acts[key] = act
            self.toolbar.addAction(act)
            self.addAction(act)
        self.show_removed = QCheckBox("Show removed", objectName="show_removed")
        self.show_removed.toggled.connect(lambda _on: self.reload(recheck=False))
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.show_removed)

        self.status = QLabel(objectName="attachment_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(objectName="attachment_progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(lambda: self.flow.cancel() if self.flow else None)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        self._busy(False)

        # Everything about the selected file in full, selectable (the MD5 to compare).
        self.details = QLabel(objectName="attachment_details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.table, 1)
        col.addWidget(self.details)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 360])  # proportions: the list needs room for its MD5 column
        self.splitter = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.toolbar)
        lay.addWidget(split, 1)
        lay.addLayout(bar)
        self.setAcceptDrops(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        if bridge is not None:
            bridge.changed.connect(self._on_changes)
        self.reload()

    # ---- the list ----
    def reload(self, recheck: bool = True) -> None:
        """Reads the list again; `recheck` verifies every file's MD5 again (in the worker)."""
        keep = self.current()
        try:
            rows = self.desk.attachments.list(order=self.order, lot=self.lot,
                                              include_removed=self.show_removed.isChecked())
        except OrderDeskError as e:
            self.status.setText(str(e))
            rows = []
        if recheck:
            self.model.checked.clear()
        self.model.set_rows(rows)
        r = self.model.row_of(keep.id) if keep else None
        if r is None and rows:
            r = len(rows) - 1  # the newest: usually what was just dropped
        if r is not None:
            self.table.selectRow(r)
        else:
            self.preview.show_message("No attachments yet.\n\nDrop files here, paste them "
                                      "(Ctrl+V) or use “Add files…”.")
        self._update_actions()
        self.verify()

    def verify(self) -> None:
        """Checks each unchecked file's content against its MD5 off the GUI thread."""
        todo = [a.id for a in self.model.rows if a.id not in self.model.checked]
        if not todo:
            return
        desk = self.desk

        def work(_state: TaskState) -> dict[str, str]:
            found: dict[str, str] = {}
            for uid in todo:
                try:
                    desk.attachments.content(uid)
                    found[uid] = ""
                except IntegrityFailure as e:
                    found[uid] = str(e)
                except NotFound:
                    pass
            return found

        self.runner.submit("Checking attachments", work, on_done=self._checked)

    def _checked(self, found: dict[str, str]) -> None:
        self.model.set_checked(found)
        bad = [a for a in self.model.rows if self.model.damaged(a.id)]
        if bad:
            self._say("\n".join(self.model.damaged(a.id) for a in bad), error=True)
        cur = self.current()
        if cur is not None and cur.id in found and found[cur.id]:
            self._show_current()
        self._update_actions()

    def current(self) -> AttachmentInfo | None:
        ix = self.table.currentIndex()
        return self.model.info(ix.row()) if ix.isValid() else None

    def _update_actions(self) -> None:
        a = self.current()
        usable = a is not None and not self.model.damaged(a.id)
        self.acts["open"].setEnabled(usable)
        self.acts["save"].setEnabled(usable)
        for k in ("rename", "retype"):
            self.acts[k].setEnabled(a is not None and a.active)
        self.acts["remove"].setEnabled(a is not None and a.active)
        self.acts["restore"].setEnabled(a is not None and not a.active)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b21818;" if error else "")

    def _busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)

    # ---- reading content (always MD5-checked by the core) ----
    def read(self, info: AttachmentInfo) -> bytes | None:
        """The content, or None after reporting that it no longer matches its MD5."""
        try:
            return self.desk.attachments.content(info.id)
        except IntegrityFailure as e:
            self.model.set_checked({info.id: str(e)})
            self._say(str(e), error=True)
            return None
        except OrderDeskError as e:
            self._say(str(e), error=True)
            return None

    def _details(self, a: AttachmentInfo | None) -> None:
        if a is None:
            self.details.setText("")
            return
        check = self.model.damaged(a.id) or self.model.check_text(a)
        when = a.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if a.uploaded_at else ""
        self.details.setText(f"{a.file_name} · {a.media_type} · {a.size:,} bytes\n"
                             f"MD5 {a.md5} · {check}\nUploaded {when} by {a.uploaded_by}")
        self.details.setStyleSheet("color: #b21818;" if self.model.damaged(a.id) else "")

    def _show_current(self) -> None:
        self._update_actions()
        a = self.current()
        self._details(a)
        if a is None:
            return
        bad = self.model.damaged(a.id)
        data = None if bad else self.read(a)
        if data is None:
            self._details(a)
            self.preview.show_message(
                f"{a.file_name} is damaged and is not shown.\n\n"
                f"{self.model.damaged(a.id)}\n\nRestore it from a backup or attach it again.",
                error=True)
            return
        self.model.set_checked({a.id: ""})
        self._details(a)
        self.preview.show_content(a, data)

    # ---- adding ----
    def add_files(self, paths: list[str]) -> bool:
        return self.add_items([Incoming.from_path(p) for p in paths])

    def add_items(self, items: list[Incoming]) -> bool:
        """Confirm step, then storing in the TaskRunner with progress; False if cancelled."""
        if not items:
            return False
        flow = AttachFlow(self.desk, self.runner, self.ui, self, order=self.order, lot=self.lot)
        flow.progressed.connect(self._progress)
        flow.finished.connect(self._added)
        self.flow = flow
        self._busy(True)
        self.progress.setRange(0, len(items))
        self.progress.setValue(0)
        if not flow.start(items):
            self._busy(False)
            return False
        return True

    def _progress(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if name:
            self.status.setText(f"Storing {name} ({done + 1} of {total})…")

    def _added(self, outcomes: list[Any]) -> None:
        self._busy(False)
        report = self.flow.report if self.flow else ""
        # Red only for refusals: a duplicate the user chose not to attach again is no error.
        self._say(report, error=any(not o.ok and o.duplicate_of is None for o in outcomes))
        self.reload(recheck=False)
        stored = [o.stored for o in outcomes if o.ok]
        if stored:
            r = self.model.row_of(stored[-1].id)
            if r is not None:
                self.table.selectRow(r)
            self.changed.emit()

    def add_files_dialog(self) -> None:
        paths, _f = QFileDialog.getOpenFileNames(self, "Attach files", "", FILE_FILTER)
        if paths:
            self.add_files(paths)

    def paste(self) -> None:
        items = pasted(QApplication.clipboard().mimeData())
        if items:
            self.add_items(items)
        else:
            self._say("The clipboard holds no files and no image to attach.")

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.source() is not self.table and local_files(e.mimeData()):
            e.acceptProposedAction()

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:
        if e.source() is not self.table and local_files(e.mimeData()):
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        files = [] if e.source() is self.table else local_files(e.mimeData())
        if files:
            e.setDropAction(Qt.DropAction.CopyAction)
            e.accept()
            QTimer.singleShot(0, lambda: self.add_files(files))  # as in AttachmentTable

    def take_window_drops(self, window: QWidget) -> None:
        """Files dropped anywhere on `window` (a window of its own around this panel) land here.

        Qt hands a drop to the widget under the pointer or its nearest ancestor that accepts
        drops; the window's own margins around the panel belong to the window, which refuses
        them, and the dragging program then reports the whole drop as refused.
        """
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.window() or not isinstance(event, (QDragEnterEvent,
                                                                  QDragMoveEvent, QDropEvent)):
            return super().eventFilter(watched, event)
        event.ignore()  # refused unless the panel's handler accepts it
        if isinstance(event, QDragEnterEvent):  # a QDragMoveEvent too: test it first
            self.dragEnterEvent(event)
        elif isinstance(event, QDragMoveEvent):
            self.dragMoveEvent(event)
        else:
            self.dropEvent(event)
        return True

    # ---- giving the file out ----
    def drag_mime(self) -> QMimeData | None:
        """A file URL of a temp copy (what a file manager takes from a drag); None if damaged."""
        a = self.current()
        data = self.read(a) if a is not None else None
        if a is None or data is None:
            return None
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(temp_copy(a, data)))])
        return mime

    def open_external(self) -> None:
        a = self.current()
        data = self.read(a) if a is not None else None
        if a is None or data is None:
            return
        path = temp_copy(a, data)
        if not self.open_url(QUrl.fromLocalFile(str(path))):
            self._say(f"No program is set up to open {a.file_name}; use “Save copy…”.",
                      error=True)

    def save_copy(self, target: str) -> bool:
        a = self.current()
        data = self.read(a) if a is not None else None
        if a is None or data is None:
            return False
        try:
            Path(target).write_bytes(data)
        except OSError as e:
            self.ui.error(self, "Copy not saved", f"{target}: {e.strerror or e}")
            return False
        self._say(f"Saved a copy of {a.file_name} to {target}")
        return True

    def save_copy_dialog(self) -> None:
        a = self.current()
        if a is None:
            return
        target, _f = QFileDialog.getSaveFileName(self, "Save a copy", a.file_name)
        if target:
            self.save_copy(target)

    # ---- changing ----
    def _write(self, what: str, fn: Callable[[], Any]) -> bool:
        try:
            fn()
        except OrderDeskError as e:
            self.ui.error(self, f"{what} failed", str(e))
            return False
        self.reload(recheck=False)
        self.changed.emit()
        return True

    def _edit(self, focus: str) -> None:
        a = self.current()
        if a is None:
            return
        dlg = EditDialog(a.file_name, a.type, a.label, focus=focus, parent=self)
        if not self.ui.run_dialog(dlg):
            return
        name, t, label = dlg.values()
        self._write("Changing the attachment", lambda: self.desk.attachments.update(
            a.id, file_name=name, type=t, label=label))

    def rename(self) -> None:
        self._edit("name")

    def change_type(self) -> None:
        self._edit("type")

    def remove(self) -> None:
        a = self.current()
        if a is not None and a.active and self._write(
                "Removing", lambda: self.desk.attachments.set_active(a.id, False)):
            self._say(f"Removed {a.file_name}. It stays in the history; tick “Show removed” "
                      "to restore it.")

    def restore(self) -> None:
        a = self.current()
        if a is not None and not a.active and self._write(
                "Restoring", lambda: self.desk.attachments.set_active(a.id, True)):
            self._say(f"Restored {a.file_name}.")

    def _on_changes(self, changes: Any) -> None:
        if changes.company_id != self.desk.company_id:
            return
        # Any attachment change may be ours (a drop on the list row, the command line's
        # attach through another desk): listing is cheap, so read again rather than guess.
        if (changes.attachments or (self.order and self.order in changes.orders)
                or (self.lot and self.lot in changes.lots)):
            self.reload(recheck=False)


__all__ = ["AttachmentPanel", "AttachmentTable", "C_CHECK", "C_MD5", "C_TYPE"]
