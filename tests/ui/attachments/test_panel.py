"""The panel's own work: MD5 mismatch, preview, drag out, file actions, progress, lots."""

from __future__ import annotations

import hashlib
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from orderdesk.core import Desk, Store
from orderdesk.core.inventory import Lot
from orderdesk.ui.attachments import AttachmentPanel
from orderdesk.ui.attachments.confirm import EditDialog
from orderdesk.ui.attachments.intake import Incoming
from orderdesk.ui.attachments.model import C_CHECK, C_TYPE, DAMAGED_ROLE, AttachmentModel
from orderdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Answers

from .conftest import accept_types, drop, file_mime, pdf_bytes


def attach(panel: AttachmentPanel, answers: Answers, *paths: Path) -> None:
    accept_types(answers)
    assert panel.add_files([str(p) for p in paths])


def select(panel: AttachmentPanel, file_name: str) -> None:
    for r, a in enumerate(panel.model.rows):
        if a.file_name == file_name:
            panel.table.selectRow(r)
            return
    raise AssertionError(f"{file_name} is not listed")


def test_damaged_content_is_reported_never_shown_as_fine(
        qtbot: Any, panel: AttachmentPanel, answers: Answers, ui_store: Store,
        files: dict[str, Path], tmp_path: Path) -> None:
    attach(panel, answers, files["pdf"], files["png"])
    victim = next(a for a in panel.model.rows if a.file_name == files["pdf"].name)
    # Flip bytes in the database file itself, as a bad disk or a careless tool would.
    con = sqlite3.connect(tmp_path / "ui.sqlite3")
    data = bytearray(files["pdf"].read_bytes())
    data[200] ^= 0xFF
    con.execute("UPDATE attachment SET content = ? WHERE uuid = ?", (bytes(data), victim.id))
    con.commit()
    con.close()
    panel.reload()
    r = panel.model.row_of(victim.id)
    assert r is not None
    check = panel.model.index(r, C_CHECK)
    assert panel.model.data(check).startswith("DAMAGED")
    assert panel.model.data(check, DAMAGED_ROLE) is True
    tip = panel.model.data(check, Qt.ItemDataRole.ToolTipRole)
    assert "is damaged: its content has MD5" in tip and victim.md5 in tip
    assert panel.model.data(check, Qt.ItemDataRole.ForegroundRole).color() == QColor(178, 24, 24)
    # The healthy one stays fine.
    ok_row = 1 - r
    assert panel.model.data(panel.model.index(ok_row, C_CHECK)) == "MD5 ok"
    select(panel, victim.file_name)
    assert panel.preview.kind == "error"
    assert "damaged" in panel.preview.message.text()
    assert not panel.acts["open"].isEnabled() and not panel.acts["save"].isEnabled()
    assert panel.drag_mime() is None
    assert not panel.save_copy(str(tmp_path / "out.pdf"))
    assert not (tmp_path / "out.pdf").exists()
    assert "is damaged" in panel.status.text()


def test_images_and_pdfs_are_previewed_others_are_explained(
        qtbot: Any, panel: AttachmentPanel, answers: Answers, files: dict[str, Path]) -> None:
    attach(panel, answers, files["png"], files["cert"], files["docx"])
    select(panel, files["png"].name)
    assert panel.preview.kind == "image"
    assert (panel.preview._pixmap.width(), panel.preview._pixmap.height()) == (320, 200)
    assert panel.preview.image.pixmap() is not None
    select(panel, files["cert"].name)
    assert panel.preview.kind == "pdf"
    assert panel.preview.pdf_doc.pageCount() == 2
    select(panel, files["docx"].name)
    assert panel.preview.kind == "message"
    assert "Word document" in panel.preview.message.text()


