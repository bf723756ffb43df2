"""Import and export of orders: CSV, ZIP and XLSX exchange files."""
