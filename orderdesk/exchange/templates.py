"""The template ZIP: both exchange files with their headers and one example row each."""

from __future__ import annotations

import csv
import io
import os
import zipfile

from orderdesk.exchange.columns import LINE_COLUMNS, ORDER_COLUMNS, atomic_output

ORDERS_TEMPLATE = "orders-template.csv"
LINES_TEMPLATE = "order-line-items-template.csv"

# One order linked to its line by OrderReference; OrderId and LineId stay blank so the
# import creates them (fill them to update orders exported before).
ORDER_EXAMPLE = ("", "", "PO-2026-0001", "CUST-PO-778", "C-ACME", "ACME Industries Ltd",
                 "2026-03-02", "2026-03-20", "Main warehouse", "EUR", "draft", "pending",
                 "Deliver before noon.", "true")
LINE_EXAMPLE = ("", "", "PO-2026-0001", "1", "BOLT-M12x60", "Hex bolt M12×60, 8.8, zinc plated",
                "250", "pcs", "0.38", "5", "VAT 21%", "true")


def _csv(header: tuple[str, ...], row: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerow(row)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_templates(out_zip: str | os.PathLike[str]) -> None:
    """Writes the template ZIP (atomically)."""
    with atomic_output(out_zip) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(ORDERS_TEMPLATE, _csv(ORDER_COLUMNS, ORDER_EXAMPLE))
            zf.writestr(LINES_TEMPLATE, _csv(LINE_COLUMNS, LINE_EXAMPLE))
