"""Stock in the order editor: "Reserve stock…" for the current line, and flags on the lines
grid for lines without enough reservation and lots without a certificate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from orderdesk.core import OrderDeskError

if TYPE_CHECKING:
    from orderdesk.ui.editor.window import OrderEditor

R = Qt.ItemDataRole
SHORT = QColor(255, 193, 7, 60)  # a light amber wash: visible, still readable when selected
QTY_FIELD = "quantity"


@dataclass(frozen=True)
class LineStock:
    reserved: Decimal
    lots: tuple[str, ...]  # lot/heat numbers
    uncertified: tuple[str, ...]  # those without a certificate


class StockFlags(QObject):
    """What is reserved for each stored line of the open order, read from the core."""

    def __init__(self, editor: OrderEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.by_line: dict[str, LineStock] = {}
        self.actions: tuple[QAction, ...] = ()
        self.label = QLabel(objectName="stock_flags")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #8a5a00;")
        self.label.hide()
        self.reload()

    def reload(self) -> None:
        oid = self.editor.doc.order.id
        found: dict[str, list[Any]] = {}
        if oid is not None:
            try:
                for r in self.editor.desk.inventory.reservations(order=oid):
                    found.setdefault(r.line_id, []).append(r)
            except OrderDeskError:
                found = {}
        self.by_line = {lid: LineStock(sum((r.quantity for r in rs), Decimal(0)),
                                       tuple(r.lot_number or r.lot_name for r in rs),
                                       tuple(r.lot_number or r.lot_name for r in rs
                                             if not r.certificates))
                        for lid, rs in found.items()}
        model = self.editor.doc.lines
        if model.rowCount():
            model.dataChanged.emit(model.index(0, 0),
                                   model.index(model.rowCount() - 1, model.columnCount() - 1))
        self._summary()

    def enable(self) -> None:
        order = self.editor.doc.order
        for act in self.actions:
            act.setEnabled(order.id is not None and (order.stage != "archived" or
                                                     act.objectName() != "editor_reserve_stock"))

    def on_changes(self, changes: Any) -> None:
        oid = self.editor.doc.order.id
        if oid and changes.company_id == self.editor.desk.company_id and (
                oid in changes.orders or changes.lots or changes.attachments):
            self.reload()
            self.enable()

    def stored(self, line: Any) -> bool:
        base = self.editor.doc.base
        if base is None or not line.id:
            return False
        # One set per loaded document, not a scan of every line for every line.
        if getattr(self, "_ids_of", None) is not base:
            self._ids_of, self._ids = base, {b.id for b in base.lines}
        return line.id in self._ids

    def problem(self, line: Any) -> str:
        """Why the line is flagged, or '' (new, unsaved lines are not flagged)."""
        if not self.stored(line) or not line.active:
            return ""
        st = self.by_line.get(line.id)
        qty = line.quantity if isinstance(line.quantity, Decimal) else None
        fmt = self.editor.fmt.number
        parts = []
        if st is None:
            parts.append("no stock reserved")
        elif qty is not None and st.reserved < qty:
            parts.append(f"{fmt(st.reserved)} of {fmt(qty)} {line.unit} reserved")
        if st is not None and st.uncertified:
            parts.append(f"lot {', '.join(st.uncertified)} has no certificate")
        return "; ".join(parts)

    def data(self, line: Any, field: str, role: int) -> Any:
        """The lines model asks here first for the quantity cell; None means no flag."""
        if field != QTY_FIELD or role not in (R.BackgroundRole, R.ToolTipRole):
            return None
        text = self.problem(line)
        if not text:
            return None
        if role == R.BackgroundRole:
            return QBrush(SHORT)
        return f"Stock: {text} (Lines › Reserve stock…)"

    def _summary(self) -> None:
        rows = [(ln.position, self.problem(ln)) for ln in self.editor.doc.lines.rows()]
        flagged = [f"line {p}: {t}" for p, t in rows if t]
        self.label.setText("Stock — " + " · ".join(flagged[:6]) +
                           (f" · and {len(flagged) - 6} more" if len(flagged) > 6 else "")
                           if flagged else "")
        self.label.setVisible(bool(flagged))


def install(editor: OrderEditor) -> StockFlags:
    """Adds the action to the Lines menu and the flags to the grid of a stored order."""
    flags = StockFlags(editor)
    editor.doc.lines.stock = flags  # consulted by LinesModel.data
    page = editor.grid.parentWidget()
    if page is not None and page.layout() is not None:
        page.layout().addWidget(flags.label)
    act = QAction("Reserve &stock…", editor, objectName="editor_reserve_stock")
    act.setShortcut(QKeySequence("Ctrl+Alt+R"))
    act.setStatusTip("Reserve the current line against stock lots, whole or split; unreserve")
    act.triggered.connect(lambda: reserve_current(editor, flags))
    trace = QAction("Stock &traceability…", editor, objectName="editor_traceability")
    trace.setStatusTip("Which lot serves which line of this order, with certificates")
    trace.triggered.connect(lambda: show_trace(editor))
    editor.addAction(act)
    editor.grid.addAction(act)
    for a in editor.menuBar().actions():
        m = a.menu()
        if isinstance(m, QMenu) and m.title().replace("&", "") == "Lines":
            m.addSeparator()
            m.addAction(act)
            m.addAction(trace)
    editor.reserve_action = act  # type: ignore[attr-defined]
    flags.actions = (act, trace)
    flags.enable()
    if editor.bridge is not None:
        # A bound slot of a child QObject: Qt drops the connection when the editor goes.
        editor.bridge.changed.connect(flags.on_changes)
    editor.doc.lines.modelReset.connect(flags.reload)
    return flags


def reserve_current(editor: OrderEditor, flags: StockFlags) -> bool:
    """Opens the reservation dialog for the current line of a saved order."""
    from orderdesk.ui.inventory.reserve import ReserveDialog

    ix = editor.grid.currentIndex()
    model = editor.doc.lines
    line = model.obj(ix.row()) if ix.isValid() and ix.row() < model.rowCount() else None
    oid = editor.doc.order.id
    if line is None or oid is None or not flags.stored(line):
        editor.ui.info(editor, "Reserve stock", "Save the order first: stock is reserved for "
                       "lines that are stored.")
        return False
    try:
        dlg = ReserveDialog(editor.desk, oid, line.id, editor, ui=editor.ui, fmt=editor.fmt,
                            bridge=editor.bridge)
    except OrderDeskError as e:
        editor.ui.error(editor, "Reserve stock", str(e))
        return False
    editor.ui.run_dialog(dlg)
    flags.reload()
    return True


def show_trace(editor: OrderEditor) -> None:
    from orderdesk.ui.inventory.trace import TraceDialog

    if editor.doc.order.id is None:
        return
    dlg = TraceDialog(editor.desk, order=editor.doc.order.id, parent=editor, fmt=editor.fmt,
                      bridge=editor.bridge)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
