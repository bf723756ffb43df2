"""Attachments in the window: the panel of an order or lot, drops, preview, confirm step."""

from orderdesk.ui.attachments.panel import AttachmentPanel

__all__ = ["AttachmentPanel"]
