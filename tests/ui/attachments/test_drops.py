"""Real drop events (file URLs) onto the attachment panel and onto order rows in the list."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint

from orderdesk.core import Desk
from orderdesk.ui.attachments import AttachmentPanel
from orderdesk.ui.attachments.confirm import ConfirmDialog
from orderdesk.ui.attachments.intake import suggest
from orderdesk.ui.attachments.model import C_CHECK, C_MD5, C_NAME, C_TYPE
from orderdesk.ui.mainwindow import MainWindow
from tests.ui.conftest import Answers, make_orders

from .conftest import accept_types, drop, file_mime


def md5(p: Path) -> str:
    return hashlib.md5(p.read_bytes()).hexdigest()


def shown(panel: AttachmentPanel, col: int) -> list[str]:
    m = panel.model
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def test_the_confirm_step_is_prefilled_by_the_name_rules() -> None:
    assert suggest("Invoice 2026-0042.pdf") == ("Invoice", "")
    assert suggest("DN-4711.docx") == ("DeliveryNote", "")
    assert suggest("delivery_17.pdf") == ("DeliveryNote", "")
    assert suggest("credit note 5.pdf") == ("CreditNote", "")
    assert suggest("mill cert.pdf") == ("Certificate", "")
    assert suggest("EN 10204 3.1 heat 7.pdf") == ("Certificate", "")
    assert suggest("inspection report.pdf") == ("Certificate", "")
    assert suggest("photo of the load.png") == ("Custom", "photo of the load")
    assert suggest("pdn-report.pdf") == ("Custom", "pdn-report")  # "dn" only as a word
    assert suggest("anything.pdf", lot=True) == ("Certificate", "")


def test_a_drop_stores_the_good_files_and_tells_each_refusal(
        qtbot: Any, panel: AttachmentPanel, answers: Answers, ui_desk: Desk, order_id: str,
        files: dict[str, Path]) -> None:
    keys = ("pdf", "png", "xlsx", "docx", "cert", "empty", "zip", "big", "exe")
    seen: dict[str, tuple[str, str]] = {}

    def look(dlg: ConfirmDialog) -> None:
        for item, ch in zip(dlg.items, dlg.choosers):
            seen[item.name] = (ch.type(), ch.label.text() if ch.type() == "Custom" else "")

    accept_types(answers, look)
    assert drop(panel.table.viewport(), file_mime(*(files[k] for k in keys)))
    assert seen["Invoice 2026-0042.pdf"] == ("Invoice", "")
    assert seen["DN-4711.docx"] == ("DeliveryNote", "")
    assert seen["mill cert 3.1 heat 4711.pdf"] == ("Certificate", "")
    assert seen["photo of the load.png"] == ("Custom", "photo of the load")

    stored = {a.file_name: a for a in ui_desk.attachments.list(order=order_id)}
    assert set(stored) == {"Invoice 2026-0042.pdf", "photo of the load.png", "packing list.xlsx",
                           "DN-4711.docx", "mill cert 3.1 heat 4711.pdf"}
    for k in ("pdf", "png", "xlsx", "docx", "cert"):
        assert stored[files[k].name].md5 == md5(files[k])
    assert stored["photo of the load.png"].type_label == "photo of the load"
    assert stored["photo of the load.png"].media_type == "image/png"
    assert stored["packing list.xlsx"].media_type.endswith("spreadsheetml.sheet")
    assert stored["DN-4711.docx"].media_type.endswith("wordprocessingml.document")

    # One message for the drop; every refused file named with its own reason.
    assert len(answers.errors) == 1
    told = answers.errors[0]
    assert "5 of 9 file(s) attached" in told
    assert "refused: empty.pdf is empty (0 bytes)" in told
    assert "refused: scan.pdf is not a PDF" in told and "ZIP archive" in told
    assert "refused: huge drawing.pdf is 5,24" in told and "the limit is 5 MB" in told
    assert "refused: credit note.pdf is not a PDF" in told and "executable (ELF)" in told
    # The panel lists what was stored, MD5 shown and checked, never "ok" without a check.
    assert sorted(shown(panel, C_NAME)) == sorted(stored)
    assert set(shown(panel, C_MD5)) == {a.md5 for a in stored.values()}
    assert all(t.startswith("MD5 ok") for t in shown(panel, C_CHECK))
    assert "Invoice" in shown(panel, C_TYPE) and "Delivery note" in shown(panel, C_TYPE)
    assert "refused: scan.pdf" in panel.status.text()


def test_the_same_content_again_is_noticed_and_the_user_decides(
        qtbot: Any, panel: AttachmentPanel, answers: Answers, ui_desk: Desk, order_id: str,
        files: dict[str, Path], tmp_path: Path) -> None:
    accept_types(answers)
    assert drop(panel.table.viewport(), file_mime(files["pdf"]))
    copy = tmp_path / "copy of invoice.pdf"
    shutil.copyfile(files["pdf"], copy)
    answers.yes = False
    accept_types(answers)
    drop(panel.table.viewport(), file_mime(copy))
    assert len(answers.asked) == 1
    assert "same content" in answers.asked[0] and md5(copy) in answers.asked[0]
    assert "Invoice 2026-0042.pdf" in answers.asked[0]
    assert len(ui_desk.attachments.list(order=order_id)) == 1
    assert "not attached again: copy of invoice.pdf" in panel.status.text()
    answers.yes = True
    accept_types(answers)
    drop(panel.table.viewport(), file_mime(copy))
    names = sorted(a.file_name for a in ui_desk.attachments.list(order=order_id))
    assert names == ["Invoice 2026-0042.pdf", "copy of invoice.pdf"]
    assert panel.model.rowCount() == 2


def test_same_name_other_content_is_offered_as_a_replacement(
        qtbot: Any, panel: AttachmentPanel, answers: Answers, ui_desk: Desk, order_id: str,
        files: dict[str, Path], tmp_path: Path) -> None:
    accept_types(answers)
    drop(panel.table.viewport(), file_mime(files["pdf"]))
    first = ui_desk.attachments.list(order=order_id)[0]
    newer = tmp_path / "v2" / files["pdf"].name
    newer.parent.mkdir()
    from .conftest import pdf_bytes

    newer.write_bytes(pdf_bytes("Invoice 2026-0042 corrected"))
    offered: list[bool] = []
    accept_types(answers, lambda dlg: offered.append(dlg.replace[0] is not None
                                                     and dlg.replace[0].isChecked()))
    drop(panel, file_mime(newer))  # onto the panel (the preview side), not the table
    assert offered == [True]
    active = ui_desk.attachments.list(order=order_id)
    assert [a.md5 for a in active] == [md5(newer)]
    old = ui_desk.attachments.info(first.id)
    assert not old.active  # kept, in history
    assert "replaces the earlier" in panel.status.text()
    panel.show_removed.setChecked(True)
    assert panel.model.rowCount() == 2
    assert any(t.startswith("removed") for t in shown(panel, C_CHECK))

    # Declining the replacement keeps both under the same name.
    third = tmp_path / "v3" / files["pdf"].name
    third.parent.mkdir()
    third.write_bytes(pdf_bytes("Invoice 2026-0042 third"))

    def decline(dlg: ConfirmDialog) -> None:
        assert dlg.replace[0] is not None
        dlg.replace[0].setChecked(False)

    accept_types(answers, decline)
    drop(panel.table.viewport(), file_mime(third))
    assert sorted(a.md5 for a in ui_desk.attachments.list(order=order_id)) == sorted(
        [md5(newer), md5(third)])


def test_cancelling_the_confirm_step_stores_nothing(
        panel: AttachmentPanel, answers: Answers, ui_desk: Desk, order_id: str,
        files: dict[str, Path]) -> None:
    answers.on_dialog = lambda dlg: False
    drop(panel.table.viewport(), file_mime(files["pdf"], files["png"]))
    assert ui_desk.attachments.list(order=order_id) == []
    assert not panel.progress.isVisible()


def test_a_drop_onto_an_order_row_attaches_to_that_order(
        qtbot: Any, window: MainWindow, answers: Answers, ui_desk: Desk,
        files: dict[str, Path]) -> None:
    ids = make_orders(ui_desk, 3)
    window.refresh()
    t = window.table
    row = 1
    target = window.model.uuid(row)
    other = [u for u in ids if u != target]
    y = t.rowViewportPosition(row) + t.rowHeight(row) // 2
    accept_types(answers)
    ok = drop(t.viewport(), file_mime(files["docx"], files["zip"], files["png"]), QPoint(60, y))
    assert ok
    stored = ui_desk.attachments.list(order=target)
    assert sorted(a.file_name for a in stored) == ["DN-4711.docx", "photo of the load.png"]
    assert [a.type for a in stored if a.file_name == "DN-4711.docx"] == ["DeliveryNote"]
    assert all(ui_desk.attachments.list(order=u) == [] for u in other)
    assert len(answers.errors) == 1 and "refused: scan.pdf is not a PDF" in answers.errors[0]
    number = window.model.row(row).number  # type: ignore[union-attr]
    assert f"Order {number}: 2 of 3 file(s) attached." in window.statusBar().currentMessage()


def test_a_drop_below_the_last_row_is_refused(qtbot: Any, window: MainWindow, answers: Answers,
                                             ui_desk: Desk, files: dict[str, Path]) -> None:
    make_orders(ui_desk, 2)
    window.refresh()
    t = window.table
    below = t.rowViewportPosition(1) + t.rowHeight(1) * 3
    assert not drop(t.viewport(), file_mime(files["pdf"]), QPoint(60, below))
    assert answers.dialogs == []


def test_text_drops_are_not_taken(panel: AttachmentPanel, answers: Answers) -> None:
    from PySide6.QtCore import QMimeData

    mime = QMimeData()
    mime.setText("just words")
    assert not drop(panel.table.viewport(), mime)
    assert answers.dialogs == []
