"""Import and export of orders: CSV, ZIP and XLSX exchange files (no Qt; worker-friendly)."""

from orderdesk.exchange.apply import ImportRefused, ImportResult, apply_import
from orderdesk.exchange.columns import Cancelled, ExchangeError, Progress
from orderdesk.exchange.export import Selection, export_csv, export_zip
from orderdesk.exchange.plan import ImportPlan, plan_import
from orderdesk.exchange.reader import Problem
from orderdesk.exchange.templates import write_templates
from orderdesk.exchange.xlsx_export import export_xlsx

__all__ = [
    "Cancelled", "ExchangeError", "ImportPlan", "ImportRefused", "ImportResult", "Problem",
    "Progress", "Selection", "apply_import", "export_csv", "export_xlsx", "export_zip",
    "plan_import", "write_templates",
]
