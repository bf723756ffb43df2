"""Printing any PDF the program makes: preview, print (QPrinter), save as PDF, system viewer.

Pages are rendered with QtPdf (pdfium) and drawn onto the printer page by page, scaled to fit
the paper; nothing is converted through a temporary file except for the system viewer.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPageSize, QPainter, QPaintEngine
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from orderdesk.core.files import write_atomically
from orderdesk.ui.dialogs import Ui

# Printers get at most this resolution: more only makes the spool file bigger.
PRINT_DPI = 300
# The preview keeps every page as a picture in memory: screen sharpness is enough.
PREVIEW_DPI = 110


class PdfError(Exception):
    """The bytes are not a PDF that QtPdf can open."""


class PdfPages:
    """A PDF held in memory for rendering; the buffer lives as long as the document."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.doc = QPdfDocument()
        self.doc.load(self._buffer)
        if self.doc.status() != QPdfDocument.Status.Ready or self.doc.pageCount() < 1:
            raise PdfError(f"not a readable PDF ({self.doc.error().name})")

    @property
    def count(self) -> int:
        return int(self.doc.pageCount())

    def point_size(self, page: int) -> QSizeF:
        return self.doc.pagePointSize(page)

    def image(self, page: int, dpi: float) -> QImage:
        pts = self.point_size(page)
        size = QSize(max(1, round(pts.width() * dpi / 72)), max(1, round(pts.height() * dpi / 72)))
        rendered = self.doc.render(page, size)
        # pdfium leaves the paper transparent: put it on white, three bytes a pixel (the
        # preview keeps every page in memory).
        out = QImage(size, QImage.Format.Format_RGB888)
        out.fill(Qt.GlobalColor.white)
        p = QPainter(out)
        p.drawImage(0, 0, rendered)
        p.end()
        return out


def fit_printer(printer: QPrinter, pages: PdfPages) -> None:
    """Paper and orientation of the document's first page; the PDF brings its own margins."""
    pts = pages.point_size(0)
    landscape = pts.width() > pts.height()
    portrait = QSizeF(min(pts.width(), pts.height()), max(pts.width(), pts.height()))
    # Fuzzy: 595.3 × 841.9 pt is A4, so the printer gets a paper it knows by name.
    printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Point,
                                  matchPolicy=QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)


def page_range(printer: QPrinter, count: int) -> range:
    """The pages (0-based) the user chose in the print dialog, all by default."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(count, printer.toPage() or count)
        return range(first - 1, last)
    return range(count)


def paint_pdf(pages: PdfPages, printer: QPrinter, *, dpi: float | None = None,
              progress: Callable[[int, int], Any] | None = None) -> int:
    """Draws the pages onto the printer, each scaled to fit and centred; returns pages drawn."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        preview = printer.paintEngine() is not None and \
            printer.paintEngine().type() == QPaintEngine.Type.Picture
        res = dpi or (PREVIEW_DPI if preview else min(printer.resolution(), PRINT_DPI))
        wanted = page_range(printer, pages.count)
        for n, page in enumerate(wanted):
            if n:
                printer.newPage()
            target = QRectF(painter.viewport())
            img = pages.image(page, res)
            scale = min(target.width() / img.width(), target.height() / img.height())
            w, h = img.width() * scale, img.height() * scale
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(target.x() + (target.width() - w) / 2,
                                     target.y() + (target.height() - h) / 2, w, h), img)
            if progress is not None:
                progress(n + 1, len(wanted))
        return len(wanted)
    finally:
        painter.end()


def print_to_pdf_file(data: bytes, path: str | os.PathLike[str], *, dpi: float = 150) -> int:
    """Prints through QPrinter's own PDF driver into a file (what "Print to file" makes)."""
    pages = PdfPages(data)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    fit_printer(printer, pages)
    return paint_pdf(pages, printer, dpi=dpi)


