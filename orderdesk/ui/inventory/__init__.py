"""Inventory in the window: stock lots, certificates, reservations of lines, traceability."""

from orderdesk.ui.inventory.lot_dialog import LotDialog
from orderdesk.ui.inventory.reserve import ReserveDialog
from orderdesk.ui.inventory.trace import TraceDialog, order_trace
from orderdesk.ui.inventory.window import InventoryWindow

__all__ = ["InventoryWindow", "LotDialog", "ReserveDialog", "TraceDialog", "order_trace"]
