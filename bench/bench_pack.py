"""Certificate pack: 200 lines, 50 two-page certificates — OrderDesk vs bare reportlab + pypdf.

The bare side is the same work done with the simplest calls of the libraries: a cover with
the same traceability table content (plain multi-line string cells), every certificate
appended, an outline entry per certificate, "page X of Y" merged onto every page (one
overlay PDF, pypdf's merge_page), written out. Runs alternate between the two so a busy
machine slows both alike; medians of wall time (and of CPU time, less sensitive to other
processes) are printed with the load average. Targets: first build ≤ 2× bare and under 1 s,
a reused pack in under 100 ms. Run: python bench/bench_pack.py [runs]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from orderdesk.core import Desk, Line, Order, Tax, create_company, open_store
from orderdesk.core.inventory import Lot
from orderdesk.core.pdfcheck import check_pdf, verdict_text
from orderdesk.core.tx import Actor
from orderdesk.reports import certificate_pack, fonts
from orderdesk.reports.samples import make_certificate_pdf

LINES, CERTS = 200, 50
Row = tuple[str, str, str, str, str]  # line, qty, lot, reserved, certificate · md5


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


def table_rows(desk: Desk, number: str) -> list[Row]:
    """The cover's traceability content, read once from the core (not timed)."""
    o = desk.orders.get(number)
    by_line = {r.line_id: r for r in desk.inventory.reservations(order=o.id)}
    rows = []
    for ln in o.lines:
        r = by_line[ln.id or ""]
        _cid, name, md5 = r.certificates[0]
        rows.append((f"{ln.position} · {ln.item_code}\n{ln.description}", "10 kg",
                     f"{r.lot_number}\n{r.lot_name}", "10 kg", f"{name}\n{md5}"))
    return rows


def bare(rows: list[Row], certs: list[tuple[str, bytes]], cover_pages: int) -> bytes:
    """The same pack straight on the libraries: table cover, append, outline, stamp."""
    st = ParagraphStyle("b", fontName=fonts.REGULAR, fontSize=9, leading=11.5)
    first = [cover_pages + 1 + 2 * k for k in range(CERTS)]  # bare knows its page numbers
    data = [["Line", "Qty", "Lot / heat", "Reserved", "Certificate · MD5", "Page"]]
    data += [[*r, str(first[i % CERTS])] for i, r in enumerate(rows)]
    table = Table(data, colWidths=[137, 46, 108, 56, 142, 32], repeatRows=1, style=TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8, 10), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECF0")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F6F7F9")])]))
    facts = "<br/>".join(("Bench Metals", "Certificate pack", "Order, customer, dates",
                          "Delivery address", "Nothing missing", "Traceability"))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=19 * mm).build([Paragraph(facts, st), table])
    w = PdfWriter()
    w.append(PdfReader(buf), import_outline=False)
    starts = []
    for _name, pdf in certs:
        starts.append(len(w.pages))
        w.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    w.add_outline_item(title="Cover and traceability", page_number=0)
    parent = w.add_outline_item(title="Certificates", page_number=starts[0])
    for (name, _), s in zip(certs, starts):
        w.add_outline_item(title=name, page_number=s, parent=parent)
    sbuf = io.BytesIO()
    c = Canvas(sbuf, pagesize=A4, initialFontName=fonts.REGULAR)
    total = len(w.pages)
    for n in range(total):
        c.setFont(fonts.REGULAR, 7.5)
        c.drawRightString(A4[0] - 15 * mm, 4 * mm + 3,
                          f"Certificate pack · Page {n + 1} of {total}")
        c.showPage()
    c.save()
    for page, stamp in zip(w.pages, PdfReader(sbuf).pages):
        page.merge_page(stamp)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    fonts.register()
    with tempfile.TemporaryDirectory() as tmp:
        desk, number, certs = setup(Path(tmp) / "bench.sqlite3")
        result = certificate_pack(desk, number, reuse=False)  # warms imports and fonts
        rows = table_rows(desk, number)
        cover_pages = result.pages - 2 * CERTS
        bare(rows, certs, cover_pages)
        load = os.getloadavg()
        base: list[tuple[float, float]] = []
        first: list[tuple[float, float]] = []
        for _ in range(runs):  # alternate, so load from other processes hits both alike
            base.append(timed(lambda: bare(rows, certs, cover_pages)))
            first.append(timed(lambda: certificate_pack(desk, number, reuse=False)))
        result = certificate_pack(desk, number)
        assert result.reused
        reuse_times = [timed(lambda: certificate_pack(desk, number))[0] for _ in range(10)]
        load_after = os.getloadavg()
    base_wall = statistics.median(t for t, _ in base)
    base_cpu = statistics.median(c for _, c in base)
    first_wall = statistics.median(t for t, _ in first)
    first_cpu = statistics.median(c for _, c in first)
    reused = statistics.median(reuse_times)
    ratio = first_wall / base_wall
    print(f"pack of {LINES} lines, {CERTS} two-page certificates, {result.pages} pages, "
          f"{len(result.data):,} bytes; medians of {runs} alternating runs")
    print(f"load average {load[0]:.2f} before, {load_after[0]:.2f} after "
          f"({os.cpu_count()} CPUs)")
    print(f"bare reportlab + pypdf: {base_wall * 1000:7.0f} ms wall {base_cpu * 1000:7.0f} ms CPU")
    print(f"OrderDesk first build:  {first_wall * 1000:7.0f} ms wall {first_cpu * 1000:7.0f} ms CPU"
          f"   ratio {ratio:.2f}× (CPU {first_cpu / base_cpu:.2f}×; target ≤ 2×, < 1000 ms)")
    print(f"OrderDesk reused pack:  {reused * 1000:7.1f} ms wall   (target < 100 ms)")
    return 0 if ratio <= 2 and first_wall < 1 and reused < 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
