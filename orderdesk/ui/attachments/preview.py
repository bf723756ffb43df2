"""Preview of one attachment inside the program: images scaled to fit, PDFs with QtPdf."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
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
        # A new view and document for every PDF shown (see show_pdf); None until then.
        self.pdf: QPdfView | None = None
        self.pdf_doc: QPdfDocument | None = None
        for w in (self.message, self.image_scroll):
            self.addWidget(w)
        self._pixmap = QPixmap()
        self.kind = "none"  # none | message | error | image | pdf
        self.show_message("Select an attachment to see it here.\n\n"
                          "Drop files here to attach them.")

    def show_message(self, text: str, error: bool = False) -> None:
        self._drop_pdf()
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
            self._drop_pdf()
            self._pixmap = pm
            self.kind = "image"
            self.setCurrentWidget(self.image_scroll)
            self._fit()
        elif info.media_type == "application/pdf":
            self.show_pdf(info.file_name, data)
        else:
            kind = _KIND_NAMES.get(info.media_type, info.media_type)
            self.show_message(f"{info.file_name}\n{kind}\n\nNo preview inside OrderDesk: "
                              "use Open to see it in its own program.")

    def show_pdf(self, file_name: str, data: bytes) -> None:
        """Shows the PDF in a fresh QPdfView, with a fresh document loaded before it is shown.

        Never reuses a view or closes the document it draws: QPdfPageRenderer forgets a page
        request that meets a document that is not Ready (closed or reloading) and then, for
        the same page and size, keeps answering with that forgotten request: a white page
        until the size changes. A new view brings a new renderer with no such leftovers.
        """
        doc = QPdfDocument()
        # The buffer is the document's child: it lives exactly as long as the document reads
        # it, and there is no temp file to be rewritten under an open document.
        buf = QBuffer(doc)
        buf.setData(QByteArray(data))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        doc.load(buf)  # a QBuffer holds everything: Ready (or Error) on return
        if doc.status() != QPdfDocument.Status.Ready:
            err = doc.error().name
            doc.deleteLater()
            self.show_message(f"{file_name}: the PDF cannot be shown ({err}).", error=True)
            return
        view = QPdfView(self)
        view.setObjectName("preview_pdf")
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # Fit-to-width with scroll bars "as needed" can flip forever: with the vertical bar
        # the page fits the height, so the bar goes, the page gets wider and taller, so the
        # bar comes back... thousands of resizes a second, each dropping the rendered page:
        # the preview stays white and the program busy. A fixed bar keeps the width stable.
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setDocument(doc)
        # Our child, added after the view: when the preview goes, the view (and its render
        # thread) goes first. Never the view's child: a document deleted inside the view's
        # destructor signals its status to the half-destroyed view (a crash).
        doc.setParent(self)
        self._drop_pdf()
        self.pdf, self.pdf_doc = view, doc
        self.addWidget(view)
        self.kind = "pdf"
        self.setCurrentWidget(view)

    def _drop_pdf(self) -> None:
        if self.pdf is None:
            return
        view, doc, self.pdf, self.pdf_doc = self.pdf, self.pdf_doc, None, None
        # Detached first: the render thread is done with the document once this returns.
        view.setDocument(None)  # type: ignore[arg-type]
        self.removeWidget(view)
        view.deleteLater()
        if doc is not None:
            doc.deleteLater()

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
