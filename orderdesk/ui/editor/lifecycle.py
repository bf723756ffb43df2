"""Stage and status actions of the editor: send, back to draft, invoice, status transitions."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from orderdesk.core import OrderDeskError
from orderdesk.ui.editor.actions import STATUS_OF, E


class LifecycleMixin:
    """Each action writes through the core, then the editor shows the stored order.

    Refused actions (a transition the workflow does not allow, sending without lines…)
    show the core's reason and change nothing.
    """

    desk: Any
    doc: Any
    ui: Any
    actions_: Any
    status_menu: Any
    status_name: Callable[[str], str]

    def _ready(self, what: str) -> str | None:
        """The stored order's id once unsaved changes are saved (asked first)."""
        if self.doc.is_new or self.doc.dirty:
            if not self.ui.confirm(self, what, f"Save your changes before “{what.lower()}”?",
                                   "Save"):
                return None
            if not self.save():  # type: ignore[attr-defined]
                return None
        return self.doc.order.id  # type: ignore[no-any-return]

    def _run(self, what: str, fn: Callable[[str], Any], *, needs_save: bool = True) -> Any:
        oid = self._ready(what) if needs_save else self.doc.order.id
        if oid is None:
            return None
        try:
            result = fn(oid)
        except OrderDeskError as e:
            self.ui.error(self, f"{what}: refused", str(e))
            return None
        self._after_action()
        return result if result is not None else True

    def _after_action(self) -> None:
        fresh = self.desk.orders.get(self.doc.order.id)
        if not self.doc.dirty:
            self._loaded(fresh)  # type: ignore[attr-defined]
            return
        # A status change leaves the document alone: keep the user's edits on the new version.
        for o in (self.doc.base, self.doc.order):
            for name in ("version", "status", "stage", "active", "updated_at", "updated_by",
                         "invoice_number"):
                setattr(o, name, getattr(fresh, name))
        self.doc.base.payments, self.doc.base.shipments = fresh.payments, fresh.shipments
        self.doc.base.totals = fresh.totals  # shown again once the edits are undone
        self.doc.stage_changed.emit()

    def send(self) -> None:
        self._run("Send", self.desk.lifecycle.send)

    def back_to_draft(self) -> None:
        self._run("Back to draft", self.desk.lifecycle.back_to_draft)

    def upgrade(self) -> None:
        if self._run("Upgrade to invoice", self.desk.lifecycle.upgrade_to_invoice) is None:
            return
        inv = self.desk.lifecycle.invoice(self.doc.order.id)
        if inv is not None:
            self.ui.run_dialog(InvoiceDialog(inv, self.fmt, self))  # type: ignore[attr-defined]

    def set_status(self, code: str) -> None:
        # A status is not part of the document: no save needed, unsaved edits are kept.
        if self.doc.is_new:
            self.ui.error(self, "Status", "Save the order first.")
            return
        result = self._run(f"Mark {self.status_name(code).lower()}",
                           lambda oid: self.desk.lifecycle.set_status([oid], code),
                           needs_save=False)
        if result is not None and getattr(result, "warnings", ()):
            self.ui.info(self, "Status changed", "\n".join(result.warnings))

    def _fill_status_menu(self) -> None:
        self.status_menu.clear()
        current = self.doc.order.status or ""
        allowed = set(self.desk.statuses.allowed_from(current)) if current else set()
        for s in self.desk.statuses.list():
            if s.code in STATUS_OF.values() or s.code == "invoiced":
                continue  # those have their own entries; invoiced comes from upgrading
            act = self.status_menu.addAction(s.name + ("" if s.code in allowed else
                                                       "  (not allowed now)"))
            act.setObjectName(f"editor_status_{s.code}")
            act.triggered.connect(lambda _c=False, c=s.code: self.set_status(c))

    def _update_actions(self) -> None:
        o, a = self.doc.order, self.actions_
        stored = o.id is not None and o.active
        a[E.SEND].setEnabled(stored and o.stage == "draft" or o.id is None)
        a[E.BACK_TO_DRAFT].setEnabled(stored and o.stage == "sent")
        a[E.UPGRADE].setEnabled(stored and o.stage in ("draft", "sent")
                                and not o.invoice_number)
        allowed = set(self.desk.statuses.allowed_from(o.status)) if o.status else set()
        for key, code in STATUS_OF.items():
            # left enabled when refused: triggering says why (the workflow's allowed moves)
            a[key].setEnabled(stored and o.stage != "archived")
            tip = a[key].statusTip().split(" — ")[0]
            a[key].setToolTip(tip if code in allowed else f"{tip} — not allowed from "
                              f"{self.status_name(o.status or '')}")
        editable = self.doc.editable("line")
        for key in (E.ADD_LINE, E.INSERT_LINE, E.DELETE_LINES, E.DUPLICATE_LINE, E.MOVE_UP,
                    E.MOVE_DOWN, E.PASTE_LINES):
            a[key].setEnabled(editable)
        a[E.UNDO].setEnabled(self.doc.stack.canUndo())
        a[E.REDO].setEnabled(self.doc.stack.canRedo())


class InvoiceDialog(QDialog):
    """The invoice draft an upgrade created: number, customer, lines, total (read-only)."""

    def __init__(self, inv: dict[str, Any], fmt: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("invoice_view")
        self.setWindowTitle(f"Invoice {inv['number']}")
        self.invoice = inv
        lay = QVBoxLayout(self)
        form = QFormLayout()
        for name, key in (("Number", "number"), ("Stage", "stage"), ("Date", "invoice_date"),
                          ("Customer", "customer_name"), ("Currency", "currency")):
            form.addRow(name, QLabel(str(inv.get(key, ""))))
        lay.addLayout(form)
        lines = inv["document"].get("lines", [])
        t = QTableWidget(len(lines), 4)
        t.setHorizontalHeaderLabels(["Item", "Description", "Quantity", "Total"])
        for r, ln in enumerate(lines):
            for c, k in enumerate(("item_code", "description", "quantity", "total")):
                t.setItem(r, c, QTableWidgetItem(str(ln.get(k, ""))))
        t.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(t)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self.resize(700, 420)