def test_dragging_a_row_out_gives_the_file(panel: AttachmentPanel, answers: Answers,
                                           files: dict[str, Path]) -> None:
    attach(panel, answers, files["cert"])
    select(panel, files["cert"].name)
    mime = panel.drag_mime()
    assert mime is not None
    (url,) = mime.urls()
    assert url.isLocalFile()
    out = Path(url.toLocalFile())
    assert out.name == files["cert"].name
    assert out.read_bytes() == files["cert"].read_bytes()
    # A drag that starts inside the panel is not taken back in as a new file.
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent

    ev = QDragEnterEvent(QPointF(5, 5).toPoint(), Qt.DropAction.CopyAction, mime,
                         Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert ev.source() is None  # from outside (another program): accepted
    QApplication.sendEvent(panel.table.viewport(), ev)
    assert ev.isAccepted()


def test_open_save_rename_retype_remove_restore(
        qtbot: Any, panel: AttachmentPanel, answers: Answers, ui_desk: Desk, order_id: str,
        files: dict[str, Path], tmp_path: Path) -> None:
    attach(panel, answers, files["png"])
    a = panel.model.rows[0]
    select(panel, a.file_name)
    opened: list[QUrl] = []
    panel.open_url = lambda url: opened.append(url) or True
    panel.open_external()
    assert Path(opened[0].toLocalFile()).read_bytes() == files["png"].read_bytes()
    assert panel.save_copy(str(tmp_path / "copy.png"))
    assert (tmp_path / "copy.png").read_bytes() == files["png"].read_bytes()

    def rename(dlg: EditDialog) -> bool:
        assert dlg.name.selectedText() == "photo of the load"  # the extension is kept
        dlg.name.setText("truck at the gate.png")
        return True

    answers.on_dialog = rename
    panel.rename()
    assert ui_desk.attachments.info(a.id).file_name == "truck at the gate.png"

    def retype(dlg: EditDialog) -> bool:
        dlg.kind.set_type("DeliveryNote")
        return True

    answers.on_dialog = retype
    panel.change_type()
    assert ui_desk.attachments.info(a.id).type == "DeliveryNote"
    assert panel.model.data(panel.model.index(0, C_TYPE)) == "Delivery note"

    panel.remove()
    assert not ui_desk.attachments.info(a.id).active
    assert panel.model.rowCount() == 0
    panel.show_removed.setChecked(True)
    select(panel, "truck at the gate.png")
    assert panel.acts["restore"].isEnabled() and not panel.acts["remove"].isEnabled()
    panel.restore()
    assert ui_desk.attachments.info(a.id).active
    events = ui_desk.history.timeline(order_id, limit=10)
    assert [e.change for e in events[:2]] == ["restored", "deleted"]
    from orderdesk.core.timeline import describe

    texts = [describe(e).text for e in events]
    assert any("file name photo of the load.png → truck at the gate.png" in t for t in texts)


def test_a_refused_rename_is_told(panel: AttachmentPanel, answers: Answers,
                                  files: dict[str, Path]) -> None:
    attach(panel, answers, files["png"])
    select(panel, files["png"].name)

    def empty(dlg: EditDialog) -> bool:
        dlg.name.setText("")
        return True

    answers.on_dialog = empty
    panel.rename()
    assert answers.errors and "file name" in answers.errors[-1]


def test_paste_of_an_image_attaches_a_png(qtbot: Any, panel: AttachmentPanel, answers: Answers,
                                         ui_desk: Desk, order_id: str) -> None:
    img = QImage(64, 48, QImage.Format.Format_RGB32)
    img.fill(QColor(10, 150, 60))
    mime = QMimeData()
    mime.setImageData(img)
    QApplication.clipboard().setMimeData(mime)
    accept_types(answers)
    panel.paste()
    (a,) = ui_desk.attachments.list(order=order_id)
    assert a.file_name.startswith("Pasted image ") and a.media_type == "image/png"
    assert a.type == "Custom" and a.label.startswith("Pasted image")


def test_paste_of_copied_files(panel: AttachmentPanel, answers: Answers, ui_desk: Desk,
                               order_id: str, files: dict[str, Path]) -> None:
    QApplication.clipboard().setMimeData(file_mime(files["xlsx"]))
    accept_types(answers)
    panel.paste()
    assert [a.file_name for a in ui_desk.attachments.list(order=order_id)] == ["packing list.xlsx"]


def test_many_files_are_stored_off_the_gui_thread_with_progress(
        qtbot: Any, ui_desk: Desk, order_id: str, answers: Answers, tmp_path: Path) -> None:
    runner = TaskRunner()  # a real thread pool
    panel = AttachmentPanel(ui_desk, runner, order=order_id, ui=answers)
    qtbot.addWidget(panel)
    paths = []
    for i in range(8):  # 8 × ~4 MB: distinct content each
        p = tmp_path / f"scan {i}.pdf"
        p.write_bytes(pdf_bytes(f"scan {i}") + b"\n%" + bytes([65 + i]) * (4 * 1024 * 1024))
        paths.append(str(p))
    seen: list[tuple[int, int]] = []
    accept_types(answers)
    assert panel.add_files(paths)
    assert panel.flow is not None
    panel.flow.progressed.connect(lambda d, t, _n: seen.append((d, t)))
    with qtbot.waitSignal(panel.flow.finished, timeout=60000):
        pass
    assert len(ui_desk.attachments.list(order=order_id)) == 8
    assert seen and seen[-1] == (8, 8)
    assert not panel.progress.isVisibleTo(panel)
    runner.wait()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 8 and all(
        panel.model.data(panel.model.index(r, C_CHECK)) == "MD5 ok" for r in range(8)))


