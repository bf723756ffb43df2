"""Real files of every kind the attachment tests drop: made with the libraries, on disk."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any, Iterator

import openpyxl
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from reportlab.pdfgen import canvas

from orderdesk.core import Desk, Store
from orderdesk.core.filetypes import MAX_SIZE
from orderdesk.ui.attachments import AttachmentPanel
from orderdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Answers, make_orders

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def pdf_bytes(text: str = "Inspection certificate EN 10204 3.1", pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.setFont("Helvetica-Bold", 22)
        c.drawString(72, 760, text)
        c.setFont("Helvetica", 12)
        c.drawString(72, 730, f"Heat 4711-A · page {i + 1} of {pages}")
        c.rect(72, 500, 450, 200)
        c.drawString(90, 680, "C 0.17  Mn 1.40  Si 0.35  P 0.020  S 0.015")
        c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes(size: tuple[int, int] = (320, 200), color: tuple[int, int, int] = (40, 120, 200)
              ) -> bytes:
    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 20):  # stripes, so the preview shows a real picture
        for y in range(size[1]):
            img.putpixel((x, y), (255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Item", "Quantity"])
    wb.active.append(["PLANK-2x4", 12])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_bytes(text: str = "Delivery note 17") -> bytes:
    """A minimal Word document built by hand (ECMA-376 part 1: the three parts it needs)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType='
                   f'"application/xml"/><Override PartName="/word/document.xml" ContentType="'
                   f'{WORD_MAIN}"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
                   '.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
                   'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                   f'<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a PDF")
    return buf.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Good and bad files on disk, named as a user would have them."""
    d = tmp_path / "desktop"
    d.mkdir()
    made = {
        "pdf": ("Invoice 2026-0042.pdf", pdf_bytes("Invoice 2026-0042")),
        "png": ("photo of the load.png", png_bytes()),
        "xlsx": ("packing list.xlsx", xlsx_bytes()),
        "docx": ("DN-4711.docx", docx_bytes()),
        "cert": ("mill cert 3.1 heat 4711.pdf", pdf_bytes(pages=2)),
        "empty": ("empty.pdf", b""),
        "zip": ("scan.pdf", zip_bytes()),
        # Padded past the limit: a real PDF head, but 5 MB + 1 byte.
        "big": ("huge drawing.pdf", pdf_bytes() + b"\n%" + b"x" * (MAX_SIZE + 1)),
    }
    out = {}
    for key, (name, data) in made.items():
        (d / name).write_bytes(data)
        out[key] = d / name
    exe = d / "credit note.pdf"  # an executable dressed as a PDF
    shutil.copyfile("/bin/true", exe)
    out["exe"] = exe
    return out


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(widget: QWidget, mime: QMimeData, pos: QPoint | None = None) -> bool:
    """Sends the events a real drop sends (enter, move, drop) to `widget`; True if accepted."""
    at = QPointF(pos if pos is not None else widget.rect().center())
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at.toPoint(), action, mime, buttons, mods)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(at.toPoint(), action, mime, buttons, mods)
    QApplication.sendEvent(widget, move)
    if not move.isAccepted():
        return False
    ev = QDropEvent(at, action, mime, buttons, mods)
    QApplication.sendEvent(widget, ev)
    # The widget takes the files once the drop has returned (a zero timer): run it.
    for _ in range(3):
        QApplication.processEvents()
    return ev.isAccepted()


def accept_types(answers: Answers, check: Any = None) -> None:
    """Confirms the pre-filled types the way Enter does; `check(dialog)` may look first."""
    def on(dlg: Any) -> bool:
        if check is not None:
            check(dlg)
        return True

    answers.on_dialog = on


@pytest.fixture
def order_id(ui_desk: Desk) -> str:
    return make_orders(ui_desk, 1)[0]


@pytest.fixture
def panel(qtbot: Any, ui_desk: Desk, ui_store: Store, order_id: str,
          answers: Answers) -> Iterator[AttachmentPanel]:
    p = AttachmentPanel(ui_desk, TaskRunner(synchronous=True), order=order_id, ui=answers)
    qtbot.addWidget(p)
    p.resize(1100, 520)
    p.show()
    qtbot.waitExposed(p)
    yield p
