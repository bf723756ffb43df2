"""PDF reports and certificate packs (reportlab, pypdf); no Qt, usable headless and in workers.

Every long function takes `progress(done, total) -> bool`; returning False raises Cancelled
and writes nothing.
"""

from orderdesk.reports.documents import (
    KINDS, Cancelled, batch, confirmation, delivery_note, invoice, render_kind,
)
from orderdesk.reports.fmt import Fmt
from orderdesk.reports.fonts import FontMissing
from orderdesk.reports.orderlist import order_list
from orderdesk.reports.pack import Limits, PackResult, certificate_pack, fingerprint
from orderdesk.reports.sent import install, sent_confirmation

__all__ = [
    "KINDS", "Cancelled", "FontMissing", "Fmt", "Limits", "PackResult", "batch",
    "certificate_pack", "confirmation", "delivery_note", "fingerprint", "install", "invoice",
    "order_list", "render_kind", "sent_confirmation",
]
