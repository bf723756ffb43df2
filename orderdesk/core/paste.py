"""Lines pasted from a spreadsheet (tab-separated, as Excel and LibreOffice copy) and copied out.

Excel and LibreOffice put cells with a tab, a line break or a leading quote in double quotes
with inner quotes doubled; that is the csv module's tab dialect. A first row whose cells
name known columns is a header; otherwise the editor's column order applies.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable, Sequence

from orderdesk.core import validate as v
from orderdesk.core.docs import Line, Tax
from orderdesk.core.errors import ValidationError
from orderdesk.core.money import format_taxes, plain

# The editor's grid order: a paste without a header fills these from the left.
COLUMNS = ("item_code", "description", "quantity", "unit", "unit_price", "discount", "taxes")
HEADERS = ("ItemCode", "Description", "Quantity", "Unit", "UnitPrice", "DiscountPercent",
           "Taxes")
ALIASES = {
    "item_code": ("itemcode", "item", "code", "itemno", "sku", "article"),
    "description": ("description", "desc", "text"),
    "quantity": ("quantity", "qty"),
    "unit": ("unit", "uom"),
    "unit_price": ("unitprice", "price"),
    "discount": ("discount", "discountpercent", "disc"),
    "taxes": ("taxes", "tax", "vat"),
}
# Columns of our own lines export that a paste may carry along and that mean nothing here.
IGNORED = ("lineid", "orderid", "orderreference", "position", "subtotal", "taxamount", "total",
           "active")
_BY_NAME = {alias: col for col, names in ALIASES.items() for alias in names}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")  # group separators: space, NBSP, thin, '
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


@dataclass(frozen=True)
class CellError:
    row: int  # 1-based row of the pasted text, header included
    column: str  # one of COLUMNS, or the header text of a column we cannot use
    value: str
    reason: str


@dataclass
class PasteResult:
    """Lines of the rows that parsed cleanly; errors name every bad cell of the others."""

    lines: list[Line]
    errors: list[CellError]
    header: bool
    columns: list[str | None] = field(default_factory=list)  # None: an ignored column
    rows: list[int] = field(default_factory=list)  # the source row of each line


def parse_tsv(text: str) -> PasteResult:
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter="\t")]
    errors: list[CellError] = []
    header = bool(rows) and _is_header(rows[0])
    if header:
        columns = _header_columns(rows[0], errors)
    else:
        columns = list(COLUMNS)
    out = PasteResult([], errors, header, columns)
    for n, cells in enumerate(rows, 1):
        if (header and n == 1) or not any(c.strip() for c in cells):
            continue
        before = len(errors)
        values: dict[str, str] = {}
        for i, cell in enumerate(cells):
            col = columns[i] if i < len(columns) else None
            if col is not None:
                values[col] = cell
            elif i >= len(columns) and cell.strip():
                errors.append(CellError(n, f"column {i + 1}", cell,
                                        "no column to put this in (add a header row)"))
        line = _line(n, values, errors)
        if line is not None and len(errors) == before:
            out.lines.append(line)
            out.rows.append(n)
    return out


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _is_header(cells: Sequence[str]) -> bool:
    names = [_key(c) for c in cells if c.strip()]
    known = [k for k in names if k in _BY_NAME or k in IGNORED]
    # one known name among data would be a coincidence (an item called "Code"); two are not
    return len(known) >= min(2, len(names)) and len(known) * 2 >= len(names)


def _header_columns(cells: Sequence[str], errors: list[CellError]) -> list[str | None]:
    out: list[str | None] = []
    for cell in cells:
        col = _BY_NAME.get(_key(cell))
        if col is not None and col in out:
            errors.append(CellError(1, col, cell, "this column appears twice"))
            col = None
        elif col is None and cell.strip() and _key(cell) not in IGNORED:
            errors.append(CellError(1, cell, cell, "unknown column; known: "
                                    + ", ".join(HEADERS)))
        out.append(col)
    return out


def _line(row: int, values: dict[str, str], errors: list[CellError]) -> Line | None:
    parsed: dict[str, object] = {}
    checks: dict[str, Callable[[str], object]] = {
        "item_code": lambda s: v.text(s, "item_code", 60, required=True),
        "description": lambda s: v.text(s, "description", 2000),
        "quantity": lambda s: v.number(number(s), "quantity"),
        "unit": lambda s: v.text(s, "unit", 20),
        "unit_price": lambda s: v.number(number(s), "unit_price", minimum=-v.MAX_AMOUNT),
        "discount": lambda s: v.percent(number(s.strip().removesuffix("%")), "discount"),
        "taxes": parse_taxes_cell,
    }
    bad = False
    for col, check in checks.items():
        raw = values.get(col, "")
        if not (raw if col == "description" else raw.strip()) and \
                col not in ("item_code", "quantity"):
            continue  # an empty optional cell takes the line's default
        try:
            parsed[col] = check(raw)
        except ValidationError as e:
            errors.append(CellError(row, col, raw, e.reason))
            bad = True
        except ValueError as e:
            errors.append(CellError(row, col, raw, str(e)))
            bad = True
    if bad:
        return None
    return Line(
        item_code=str(parsed["item_code"]), quantity=parsed["quantity"],  # type: ignore[arg-type]
        description=str(parsed.get("description", "")),
        unit=str(parsed.get("unit") or "pcs"),
        unit_price=parsed.get("unit_price", Decimal(0)),  # type: ignore[arg-type]
        discount=parsed.get("discount", Decimal(0)),  # type: ignore[arg-type]
        taxes=parsed.get("taxes", []),  # type: ignore[arg-type]
    )


def number(text: str) -> Decimal:
    """A number as people type it: `1.5`, `1,5`, `1 234,50`, `1,234.50`; refuses `1,234`."""
    s = _SPACES.sub("", text.strip())
    if not s:
        raise ValueError("is required")
    sign = ""
    if s[0] in "+-":
        sign, s = s[0].replace("+", ""), s[1:]
    if "," in s and "." in s:
        point = "," if s.rfind(",") > s.rfind(".") else "."
        whole, frac = s.rsplit(point, 1)
        if not _GROUPED.match(whole) and not whole.isdigit():
            raise ValueError(f"{text!r} is not a number")
        s = whole.replace("," if point == "." else ".", "") + "." + frac
    elif "," in s or s.count(".") > 1:
        sep = "," if "," in s else "."
        parts = s.split(sep)
        if len(parts) > 2 and _GROUPED.match(s):
            s = "".join(parts)  # 1,234,567 or 1.234.567: only grouping reads that way
        elif len(parts) == 2 and sep == ",":
            whole, frac = parts
            if len(frac) == 3 and whole not in ("", "0") and not whole.startswith("0"):
                raise ValueError(f"{text!r} is ambiguous: write {whole}{frac} or {whole}.{frac}")
            s = f"{whole}.{frac}"
        else:
            raise ValueError(f"{text!r} is not a number")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", s):
        raise ValueError(f"{text!r} is not a number")
    try:
        return Decimal(sign + s)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def parse_taxes_cell(text: str) -> list[Tax]:
    """`VAT 21%; Eco 0,5%` → taxes; the exchange files' rule, with a decimal comma allowed."""
    from orderdesk.core.money import parse_taxes

    norm = re.sub(r"(\d),(\d+)\s*%", r"\1.\2%", text)
    norm = re.sub(r"\s+%", "%", norm)
    out = []
    for name, rate in parse_taxes(norm):
        out.append(Tax(v.text(name, "taxes.name", 40, required=True),
                       v.number(rate, "taxes.rate", maximum=Decimal(100))))
    return out


def lines_to_tsv(lines: Sequence[Line], *, header: bool = False) -> str:
    """The lines as Excel copies cells: tab-separated, CRLF, quoted where needed."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        w.writerow(HEADERS)
    for ln in lines:
        w.writerow([ln.item_code, ln.description, plain(ln.quantity), ln.unit,
                    plain(ln.unit_price), plain(ln.discount), format_taxes(ln.taxes)])
    return buf.getvalue()


__all__ = ["COLUMNS", "HEADERS", "CellError", "PasteResult", "lines_to_tsv", "number",
           "parse_taxes_cell", "parse_tsv"]
