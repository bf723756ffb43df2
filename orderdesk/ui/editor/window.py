"""The order editor window: header, lines, parties, totals, actions, save, recovery."""

from __future__ import annotations

import uuid as _uuid
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate, QApplication, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget,
    QVBoxLayout, QWidget,
)

from orderdesk.core import ConflictError, Desk, Order, OrderDeskError
from orderdesk.core.recovery import RecoveryStore, order_to_json
from orderdesk.core.saving import FinanceEdits, save_order
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.editor.actions import STATUS_OF, E, EditorActions
from orderdesk.ui.editor.columns import PARTY_TITLES
from orderdesk.ui.editor.document import EditorDocument, fast_copy
from orderdesk.ui.editor.grid import CellDelegate, Grid
from orderdesk.ui.editor.header import HeaderForm
from orderdesk.ui.editor.lifecycle import LifecycleMixin
from orderdesk.ui.editor.lines import LineOps
from orderdesk.ui.editor.parties import PartyPanel
from orderdesk.ui.editor.totals import TotalsPanel
from orderdesk.ui.fmt import Formatter

RECOVERY_DELAY_MS = 1500  # debounce: a burst of typing writes one recovery file


class Prompts:
    """The editor's three-way question; tests replace `unsaved`."""

    def unsaved(self, parent: QWidget, title: str) -> str:
        """'save', 'discard' or 'cancel'."""
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"{title} has unsaved changes.", B.Save | B.Discard | B.Cancel, parent)
        box.setDefaultButton(B.Save)
        return {B.Save: "save", B.Discard: "discard"}.get(B(box.exec()), "cancel")


