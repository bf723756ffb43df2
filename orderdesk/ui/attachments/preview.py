"""Preview of one attachment inside the program: images scaled to fit, PDFs with QtPdf."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QStackedWidget, QWidget

from orderdesk.core.attachments import AttachmentInfo

_KIND_NAMES = {
    "application/msword": "Word document", "application/vnd.ms-excel": "Excel workbook",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
}

_TEMP: tempfile.TemporaryDirectory[str] | None = None


def temp_dir() -> Path:
    """One folder for temp copies (open, drag out, PDF preview); removed when the program ends.

    Dragged-out files must outlive the drag: the receiving program copies them after the drop.
    """
    global _TEMP
    if _TEMP is None:
        _TEMP = tempfile.TemporaryDirectory(prefix="orderdesk-attachments-")
    return Path(_TEMP.name)


def temp_copy(info: AttachmentInfo, data: bytes) -> Path:
    """Writes the content under its own file name (what the desktop shows) in a folder per id."""
    folder = temp_dir() / info.id
    folder.mkdir(exist_ok=True)
    safe = Path(info.file_name).name.replace("\\", "_") or "attachment"
    path = folder / safe
    path.write_bytes(data)
    return path


class Preview(QStackedWidget):
    """A message, an image, or a PDF; `show_*` switch between them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachment_preview")
        self.message = QLabel(objectName="preview_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(16)
        self.image = QLabel(objectName="preview_image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image_scroll = QScrollArea()
        self.image_scroll.setWidgetResizable(True)
        self.image_scroll.setWidget(self.image)
        self.pdf_doc = QPdfDocument(self)
        self.pdf = QPdfView(self)
        self.pdf.setObjectName("preview_pdf")
        self.pdf.setDocument(self.pdf_doc)
        self.pdf.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        for w in (self.message, self.image_scroll, self.pdf):
            self.addWidget(w)
        self._pixmap = QPixmap()
        self.kind = "none"  # none | message | error | image | pdf
        self.show_message("Select an attachment to see it here.\n\n"
                          "Drop files here to attach them.")

    def show_message(self, text: str, error: bool = False) -> None:
        self.pdf_doc.close()
        self.kind = "error" if error else "message"
        self.message.setText(text)
        self.message.setStyleSheet("color: #b21818; font-weight: bold;" if error else
                                   "color: palette(mid);")
        self.setCurrentWidget(self.message)

    def show_content(self, info: AttachmentInfo, data: bytes) -> None:
        """`data` has passed its MD5 check (the panel reads it through the core)."""
        if info.media_type.startswith("image/"):
            pm = QPixmap()
            if not pm.loadFromData(data):
                self.show_message(f"{info.file_name}: the image cannot be decoded.", error=True)
                return
            self.pdf_doc.close()
            self._pixmap = pm
            self.kind = "image"
            self.setCurrentWidget(self.image_scroll)
            self._fit()
        elif info.media_type == "application/pdf":
            # QPdfDocument reads from a file it may keep open; a temp copy keeps it simple.
            path = temp_copy(info, data)
            self.pdf_doc.close()
            if self.pdf_doc.load(str(path)) != QPdfDocument.Error.None_:
                self.show_message(f"{info.file_name}: the PDF cannot be shown "
                                  f"({self.pdf_doc.error().name}).", error=True)
                return
            self.kind = "pdf"
            self.setCurrentWidget(self.pdf)
        else:
            kind = _KIND_NAMES.get(info.media_type, info.media_type)
            self.show_message(f"{info.file_name}\n{kind}\n\nNo preview inside OrderDesk: "
                              "use Open to see it in its own program.")

    def _fit(self) -> None:
        if self._pixmap.isNull():
            return
        vp = self.image_scroll.viewport().size()
        pm = self._pixmap
        if pm.width() > vp.width() or pm.height() > vp.height():
            pm = pm.scaled(vp, Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(pm)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.kind == "image":
            self._fit()
