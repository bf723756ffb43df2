"""Log entries (dialog), and the main window's menu items and order tabs for both panels."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

from PIL import Image

from orderdesk.core import Desk
from orderdesk.ui.actions import A
from orderdesk.ui.attachments import AttachmentPanel
from orderdesk.ui.log_entry import LogEntryDialog
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.order_view import OrderViewDialog
from orderdesk.ui.timeline import TimelinePanel
from orderdesk.ui.timeline.model import TimelineModel
from tests.ui.conftest import Answers, make_orders

from .test_timeline import texts


def png_file(path: Path) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 20)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_a_log_entry_with_a_file(qtbot: Any, ui_desk: Desk, tmp_path: Path) -> None:
    oid = make_orders(ui_desk, 1)[0]
    dlg = LogEntryDialog(ui_desk, oid)
    qtbot.addWidget(dlg)
    assert not dlg.save()
    assert dlg.message.text() == "A log entry needs a title."
    dlg.title.setText("Customer sent a photo")
    dlg.description.setPlainText("Damage on the left pallet")
    dlg.set_file(str(png_file(tmp_path / "damage.png")))
    assert dlg.kind.type() == "Custom" and dlg.kind.label.text() == "damage"
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    (log,) = ui_desk.attachments.logs(oid)
    assert (log.title, log.description) == ("Customer sent a photo", "Damage on the left pallet")
    assert log.actor == ui_desk.actor.name and log.at is not None
    (att,) = ui_desk.attachments.list(order=oid)
    assert log.attachment_id == att.id and att.file_name == "damage.png"
    shown = texts(TimelineModel(ui_desk, oid))
    assert shown[0] == "Log entry “Customer sent a photo”: Damage on the left pallet"


def test_a_refused_file_keeps_the_dialog_open_and_writes_nothing(
        qtbot: Any, ui_desk: Desk, tmp_path: Path) -> None:
    oid = make_orders(ui_desk, 1)[0]
    dlg = LogEntryDialog(ui_desk, oid)
    qtbot.addWidget(dlg)
    dlg.title.setText("Signed contract")
    fake = tmp_path / "contract.pdf"
    shutil.copyfile("/bin/true", fake)
    dlg.set_file(str(fake))
    assert not dlg.save()
    assert "contract.pdf is not a PDF" in dlg.message.text()
    assert ui_desk.attachments.logs(oid) == [] and ui_desk.attachments.list(order=oid) == []
    dlg.set_file(None)
    assert dlg.save()
    assert [x.title for x in ui_desk.attachments.logs(oid)] == ["Signed contract"]


def test_menu_items_open_the_panels_for_the_current_order(
        qtbot: Any, window: MainWindow, answers: Answers, ui_desk: Desk) -> None:
    make_orders(ui_desk, 2)
    window.refresh()
    window.table.setCurrentIndex(window.model.index(0, 0))
    uuid = window.model.uuid(0)
    acts = window.actions_
    assert all(acts[k].isEnabled() for k in (A.ATTACHMENTS, A.TIMELINE, A.ADD_LOG))
    acts[A.TIMELINE].trigger()
    w = window._windows[f"timeline:{uuid}"]
    tl = w.findChild(TimelinePanel)
    assert tl is not None and tl.order == uuid
    acts[A.ATTACHMENTS].trigger()
    ap = window._windows[f"attachments:{uuid}"].findChild(AttachmentPanel)
    assert ap is not None and ap.order == uuid

    def fill(dlg: LogEntryDialog) -> bool:
        dlg.title.setText("Promised delivery Friday")
        return dlg.save()

    answers.on_dialog = fill
    acts[A.ADD_LOG].trigger()
    assert [x.title for x in ui_desk.attachments.logs(uuid)] == ["Promised delivery Friday"]
    # The open timeline follows without being asked.
    qtbot.waitUntil(lambda: texts(tl.model)[0] == "Log entry “Promised delivery Friday”")


def test_the_order_view_has_attachment_and_history_tabs(
        qtbot: Any, window: MainWindow, answers: Answers, ui_desk: Desk) -> None:
    oid = make_orders(ui_desk, 1)[0]
    order = ui_desk.orders.get(oid)
    dlg = OrderViewDialog(order, window.fmt, "", window, desk=ui_desk, runner=window.runner,
                          bridge=window.bridge, ui=answers)
    qtbot.addWidget(dlg)
    tabs = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
    assert tabs == ["&Lines", "&Attachments", "&History"]
    assert dlg.attachments.order == oid
    assert texts(dlg.timeline.model)[-1].startswith("Line 1 · BOLT-M12 added")
    plain = OrderViewDialog(order, window.fmt)  # without a desk: lines and totals only
    qtbot.addWidget(plain)
    assert not hasattr(plain, "tabs")