class PrintPreview(QPrintPreviewDialog):
    """Qt's print preview of a PDF; its Print button prints the same pages."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None) -> None:
        self.pages = PdfPages(data)
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.printer.setDocName(title)
        fit_printer(self.printer, self.pages)
        super().__init__(self.printer, parent)
        self.setObjectName("print_preview")
        self.setWindowTitle(f"Print preview — {title}")
        self.paintRequested.connect(lambda p: paint_pdf(self.pages, p))
        self.resize(900, 1000)


def save_pdf(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Writes beside the target, then renames: a crash never leaves half a PDF."""
    return write_atomically(path, data)


def viewer_file(data: bytes, name: str) -> Path:
    """A temporary copy for the system viewer; copies older than a day are cleared away."""
    user = os.getuid() if hasattr(os, "getuid") else "u"
    folder = Path(tempfile.gettempdir()) / f"orderdesk-view-{user}"
    folder.mkdir(mode=0o700, exist_ok=True)
    for old in folder.glob("*.pdf"):
        try:
            if time.time() - old.stat().st_mtime > 86400:
                old.unlink()
        except OSError:
            pass  # a viewer still holds it (Windows): try next time
    safe = "".join(c if c.isalnum() or c in "-_. " else "_" for c in name).strip() or "document"
    fd, tmp = tempfile.mkstemp(prefix=f"{safe[:60]}-", suffix=".pdf", dir=folder)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(tmp)


class PdfWindow(QDialog):
    """A produced PDF: shown, and printed, previewed, saved or opened in the system viewer."""

    def __init__(self, data: bytes, title: str, file_name: str, parent: QWidget | None = None,
                 *, ui: Ui | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_window")
        self.setWindowTitle(title)
        self.data, self.title, self.file_name = data, title, file_name
        self.ui = ui or Ui()
        # Replaceable in tests: what would be opened, and where a copy would be saved.
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.ask_path: Callable[[], str] = self._ask_path
        self.pages = PdfPages(data)
        self.view = QPdfView(self)
        self.view.setDocument(self.pages.doc)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.info = QLabel(f"{self.pages.count} {'page' if self.pages.count == 1 else 'pages'}"
                           f" · {len(data) / 1024:,.0f} KB", objectName="pdf_info")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for key, text, slot in (("preview", "Print pre&view…", self.preview),
                                ("print", "&Print…", self.print_),
                                ("save", "&Save as PDF…", self.save_as),
                                ("open", "&Open in viewer", self.open_external)):
            b = QPushButton(text, objectName=f"pdf_{key}")
            b.clicked.connect(lambda _on=False, f=slot: f())
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.info)
        lay.addWidget(buttons)
        self.resize(820, 960)

    def preview(self) -> PrintPreview:
        dlg = PrintPreview(self.data, self.title, self)
        dlg.open()
        return dlg

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        fit_printer(printer, self.pages)
        dlg = QPrintDialog(printer, self)
        dlg.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        dlg.setMinMax(1, self.pages.count)
        if self.ui.run_dialog(dlg):
            try:
                paint_pdf(self.pages, printer)
            except OSError as e:
                self.ui.error(self, "Printing failed", str(e))

    def _ask_path(self) -> str:
        path, _f = QFileDialog.getSaveFileName(self, "Save as PDF", self.file_name,
                                               "PDF documents (*.pdf)")
        return path

    def save_as(self) -> Path | None:
        path = self.ask_path()
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            return save_pdf(self.data, path)
        except OSError as e:
            self.ui.error(self, "Not saved", f"{path}: {e.strerror or e}")
            return None

    def open_external(self) -> Path:
        path = viewer_file(self.data, Path(self.file_name).stem)
        if not self.open_url(QUrl.fromLocalFile(str(path))):
            self.ui.error(self, "No PDF viewer", f"No program opens PDF files here; the file is "
                          f"{path}")
        return path


__all__ = ["PdfError", "PdfPages", "PdfWindow", "PrintPreview", "fit_printer", "paint_pdf",
           "print_to_pdf_file", "save_pdf", "viewer_file"]