class OrderEditor(LifecycleMixin, QMainWindow):
    """One order (stored or new) in its own window; `key` names it among open editors."""

    open_document = Signal(object)  # an unsaved Order to open in a new editor (duplicate)
    request_new = Signal()  # "save and new"
    saved = Signal(str)  # the order's UUID
    closed = Signal(str)  # the editor's key

    def __init__(self, desk: Desk, order: Order | None, *, fmt: Formatter, ui: Ui | None = None,
                 recovery: RecoveryStore | None = None, base: Order | None = None,
                 runner: Any = None, bridge: Any = None,
                 status_name: Callable[[str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("order_editor")
        self.desk, self.fmt, self.ui = desk, fmt, ui or Ui()
        self.recovery, self.runner, self.bridge = recovery, runner, bridge
        self.prompts = Prompts()
        self.status_name = status_name or (lambda c: desk.statuses.name(c))
        self._catalogue: dict[str, Any] | None = None
        if order is None:
            company = desk.company()
            from datetime import date

            order = Order(customer_code="", order_date=date.today(), currency=company.currency)
        elif base is None and order.id is not None:
            base = fast_copy(order)
        self.key = order.id or f"new-{_uuid.uuid4()}"
        self.doc = EditorDocument(order, base, fmt, self)

        self.header = HeaderForm(self.doc, lambda: desk.catalog.customers(limit=20000))
        self.delegate = CellDelegate(self._item_choices, self)
        self.grid = Grid(self.doc.lines, self.delegate, "lines_grid")
        self.grid.setDragDropMode(Grid.DragDropMode.InternalMove)
        self.grid.setDragEnabled(True)
        hh = self.grid.horizontalHeader()
        hh.setStretchLastSection(False)
        for c in range(len(self.doc.lines.columns), self.doc.lines.columnCount()):
            hh.resizeSection(c, self.fontMetrics().horizontalAdvance("€00,000.00") + 12)
        hh.resizeSection(1, 190)  # descriptions are long: a tooltip-free glance, not all of it
        self.doc.lines.lookup = self.item
        self.ops = LineOps(self.doc, self.grid, self.item, self._report)
        self.grid.add_row = self.ops.add
        self.totals = TotalsPanel(fmt)
        self.title_label = QLabel(objectName="stage_status")
        self.banner = QLabel(objectName="lock_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; "
                                  "border: 1px solid #ffe69c; border-radius: 3px;")
        self.problems_label = QLabel(objectName="problems")
        self.problems_label.setStyleSheet("color: #8b0000;")
        self.problems_label.setWordWrap(True)
        self._build()
        self.actions_ = EditorActions(self, self.grid)
        self._menus()
        self._connect()
        from orderdesk.ui.inventory.editor_hook import install as install_stock

        self.stock = install_stock(self)  # Lines › Reserve stock…, stock flags on the grid
        self._recovery_timer = QTimer(self, singleShot=True, interval=RECOVERY_DELAY_MS)
        self._recovery_timer.timeout.connect(self.write_recovery)
        self._totals_timer = QTimer(self, singleShot=True, interval=0)
        self._totals_timer.timeout.connect(self._show_totals)
        self.header.refresh()
        self._show_totals()
        self._stage_changed()
        self.resize(1280, 800)

    # ---- building ----
    def _build(self) -> None:
        central = QWidget()
        lay = QVBoxLayout(central)
        top = QHBoxLayout()
        f = self.title_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.title_label.setFont(f)
        top.addWidget(self.title_label, 1)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.header)
        self.tabs = QTabWidget(objectName="editor_tabs")
        lines_page = QWidget()
        ll = QVBoxLayout(lines_page)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.grid, 1)
        ll.addWidget(self.problems_label)
        self.tabs.addTab(lines_page, "&Lines")
        self.panels: dict[str, PartyPanel] = {}
        for kind in ("address", "contact", "surcharge", "attribute", "payment", "shipment"):
            self.panels[kind] = PartyPanel(self.doc, kind, CellDelegate(None, self))
            self.tabs.addTab(self.panels[kind], PARTY_TITLES[kind])
        self._extra_tabs()
        split = QSplitter(Qt.Orientation.Horizontal, objectName="editor_split")
        split.addWidget(self.tabs)
        split.addWidget(self.totals)
        split.setStretchFactor(0, 1)
        split.setSizes([1000, 270])
        lay.addWidget(split, 1)
        self.setCentralWidget(central)
        chain = self.header.tab_chain() + [self.grid]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)
        for w in self.header.tab_chain():
            w.installEventFilter(self)  # undo keys go to the document, not the line edit

    def _extra_tabs(self) -> None:
        """Attachments and history of a stored order (the panels of those features)."""
        oid = self.doc.order.id
        if oid is None or self.runner is None:
            return
        try:
            from orderdesk.ui.attachments import AttachmentPanel
            from orderdesk.ui.timeline import TimelinePanel
        except ImportError:  # the features are optional in a partial build
            return
        self.attachments = AttachmentPanel(self.desk, self.runner, order=oid, ui=self.ui,
                                           bridge=self.bridge)
        self.tabs.addTab(self.attachments, "Attac&hments")
        if self.bridge is not None:
            self.timeline = TimelinePanel(self.desk, self.bridge, oid, runner=self.runner,
                                          ui=self.ui)
            self.tabs.addTab(self.timeline, "Histor&y")

    def _menus(self) -> None:
        a, mb = self.actions_, self.menuBar()
        groups = (
            ("&File", (E.SAVE, E.SAVE_NEW, None, E.DUPLICATE_ORDER, E.RELOAD, None, E.CLOSE)),
            ("&Edit", (E.UNDO, E.REDO, None, E.COPY_LINES, E.PASTE_LINES, None, E.EDIT_CELL,
                       E.FOCUS_HEADER, E.FOCUS_LINES)),
            ("&Lines", (E.ADD_LINE, E.INSERT_LINE, E.DUPLICATE_LINE, E.DELETE_LINES, None,
                        E.MOVE_UP, E.MOVE_DOWN)),
            ("&Order", (E.SEND, E.BACK_TO_DRAFT, E.UPGRADE, None, E.MARK_PAID, E.MARK_SHIPPED,
                        E.MARK_DELIVERED, E.MARK_DONE, E.CANCEL_ORDER)),
        )
        for title, keys in groups:
            m = mb.addMenu(title)
            for k in keys:
                if k is None:
                    m.addSeparator()
                else:
                    m.addAction(a[k])
            if title == "&Order":
                self.status_menu = m.addMenu("Other &status")
                self.status_menu.aboutToShow.connect(self._fill_status_menu)
        m = mb.addMenu("&Tables")
        for kind, panel in self.panels.items():
            m.addAction(panel.add_action)
            m.addAction(panel.remove_action)

    def _connect(self) -> None:
        a, d = self.actions_, self.doc
        a[E.SAVE].triggered.connect(self.save)
        a[E.SAVE_NEW].triggered.connect(self.save_and_new)
        a[E.DUPLICATE_ORDER].triggered.connect(self.duplicate_order)
        a[E.RELOAD].triggered.connect(self.reload)
        a[E.CLOSE].triggered.connect(self.close)
        a[E.UNDO].triggered.connect(self.undo)
        a[E.REDO].triggered.connect(self.redo)
        a[E.COPY_LINES].triggered.connect(self.ops.copy)
        a[E.PASTE_LINES].triggered.connect(lambda: self.ops.paste())
        a[E.ADD_LINE].triggered.connect(lambda: self.ops.add() and self.grid.edit(
            self.grid.currentIndex()))
        a[E.INSERT_LINE].triggered.connect(self.ops.insert)
        a[E.DELETE_LINES].triggered.connect(self.ops.delete)
        a[E.DUPLICATE_LINE].triggered.connect(self.ops.duplicate)
        a[E.MOVE_UP].triggered.connect(lambda: self.ops.move(-1))
        a[E.MOVE_DOWN].triggered.connect(lambda: self.ops.move(1))
        a[E.EDIT_CELL].triggered.connect(lambda: self.grid.edit(self.grid.currentIndex()))
        a[E.FOCUS_HEADER].triggered.connect(self.header.customer.setFocus)
        a[E.FOCUS_LINES].triggered.connect(self.focus_lines)
        a[E.SEND].triggered.connect(self.send)
        a[E.BACK_TO_DRAFT].triggered.connect(self.back_to_draft)
        a[E.UPGRADE].triggered.connect(self.upgrade)
        for key, code in STATUS_OF.items():
            a[key].triggered.connect(lambda _c=False, s=code: self.set_status(s))
        d.changed.connect(self._changed)
        d.stack.cleanChanged.connect(lambda _c: self._update_title())
        d.stack.canUndoChanged.connect(a[E.UNDO].setEnabled)
        d.stack.canRedoChanged.connect(a[E.REDO].setEnabled)
        d.stage_changed.connect(self._stage_changed)
        if self.bridge is not None:
            self.bridge.changed.connect(self._on_changes)

    # ---- helpers ----
    def item(self, code: str) -> Any:
        if self._catalogue is None:
            self._catalogue = {i.code: i for i in self.desk.catalog.items(limit=100000)}
        return self._catalogue.get(code)

    def _item_choices(self) -> list[tuple[str, str]]:
        self.item("")
        assert self._catalogue is not None
        return [(c, i.description) for c, i in self._catalogue.items()]

    def _report(self, title: str, text: str) -> None:
        self.ui.error(self, title, text)

    def focus_lines(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.grid.setFocus()

    def undo(self) -> None:
        self.doc.next_session()
        self.doc.stack.undo()

    def redo(self) -> None:
        self.doc.next_session()
        self.doc.stack.redo()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            ke: Any = event
            if ke.matches(QKeySequence.StandardKey.Undo) or ke.matches(
                    QKeySequence.StandardKey.Redo) or ke.keyCombination().toCombined() == (
                    QKeySequence("Ctrl+Shift+Z")[0].toCombined()):
                event.ignore()
                return True  # not the line edit's own undo: the window's action takes it
        return super().eventFilter(obj, event)

    # ---- state shown ----
    def _changed(self) -> None:
        self._totals_timer.start()
        if self.recovery is not None:
            self._recovery_timer.start()
        self._update_title()

    def _show_totals(self) -> None:
        self.totals.show_totals(self.doc.totals())
        problems = self.doc.problems()
        self.problems_label.setText(
            "" if not problems else "Fix before saving: " + " · ".join(problems[:5])
            + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))
        self.problems_label.setVisible(bool(problems))

    def _update_title(self) -> None:
        o = self.doc.order
        name = f"Order {o.number}" if o.number else "New order"
        cust = f" — {o.customer_name}" if o.customer_name else ""
        self.setWindowTitle(f"{name}{cust}[*] — OrderDesk")
        self.setWindowModified(self.doc.dirty)

    def _stage_changed(self) -> None:
        o = self.doc.order
        stage = o.stage if o.active else "deleted"
        status = self.status_name(o.status) if o.status else "Pending (on save)"
        self.title_label.setText(f"{'Order ' + o.number if o.number else 'New order'} · "
                                 f"{stage.upper()} · {status}")
        if not o.active:
            text = "This order is deleted: read-only. Restore it from the Deleted view."
        elif o.stage == "sent":
            text = ("Sent: the document (header, lines, addresses, contacts, surcharges, "
                    "attributes) is locked. Payments, shipments, status, reservations and "
                    "attachments can still change. Back to draft (Ctrl+Alt+Backspace) unlocks it.")
        elif o.stage == "archived":
            text = ("Archived: read-only. Only attachments and log entries can be added."
                    + (f" Invoice {o.invoice_number}." if o.invoice_number else ""))
        else:
            text = ""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.header.refresh()
        self._update_actions()
        self._update_title()

    # ---- saving ----
    def commit_editing(self) -> None:
        """Finishes an open cell editor so its value is part of what is saved."""
        w = QApplication.focusWidget()
        for grid in [self.grid, *(p.grid for p in self.panels.values())]:
            if w is not None and grid.isAncestorOf(w) and grid.state() == Grid.State.EditingState:
                grid.commitData(w)
                grid.closeEditor(w, QAbstractItemDelegate.EndEditHint.NoHint)
        self.doc.next_session()

    def save(self) -> bool:
        """Writes the document through the core in one transaction; True when stored."""
        self.commit_editing()
        problems = self.doc.problems()
        if problems:
            self.ui.error(self, "Cannot save yet", "Fix these first:\n" + "\n".join(problems))
            return False
        if not self.doc.dirty and not self.doc.is_new:
            return True
        mine = self.doc.build()
        base = self.doc.base
        return self._store(mine, base.version if base else None, self.doc.finance())

    def _store(self, doc: Order, expected: int | None, fin: FinanceEdits) -> bool:
        try:
            stored = save_order(self.desk, doc, expected, fin)
        except ConflictError as e:
            return self._conflict(e, doc, fin)
        except OrderDeskError as e:
            self.ui.error(self, "Order not saved", str(e))
            return False
        old_key = self.key
        self.key = stored.id or self.key
        self._loaded(stored)
        if self.recovery is not None:
            self.recovery.discard(old_key)
        self.statusBar().showMessage(f"Order {stored.number} saved (version {stored.version})",
                                     5000)
        self.saved.emit(self.key)
        return True

    def _conflict(self, error: ConflictError, mine: Order, fin: FinanceEdits) -> bool:
        from orderdesk.core.merge import keep_mine, merge
        from orderdesk.ui.editor.conflict import KEEP_MINE, MERGE, RELOAD, ConflictDialog

        theirs = self.desk.orders.get(mine.id)  # type: ignore[arg-type]
        base = self.doc.base or theirs
        result = merge(base, mine, theirs)
        dlg = ConflictDialog(error, result, self)
        if not self.ui.run_dialog(dlg) or dlg.choice is None:
            return False
        if dlg.choice == RELOAD:
            self._loaded(theirs)
            if self.recovery is not None:
                self.recovery.discard(self.key)
            return True
        if dlg.choice == MERGE and result.merged is not None:
            return self._store(result.merged, theirs.version, fin)
        if dlg.choice == KEEP_MINE:
            return self._store(keep_mine(mine, theirs), theirs.version, fin)
        return False

    def _loaded(self, stored: Order) -> None:
        self.doc.load(fast_copy(stored), stored)
        self._catalogue = None  # the catalogue may have changed meanwhile

    def save_and_new(self) -> None:
        if self.save():
            self.request_new.emit()

    def duplicate_order(self) -> None:
        from orderdesk.core.fields import new_uuid

        doc = self.doc.build()
        doc.id = doc.number = doc.reference = doc.invoice_number = None
        doc.stage, doc.status, doc.version, doc.active = "draft", None, 0, True
        doc.payments, doc.shipments = [], []
        for line in doc.lines:
            line.id, line.reserved = new_uuid(), type(line.reserved)(0)
        for x in (*doc.addresses, *doc.contacts, *doc.surcharges):
            x.id = None
        self.open_document.emit(doc)

    def reload(self) -> None:
        if self.doc.is_new:
            return
        if self.doc.dirty and not self.ui.confirm(self, "Reload", "Drop your unsaved changes "
                                                  "and read the order again?", "Reload"):
            return
        self._loaded(self.desk.orders.get(self.doc.order.id))  # type: ignore[arg-type]
        if self.recovery is not None:
            self.recovery.discard(self.key)

    # ---- recovery ----
    def write_recovery(self) -> None:
        if self.recovery is None:
            return
        if not self.doc.dirty:
            self.recovery.discard(self.key)
            return
        base = self.doc.base
        self.recovery.save(self.key, {
            "order": order_to_json(self.doc.build()),
            "base": order_to_json(base) if base else None,
            "db": str(self.desk.store.target), "company_id": self.desk.company_id,
            "title": self.windowTitle().replace("[*]", ""),
        })

    def mark_restored(self) -> None:
        """The content came from a recovery file: unsaved until the user saves it."""
        self.doc.restored = True
        self._update_title()
        self.statusBar().showMessage("Restored unsaved changes: save them (Ctrl+S) to keep them")
        self.write_recovery()

    def _on_changes(self, changes: Any) -> None:
        oid = self.doc.order.id
        if oid is None or changes.company_id != self.desk.company_id or oid not in changes.orders:
            return
        if self.doc.dirty:
            self.statusBar().showMessage("Someone else changed this order: saving will show "
                                         "their changes beside yours", 10000)
            return
        fresh = self.desk.orders.get(oid)
        if fresh.version != (self.doc.base.version if self.doc.base else -1):
            self._loaded(fresh)

    # ---- closing ----
    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_editing()
        if self.doc.dirty:
            answer = self.prompts.unsaved(self, self.windowTitle().replace("[*]", ""))
            if answer == "cancel" or (answer == "save" and not self.save()):
                event.ignore()
                return
        self._recovery_timer.stop()
        if self.recovery is not None:
            self.recovery.discard(self.key)
        self.closed.emit(self.key)
        super().closeEvent(event)


__all__ = ["OrderEditor", "Prompts"]
