"""Keeps the confirmation exactly as sent: an attachment stored inside the send transaction."""

from __future__ import annotations

from orderdesk.core.desk import Desk
from orderdesk.core.pdfcheck import PdfVerdict, verdict_text
from orderdesk.reports.documents import confirmation
from orderdesk.reports.fmt import Fmt

SENT_LABEL = "Sent confirmation"


def install(desk: Desk, fmt: Fmt | None = None) -> None:
    """Makes `desk.lifecycle.send` store the confirmation PDF on the order (once per desk)."""
    if any(getattr(h, "_orderdesk_sent", False) for h in desk.on_sent):
        return

    def store_sent(d: Desk, order_uuid: str) -> None:
        # Runs inside the send transaction: the attachment joins it, so a failure here
        # leaves the order unsent rather than sent without its record.
        o = d.orders.get(order_uuid)
        data = confirmation(d, o, fmt)
        from pypdf import PdfReader
        import io

        pages = len(PdfReader(io.BytesIO(data)).pages)
        d.attachments.add(f"confirmation-{o.number}-sent.pdf", data, order=order_uuid,
                          type="Custom", label=SENT_LABEL,
                          verdict=verdict_text(PdfVerdict(True, pages)))

    store_sent._orderdesk_sent = True  # type: ignore[attr-defined]
    desk.on_sent.append(store_sent)


def sent_confirmation(desk: Desk, order: str) -> bytes | None:
    """The latest confirmation stored when the order was sent, if any."""
    found = [a for a in desk.attachments.list(order=order)
             if a.type == "Custom" and a.label == SENT_LABEL]
    return desk.attachments.content(found[-1].id) if found else None
