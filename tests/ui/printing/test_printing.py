"""Printing PDFs through QPrinter (to a PDF file, read back), the preview, save and viewer."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from orderdesk.reports.samples import make_certificate_pdf
from orderdesk.ui.printing import (
    PdfError, PdfPages, PdfWindow, PrintPreview, fit_printer, paint_pdf, print_to_pdf_file,
)


def pdf(pages: int, size: tuple[float, float] = A4) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size)
    for i in range(pages):
        c.setFont("Helvetica-Bold", 60)
        c.drawString(80, size[1] / 2, f"Page {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def ink(path: Path, page: int = 0) -> float:
    """Share of dark pixels on a page of a PDF file (printed pages must not be blank)."""
    img = PdfPages(path.read_bytes()).image(page, 20)
    dark = sum(1 for y in range(img.height()) for x in range(img.width())
               if QColor(img.pixel(x, y)).lightness() < 128)
    return dark / (img.width() * img.height())


def test_printing_to_a_pdf_file(qtbot: Any, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    assert print_to_pdf_file(make_certificate_pdf("Lot A", "H1", pages=3), out) == 3
    r = PdfReader(out)
    assert len(r.pages) == 3
    assert [round(float(x)) for x in r.pages[0].mediabox[2:]] == [595, 842]
    assert ink(out) > 0.002
    wide = tmp_path / "wide.pdf"
    assert print_to_pdf_file(pdf(2, landscape(A4)), wide) == 2
    assert [round(float(x)) for x in PdfReader(wide).pages[1].mediabox[2:]] == [842, 595]
    assert ink(wide, 1) > 0.002


def test_print_range_is_respected(qtbot: Any, tmp_path: Path) -> None:
    pages = PdfPages(pdf(5))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    fit_printer(printer, pages)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 4)
    assert paint_pdf(pages, printer, dpi=30) == 3
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 3


def test_preview_renders_every_page(qtbot: Any) -> None:
    dlg = PrintPreview(pdf(4), "Four pages")
    qtbot.addWidget(dlg)
    w = dlg.findChild(QPrintPreviewWidget)
    assert w is not None
    w.updatePreview()
    assert w.pageCount() == 4
    assert dlg.windowTitle() == "Print preview — Four pages"


def test_not_a_pdf() -> None:
    with pytest.raises(PdfError):
        PdfPages(b"%PDF-1.4 broken beyond repair")
    with pytest.raises(PdfError):
        PdfPages(b"")


def test_pdf_window_saves_and_opens(qtbot: Any, tmp_path: Path) -> None:
    data = pdf(2)
    w = PdfWindow(data, "Test document", "test.pdf")
    qtbot.addWidget(w)
    assert w.info.text().startswith("2 pages")
    w.ask_path = lambda: str(tmp_path / "copy")  # the extension is added
    saved = w.save_as()
    assert saved == tmp_path / "copy.pdf" and saved.read_bytes() == data
    w.ask_path = lambda: ""
    assert w.save_as() is None
    opened: list[QUrl] = []
    w.open_url = lambda url: opened.append(url) or True
    path = w.open_external()
    assert opened[0].toLocalFile() == str(path) and path.read_bytes() == data
    assert path.suffix == ".pdf" and path.name.startswith("test-")
    preview = w.preview()
    qtbot.addWidget(preview)
    assert preview.pages.count == 2
