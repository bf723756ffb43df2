"""The Reports menu of the order list: documents of the selection, packs, the list report.

Every report is made in the TaskRunner (off the GUI thread, with progress and cancel) and
shown in a PdfWindow, from which it is previewed, printed, saved or opened in the viewer.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMenu, QProgressDialog

from orderdesk.core import Desk, OrderDeskError
from orderdesk.ui.actions import A
from orderdesk.ui.tasks import Cancelled, TaskHandle, TaskState

if TYPE_CHECKING:
    from orderdesk.reports import Fmt
    from orderdesk.ui.mainwindow import MainWindow
    from orderdesk.ui.printing import PdfWindow

KIND_OF = {A.REPORT_CONFIRMATION: "confirmation", A.REPORT_DELIVERY_NOTE: "delivery-note",
           A.REPORT_INVOICE: "invoice"}
TITLE = {"confirmation": ("Order confirmation", "Order confirmations"),
         "delivery-note": ("Delivery note", "Delivery notes"), "invoice": ("Invoice", "Invoices")}


class ReportsMenu(QObject):
    """Adds the Reports menu to the main window and runs its reports."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.windows: list[PdfWindow] = []  # open result windows (kept alive)
        self.handle: TaskHandle | None = None
        a = window.actions_
        self.menu = QMenu("&Reports", window)
        self.menu.setObjectName("reports_menu")
        for k in (A.REPORT_CONFIRMATION, A.REPORT_DELIVERY_NOTE, A.REPORT_INVOICE):
            self.menu.addAction(a[k])
            a[k].triggered.connect(lambda _on=False, kind=KIND_OF[k]: self.documents(kind))
        self.menu.addSeparator()
        self.menu.addAction(a[A.CERTIFICATE_PACK])
        a[A.CERTIFICATE_PACK].triggered.connect(lambda: self.pack())
        self.menu.addSeparator()
        self.menu.addAction(a[A.ORDER_LIST_REPORT])
        a[A.ORDER_LIST_REPORT].triggered.connect(lambda: self.order_list())
        bar = window.menuBar()
        help_menu = next((act for act in bar.actions() if act.text().replace("&", "") == "Help"),
                         None)
        bar.insertMenu(help_menu, self.menu) if help_menu else bar.addMenu(self.menu)
        window.table.addAction(a[A.CERTIFICATE_PACK])
        window.table.selectionModel().selectionChanged.connect(lambda *_: self.update())
        window.table.selectionModel().currentChanged.connect(lambda *_: self.update())
        window.model.modelReset.connect(self.update)
        self.update()

    # ---- state ----
    def update(self) -> None:
        a, t = self.window.actions_, self.window.table
        has = t.selectionModel().hasSelection() or t.currentIndex().isValid()
        for k in KIND_OF:
            a[k].setEnabled(has and self.handle is None)
        a[A.CERTIFICATE_PACK].setEnabled(t.currentIndex().isValid() and self.handle is None)
        a[A.ORDER_LIST_REPORT].setEnabled(self.handle is None)

    def selection(self) -> list[str]:
        """The selected orders in list order; the current one when nothing is selected."""
        ids = self.window.selected_ids()
        if not ids:
            ix = self.window.table.currentIndex()
            uid = self.window.model.uuid(ix.row()) if ix.isValid() else None
            ids = [uid] if uid else []
        return ids

    def fmt(self) -> Fmt:
        from orderdesk.reports import Fmt

        return Fmt(str(self.window.fmt.locale))

    # ---- the reports ----
    def documents(self, kind: str) -> TaskHandle | None:
        """One order's document, or the selection's as one PDF with an outline entry each."""
        from orderdesk.reports import batch, render_kind

        ids = self.selection()
        if not ids:
            return None
        fmt, one, many = self.fmt(), *TITLE[kind]
        if len(ids) == 1:
            def work(desk: Desk, _p: Callable[[int, int], bool]) -> tuple[bytes, str, str]:
                o = desk.orders.order_head(ids[0])
                return render_kind(desk, ids[0], kind, fmt), f"{one} {o['number']}", \
                    f"{kind}-{o['number']}.pdf"
        else:
            def work(desk: Desk, p: Callable[[int, int], bool]) -> tuple[bytes, str, str]:
                return batch(desk, ids, kind, fmt, progress=p), f"{many} ({len(ids)})", \
                    f"{kind}s-{date.today().isoformat()}.pdf"
        return self._run(f"{many if len(ids) > 1 else one}", len(ids), work)

    def pack(self) -> TaskHandle | None:
        from orderdesk.reports import certificate_pack

        ix = self.window.table.currentIndex()
        uid = self.window.model.uuid(ix.row()) if ix.isValid() else None
        if uid is None:
            return None
        fmt = self.fmt()

        def work(desk: Desk, p: Callable[[int, int], bool]) -> tuple[bytes, str, str]:
            r = certificate_pack(desk, uid, fmt=fmt, progress=p)
            number = desk.orders.order_head(uid)["number"]
            how = "reused, nothing changed" if r.reused else "new"
            missing = f", {len(r.missing)} missing" if r.missing else ""
            return r.data, f"Certificate pack {number} ({how}{missing})", f"pack-{number}.pdf"

        return self._run("Certificate pack", 1, work)

    def order_list(self) -> TaskHandle:
        from orderdesk.reports import order_list

        query, fmt = self.window.model.query, self.fmt()

        def work(desk: Desk, p: Callable[[int, int], bool]) -> tuple[bytes, str, str]:
            return order_list(desk, query, fmt, progress=p), "Order list", \
                f"order-list-{date.today().isoformat()}.pdf"

        return self._run("Order list", 0, work)

    # ---- running ----
    def _run(self, title: str, total: int,
             work: Callable[[Desk, Callable[[int, int], bool]], tuple[bytes, str, str]]
             ) -> TaskHandle:
        from orderdesk.reports import Cancelled as ReportCancelled

        w, desk = self.window, self.window.desk
        dlg = QProgressDialog(f"{title}…", "Cancel", 0, max(total, 0), w)
        dlg.setObjectName("report_progress")
        dlg.setWindowTitle(title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(400)  # quick reports never flash a dialog
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)

        def task(state: TaskState) -> tuple[bytes, str, str]:
            def progress(done: int, n: int) -> bool:
                return state.progress(done, n, f"{title}: {done:,} of {n:,}")
            try:
                return work(desk, progress)
            except ReportCancelled:
                raise Cancelled() from None

        def progressed(done: int, n: int, text: str) -> None:
            dlg.setMaximum(max(n, 0))
            dlg.setValue(min(done, n) if n else 0)
            dlg.setLabelText(text)
            w.statusBar().showMessage(text)

        def finished() -> None:
            dlg.close()
            dlg.deleteLater()
            self.handle = None
            self.update()

        w.statusBar().showMessage(f"{title}…")
        self.handle = handle = w.runner.submit(
            title, task, on_done=self._show, on_progress=progressed,
            on_error=lambda e: self._failed(title, e))
        handle.cancelled.connect(lambda: w.statusBar().showMessage(f"{title}: cancelled", 5000))
        dlg.canceled.connect(handle.cancel)
        if handle.done:  # a synchronous runner already delivered everything
            finished()
        else:
            handle.finished.connect(finished)
            self.update()
        return handle

    def _show(self, result: tuple[bytes, str, str]) -> None:
        from orderdesk.ui.printing import PdfWindow

        data, title, name = result
        w = PdfWindow(data, title, name, self.window, ui=self.window.ui)
        w.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        w.destroyed.connect(lambda *_: self.windows.remove(w) if w in self.windows else None)
        self.windows.append(w)
        self.window.statusBar().showMessage(f"{title}: {w.pages.count} pages", 8000)
        w.show()

    def _failed(self, title: str, e: BaseException) -> None:
        self.window.statusBar().clearMessage()
        text = str(e) if isinstance(e, OrderDeskError) else f"{type(e).__name__}: {e}"
        self.window.ui.error(self.window, f"{title} failed", text)

    @property
    def last(self) -> Any:
        return self.windows[-1] if self.windows else None
