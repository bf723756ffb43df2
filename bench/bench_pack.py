"""Certificate pack: 200 lines, 50 two-page certificates — OrderDesk vs bare reportlab + pypdf.

Prints the first build against the same drawing, appending, outline and stamping done with
the libraries directly (ratio; target ≤ 2× and under 1 s), and the reused pack's return time
(target under 100 ms). Run: python bench/bench_pack.py
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from orderdesk.core import Desk, Line, Order, Tax, create_company, open_store
from orderdesk.core.inventory import Lot
from orderdesk.core.pdfcheck import check_pdf, verdict_text
from orderdesk.core.tx import Actor
from orderdesk.reports import certificate_pack, fonts
from orderdesk.reports.samples import make_certificate_pdf

LINES, CERTS = 200, 50


def setup(path: Path) -> tuple[Desk, str, list[tuple[str, bytes]]]:
    store = open_store(path)
    desk = Desk(store, create_company(store, "Bench Metals", "EUR").id, Actor("bench", "Bench"))
    desk.catalog.create_customers([("C1", "Łódź Stal")])
    o = desk.orders.create(Order("C1", date(2026, 5, 1), lines=[
        Line(f"ITEM-{i % CERTS:03d}", Decimal(10), Decimal("2.5"), f"Steel plate line {i}",
             "kg", taxes=[Tax("VAT", Decimal(21))]) for i in range(LINES)]))
    certs = [(f"cert-{k:02d}.pdf", make_certificate_pdf(f"Lot {k}", f"H{k:05d}", 2, seed=k))
             for k in range(CERTS)]
    with ThreadPoolExecutor(4) as pool:  # verdicts are made when certificates are stored
        verdicts = list(pool.map(lambda c: check_pdf(c[1]), certs))
    lots = []
    for k, ((name, data), v) in enumerate(zip(certs, verdicts)):
        lot = desk.inventory.save(Lot(f"ITEM-{k:03d}", f"Lot {k}", Decimal(100000), f"H{k:05d}"))
        desk.attachments.add(name, data, lot=lot.id, type="Certificate", verdict=verdict_text(v))
        lots.append(lot)
    for i, ln in enumerate(o.lines):
        desk.inventory.reserve(ln.id, lots[i % CERTS].id, ln.quantity)  # type: ignore[arg-type]
    return desk, o.number or "", certs


def bare(certs: list[tuple[str, bytes]]) -> bytes:
    """The same work straight on the libraries: table cover, append, outline, stamp."""
    fonts.register()
    st = ParagraphStyle("c", fontName=fonts.REGULAR, fontSize=8, leading=10)
    rows = [[Paragraph(x, st) for x in ("Line", "Qty", "Lot", "Reserved", "Certificate", "Page")]]
    for i in range(LINES):
        name, data = certs[i % CERTS]
        rows.append([Paragraph(f"<b>{i + 1} · ITEM</b><br/>Steel plate line {i}", st),
                     "10 kg", Paragraph(f"<b>H{i % CERTS:05d}</b><br/>Lot", st),
                     "10 kg", Paragraph(f"{name}<br/>0123456789abcdef", st), str(i)])
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Table(rows, repeatRows=1, style=TableStyle(
        [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8)]))])
    w = PdfWriter()
    w.append(PdfReader(buf), import_outline=False)
    starts = []
    for name, data in certs:
        starts.append(len(w.pages))
        w.append(PdfReader(io.BytesIO(data)), import_outline=False)
    parent = w.add_outline_item(title="Certificates", page_number=starts[0])
    for (name, _), s in zip(certs, starts):
        w.add_outline_item(title=name, page_number=s, parent=parent)
    sbuf = io.BytesIO()
    c = Canvas(sbuf, pagesize=A4)
    for n in range(len(w.pages)):
        c.setFont(fonts.REGULAR, 7.5)
        c.drawRightString(550, 12, f"Page {n + 1} of {len(w.pages)}")
        c.showPage()
    c.save()
    for page, stamp in zip(w.pages, PdfReader(sbuf).pages):
        page.merge_page(stamp)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def best(fn: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        desk, number, certs = setup(Path(tmp) / "bench.sqlite3")
        bare(certs)  # warm up fonts and imports for both
        base = best(lambda: bare(certs))
        first = best(lambda: certificate_pack(desk, number, reuse=False))
        result = certificate_pack(desk, number)
        assert result.reused
        reuse_times = []
        for _ in range(10):
            t = time.perf_counter()
            assert certificate_pack(desk, number).reused
            reuse_times.append(time.perf_counter() - t)
        reused = statistics.median(reuse_times)
    ratio = first / base
    print(f"pack of {LINES} lines, {CERTS} two-page certificates, {result.pages} pages, "
          f"{len(result.data):,} bytes")
    print(f"bare reportlab + pypdf: {base * 1000:7.0f} ms")
    print(f"OrderDesk first build:  {first * 1000:7.0f} ms   ratio {ratio:.2f}× "
          f"(target ≤ 2×, < 1000 ms)")
    print(f"OrderDesk reused pack:  {reused * 1000:7.1f} ms   (target < 100 ms)")
    return 0 if ratio <= 2 and first < 1 and reused < 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
