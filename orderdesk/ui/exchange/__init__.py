"""The window's side of import and export: File menu commands, progress, preview dialog."""

from orderdesk.ui.exchange.choices import ExportDialog, FileChooser
from orderdesk.ui.exchange.controller import ExchangeController, Host
from orderdesk.ui.exchange.preview import ImportPreviewDialog

__all__ = ["ExchangeController", "ExportDialog", "FileChooser", "Host", "ImportPreviewDialog"]