def test_cancel_keeps_the_files_stored_before_it(panel: AttachmentPanel, answers: Answers,
                                                 ui_desk: Desk, order_id: str,
                                                 files: dict[str, Path]) -> None:
    accept_types(answers)
    items = [Incoming.from_path(str(files[k])) for k in ("pdf", "png", "xlsx", "docx", "cert")]
    # The synchronous runner shows progress inline: the user's click on Cancel while file
    # 3 is about to be stored lands before it is read.
    def clicked(value: int) -> None:
        if value == 2:
            panel.cancel_button.click()

    panel.progress.valueChanged.connect(clicked)
    panel.add_items(items)
    assert len(ui_desk.attachments.list(order=order_id)) == 2
    assert panel.status.text().startswith("Cancelled: 2 file(s) attached")


def test_a_lot_takes_certificates_the_same_way(qtbot: Any, ui_desk: Desk, answers: Answers,
                                               files: dict[str, Path]) -> None:
    ui_desk.inventory.save(Lot("PLANK-2x4", "Planks", Decimal(100), lot="H-1"))
    lot = ui_desk.inventory.lots()[0]
    panel = AttachmentPanel(ui_desk, TaskRunner(synchronous=True), lot=lot.id, ui=answers)
    qtbot.addWidget(panel)
    accept_types(answers, lambda dlg: dlg.choosers[0].type() == "Certificate" or
                 (_ for _ in ()).throw(AssertionError("not pre-filled as Certificate")))
    assert drop(panel.table.viewport(), file_mime(files["pdf"]))
    (a,) = ui_desk.attachments.list(lot=lot.id)
    assert a.type == "Certificate" and a.file_name == files["pdf"].name
    assert panel.model.rowCount() == 1


def test_the_model_passes_the_model_tester(qtmodeltester: Any, panel: AttachmentPanel,
                                           answers: Answers, files: dict[str, Path]) -> None:
    attach(panel, answers, files["pdf"], files["png"], files["xlsx"])
    qtmodeltester.check(panel.model)
    empty = AttachmentModel()
    qtmodeltester.check(empty)


def test_md5_column_is_the_md5_of_the_file(panel: AttachmentPanel, answers: Answers,
                                           files: dict[str, Path]) -> None:
    attach(panel, answers, files["xlsx"])
    from orderdesk.ui.attachments.model import C_MD5

    assert panel.model.data(panel.model.index(0, C_MD5)) == hashlib.md5(
        files["xlsx"].read_bytes()).hexdigest()
