"""The Qt-free core: data model, business rules, transactions and history."""

from orderdesk.core.changes import ChangeSet
from orderdesk.core.db import Store, open_store
from orderdesk.core.desk import CompanyInfo, Desk, companies, create_company
from orderdesk.core.docs import Address, Contact, Line, Order, Payment, Shipment, Surcharge, Tax
from orderdesk.core.errors import (
    ConflictError, IntegrityFailure, LockedError, NotFound, OrderDeskError, StockError,
    TransitionError, ValidationError,
)
from orderdesk.core.listing import OrderQuery, OrderRow
from orderdesk.core.tx import Actor

__all__ = [
    "Actor", "Address", "ChangeSet", "CompanyInfo", "ConflictError", "Contact", "Desk",
    "IntegrityFailure", "Line", "LockedError", "NotFound", "Order", "OrderDeskError",
    "OrderQuery", "OrderRow", "Payment", "Shipment", "Store", "StockError", "Surcharge", "Tax",
    "TransitionError", "ValidationError", "companies", "create_company", "open_store",
]
