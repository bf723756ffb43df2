"""The order editor window: header, lines, parties, totals and actions (saving in persist.py)."""

from __future__ import annotations

import uuid as _uuid
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QVBoxLayout,
    QWidget,
)

from orderdesk.core import Desk, Order
from orderdesk.core.recovery import RecoveryStore
from orderdesk.ui.dialogs import Ui
from orderdesk.ui.editor.actions import STATUS_OF, E, EditorActions
from orderdesk.ui.editor.columns import PARTY_TITLES
from orderdesk.ui.editor.document import EditorDocument, fast_copy
from orderdesk.ui.editor.grid import CellDelegate, Grid
from orderdesk.ui.editor.header import HeaderForm
from orderdesk.ui.editor.lifecycle import LifecycleMixin
from orderdesk.ui.editor.lines import LineOps
from orderdesk.ui.editor.parties import PartyPanel
from orderdesk.ui.editor.persist import PersistMixin
from orderdesk.ui.editor.totals import TotalsPanel
from orderdesk.ui.fmt import Formatter

RECOVERY_DELAY_MS = 1500  # debounce: a burst of typing writes one recovery file
FIT_CAPS = {"item_code": 150, "unit": 60, "unit_price": 100, "taxes": 125, "attributes": 100}


class Prompts:
    """The editor's three-way question; tests replace `unsaved`."""

    def unsaved(self, parent: QWidget, title: str) -> str:
        """'save', 'discard' or 'cancel'."""
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"{title} has unsaved changes.", B.Save | B.Discard | B.Cancel, parent)
        box.setDefaultButton(B.Save)
        return {B.Save: "save", B.Discard: "discard"}.get(B(box.exec()), "cancel")


class OrderEditor(PersistMixin, LifecycleMixin, QMainWindow):
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
        self.grid.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.grid.setDropIndicatorShown(True)
        # A table view "moves" by clearing the dragged cells after the drop; the model has
        # already moved the lines, so the view must leave the cells alone.
        self.grid.setDragDropOverwriteMode(False)
        hh = self.grid.horizontalHeader()
        hh.setStretchLastSection(False)
        for c in range(len(self.doc.lines.columns), self.doc.lines.columnCount()):
            hh.resizeSection(c, self.fontMetrics().horizontalAdvance("€00,000.00") + 12)
        self._fit_columns()
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
        self._shown: Any = None  # the totals on show
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
        split.setSizes([1000, 280])
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

    def _fit_columns(self) -> None:
        """Codes, units, prices, taxes and attributes as wide as the first rows need (up to a
        cap); the description takes the width that is left."""
        m, hh = self.doc.lines, self.grid.horizontalHeader()
        fm, rows = self.grid.fontMetrics(), min(m.rowCount(), 60)  # what the first screens show
        for c, col in enumerate(m.columns):
            cap = FIT_CAPS.get(col.field)
            if cap is None:
                continue
            texts = [str(m.data(m.index(r, c)) or "") for r in range(rows)]
            wanted = max([fm.horizontalAdvance(t) + 18 for t in texts] + [hh.sectionSize(c)])
            hh.resizeSection(c, min(wanted, cap))
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

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
        d, base = self.doc, self.doc.base
        # Unchanged since loaded or saved: the core's own totals of the stored order (a
        # 1,000-line order need not be figured again on open and after each save).
        t = (base.totals if base is not None and base.totals is not None and not d.dirty
             and d.order.id == base.id else d.totals())
        if t != self._shown:
            self._shown = t
            self.totals.show_totals(t)
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
