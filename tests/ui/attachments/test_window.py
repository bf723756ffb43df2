"""The Attachments window as a real desktop uses it: drops on its margins, the first PDF shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QVBoxLayout

from orderdesk.core import Desk
from orderdesk.ui.actions import A
from orderdesk.ui.attachments import AttachmentPanel
from orderdesk.ui.attachments.preview import Preview
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Answers, make_orders

from .conftest import accept_types, drop, file_mime, pdf_bytes


def margin_point(window: QDialog) -> QPoint:
    """A point on the window's own margin, left of the panel: no child widget is there."""
    p = QPoint(2, window.height() // 2)
    assert window.childAt(p) is None
    return p


def test_a_drop_on_the_attachments_windows_margin_is_stored(
        qtbot: Any, window: MainWindow, answers: Answers, ui_desk: Desk,
        files: dict[str, Path]) -> None:
    make_orders(ui_desk, 1)
    window.refresh()
    window.table.setCurrentIndex(window.model.index(0, 0))
    uuid = window.model.uuid(0)
    window.actions_[A.ATTACHMENTS].trigger()
    dlg = window._windows[f"attachments:{uuid}"]
    qtbot.waitExposed(dlg)
    accept_types(answers)
    assert drop(dlg, file_mime(files["pdf"], files["png"]), margin_point(dlg))
    stored = sorted(a.file_name for a in ui_desk.attachments.list(order=uuid))
    assert stored == sorted([files["pdf"].name, files["png"].name])
    panel = dlg.findChild(AttachmentPanel)
    assert panel is not None and "2 of 2 file(s) attached." in panel.status.text()


def test_without_taking_window_drops_the_margin_refuses(
        qtbot: Any, ui_desk: Desk, answers: Answers, files: dict[str, Path]) -> None:
    """Why the window needs it: the margin belongs to the dialog, which refuses drops."""
    oid = make_orders(ui_desk, 1)[0]
    dlg = QDialog()
    qtbot.addWidget(dlg)
    QVBoxLayout(dlg).addWidget(AttachmentPanel(ui_desk, TaskRunner(synchronous=True),
                                               order=oid, ui=answers))
    dlg.resize(900, 500)
    dlg.show()
    qtbot.waitExposed(dlg)
    accept_types(answers)
    assert not drop(dlg, file_mime(files["pdf"]), margin_point(dlg))
    assert ui_desk.attachments.list(order=oid) == []


class ResizeCounter(QObject):
    """Counts a viewport's resizes; past `limit` it breaks a resize loop so the test ends."""

    def __init__(self, preview: Preview, limit: int = 60) -> None:
        super().__init__()
        self.preview, self.limit, self.count = preview, limit, 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.count += 1
            view = self.preview.pdf
            if self.count > self.limit and view is not None:
                from PySide6.QtCore import Qt

                view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        return False


def dark_pixels(img: QImage) -> int:
    img = img.convertToFormat(QImage.Format.Format_Grayscale8)
    return sum(1 for y in range(0, img.height(), 2) for x in range(0, img.width(), 2)
               if img.pixelColor(x, y).value() < 100)


def test_a_pdf_shown_before_the_window_settles_is_painted(qtbot: Any) -> None:
    """A fit-to-width page just taller than the view with its scroll bar and shorter without
    it made the bar (and the page size) flip forever: a white page until the user clicked."""
    preview = Preview()
    qtbot.addWidget(preview)
    data = pdf_bytes("Invoice 2026-0042", pages=1)
    worst = 0
    # Heights around the band where an A4 page at this width needs the bar by a few pixels.
    for h in range(440, 530, 3):
        preview.resize(351, h)
        preview.show_pdf("invoice.pdf", data)
        assert preview.pdf is not None
        counter = ResizeCounter(preview)
        preview.pdf.viewport().installEventFilter(counter)
        preview.show()
        qtbot.waitExposed(preview)
        qtbot.wait(30)
        worst = max(worst, counter.count)
        preview.pdf.viewport().removeEventFilter(counter)
    assert worst <= 3, f"the PDF view resized itself {worst} times in a row"
    # And the page arrives by itself: no click, no resize.
    view = preview.pdf
    assert view is not None
    qtbot.waitUntil(lambda: dark_pixels(view.viewport().grab().toImage()) > 50, timeout=3000)
    assert preview.kind == "pdf" and preview.pdf_doc is not None
    assert preview.pdf_doc.pageCount() == 1


def test_switching_pdfs_gives_each_its_own_view_and_document(qtbot: Any) -> None:
    preview = Preview()
    qtbot.addWidget(preview)
    preview.resize(400, 500)
    preview.show()
    preview.show_pdf("a.pdf", pdf_bytes("First", pages=2))
    first = preview.pdf
    preview.show_pdf("b.pdf", pdf_bytes("Second", pages=3))
    assert preview.pdf is not first and preview.pdf_doc is not None
    assert preview.pdf_doc.pageCount() == 3
    assert preview.indexOf(first) == -1  # taken out of the stack, deleted later
    preview.show_pdf("broken.pdf", b"%PDF-1.4 not really")
    assert preview.kind == "error" and preview.pdf is None
    assert "cannot be shown" in preview.message.text()


def test_a_dropped_file_is_hashed_once_and_its_md5_is_right(
        monkeypatch: Any, ui_desk: Desk, files: dict[str, Path]) -> None:
    """intake hashes for the duplicate check and hands that MD5 to attachments.add."""
    import hashlib
    from types import SimpleNamespace

    from orderdesk.core import attachments as core_attachments
    from orderdesk.core.intake import attach_paths

    calls: list[int] = []

    def counting_md5(data: bytes = b"", **kw: Any) -> Any:
        calls.append(len(data))
        return hashlib.md5(data, **kw)

    monkeypatch.setattr(core_attachments, "hashlib", SimpleNamespace(md5=counting_md5))
    oid = make_orders(ui_desk, 1)[0]
    # Another invoice of the same length: the case where the duplicate check hashed before.
    same = files["pdf"].parent / "Invoice 2026-0043.pdf"
    same.write_bytes(pdf_bytes("Invoice 2026-0043"))
    out = attach_paths(ui_desk, [files["pdf"], same, files["png"]], order=oid)
    assert [o.ok for o in out] == [True, True, True]
    assert calls == []  # add() took the MD5 it was given
    for path, o in zip((files["pdf"], same, files["png"]), out):
        assert o.stored is not None
        assert o.stored.md5 == hashlib.md5(path.read_bytes()).hexdigest()
        assert ui_desk.attachments.content(o.stored.id) == path.read_bytes()  # MD5-checked
    # Without a given MD5, add() still hashes by itself.
    calls.clear()  # content() above hashed to check each file, as every read does
    info = ui_desk.attachments.add("again.png", files["png"].read_bytes(), order=oid,
                                   type="Certificate")
    assert calls == [files["png"].stat().st_size] and info.md5 == out[2].stored.md5
