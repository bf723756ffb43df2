"""Stock lots from a CSV file, all or nothing: every bad row listed, nothing written on any error.

Header (names matched case-insensitively, in any order): LotNumber, ItemCode, Name, Quantity,
Unit, Location; ItemCode, Name and Quantity are required. A row whose ItemCode and LotNumber
match an existing original lot (not a split) updates that lot, so importing the same file
twice changes nothing; every other row adds a lot.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orderdesk.core import validate as v
from orderdesk.core.desk import Desk
from orderdesk.core.errors import OrderDeskError, ValidationError
from orderdesk.core.inventory import Lot
from orderdesk.core.tx import write
from orderdesk.exchange import cells
from orderdesk.exchange.columns import Cancelled, Progress, check_progress, neutralise
from orderdesk.exchange.reader import (
    FileRefused, Problem, _csv_rows, _delimiter, _sniff_head, check_size,
)

LOT_COLUMNS = ("LotNumber", "ItemCode", "Name", "Quantity", "Unit", "Location")
REQUIRED = ("ItemCode", "Name", "Quantity")
TEMPLATE_FILE = "lots-template.csv"
# The core's own limits (inventory._clean), checked here so every row is reported at once.
_LIMITS = {"LotNumber": 80, "ItemCode": 60, "Name": 300, "Unit": 20, "Location": 80}
_FIELD = {"LotNumber": "lot", "ItemCode": "item_code", "Name": "name", "Quantity": "quantity",
          "Unit": "unit", "Location": "location"}


class LotImportRefused(OrderDeskError):
    """The file has problems; `problems` lists every one and nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s); nothing was imported:\n{head}{more}")


@dataclass(frozen=True)
class LotRow:
    row: int
    lot: Lot
    present: frozenset[str] = frozenset(LOT_COLUMNS)  # the file's columns


@dataclass
class LotImportResult:
    created: list[str] = field(default_factory=list)  # lot UUIDs
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.created)} lots added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged")


def read_lots(path: str | os.PathLike[str]) -> tuple[list[LotRow], list[Problem]]:
    """The file's rows as lots, and every problem found (header, cells, duplicates)."""
    p = Path(path)
    source = p.name
    try:
        check_size(p, source)
        head = _sniff_head(p, source)
        if b"\0" in head:
            return [], [Problem(source, 0, "", "the file holds binary data, not CSV text")]
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as e:
            if len(head) < 65536 or e.start < len(head) - 4:
                return [], [Problem(source, 1, "", "the file is not UTF-8 text; save it as "
                                    "'CSV UTF-8'")]
            text = head[:e.start].decode("utf-8")
        first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
        if not first.strip():
            return [], [Problem(source, 1, "", "the file is empty or its header line is blank")]
        delimiter = _delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter), [])
        columns, problems = _columns(source, header)
        if problems:
            return [], problems
        out: list[LotRow] = []
        present = frozenset(c for c in columns if c)
        seen: dict[tuple[str, str], int] = {}
        for row, values in _csv_rows(p, source, delimiter):
            lot, row_problems = _lot(source, row, columns, values)
            problems += row_problems
            if lot is None:
                continue
            if lot.lot:
                key = (lot.item_code.lower(), lot.lot.lower())
                if key in seen:
                    problems.append(Problem(source, row, "LotNumber", f"lot {lot.lot} of item "
                                            f"{lot.item_code} is already on row {seen[key]}"))
                    continue
                seen[key] = row
            out.append(LotRow(row, lot, present))
        if not out and not problems:
            problems.append(Problem(source, 2, "", "the file has a header but no lots"))
        return out, problems
    except FileRefused as e:
        return [], [e.problem]
    except OSError as e:
        return [], [Problem(source, 0, "", f"cannot read the file: {e.strerror or e}")]


def _columns(source: str, header: list[str]) -> tuple[list[str | None], list[Problem]]:
    known = {c.lower(): c for c in LOT_COLUMNS}
    names = [h.strip().lstrip("\ufeff") for h in header]
    while names and not names[-1]:
        names.pop()
    columns: list[str | None] = []
    problems: list[Problem] = []
    for n in names:
        canon = known.get(n.lower())
        if canon is None:
            problems.append(Problem(source, 1, n or "(blank)", f"unknown column {n!r} in a lots "
                                    f"file (known: {', '.join(LOT_COLUMNS)})"))
        elif canon in columns:
            problems.append(Problem(source, 1, canon, f"column {canon} appears twice"))
        columns.append(canon)
    for need in REQUIRED:
        if need not in columns:
            problems.append(Problem(source, 1, need, f"required column {need} is missing"))
    return columns, problems


def _lot(source: str, row: int, columns: list[str | None], values: list[Any]
         ) -> tuple[Lot | None, list[Problem]]:
    problems: list[Problem] = []
    got: dict[str, Any] = {}
    if len(values) > len(columns) and any(str(x).strip() for x in values[len(columns):]):
        problems.append(Problem(source, row, "", f"the row has {len(values)} cells; the header "
                                f"has {len(columns)}"))
    for i, col in enumerate(columns):
        if col is None:
            continue
        raw = values[i] if i < len(values) else ""
        try:
            if col == "Quantity":
                q = cells.number(raw)
                if q is None:
                    raise cells.CellError("is required")
                got[col] = v.number(q, "quantity")
            else:
                got[col] = v.text(cells.text(raw), _FIELD[col], _LIMITS[col],
                                  required=col in REQUIRED)
        except cells.CellError as e:
            problems.append(Problem(source, row, col, str(e)))
        except ValidationError as e:
            problems.append(Problem(source, row, col, f"{e.reason}"))
    if problems:
        return None, problems
    return Lot(item_code=got["ItemCode"], name=got["Name"], quantity=got["Quantity"],
               lot=got.get("LotNumber", ""), unit=got.get("Unit", "") or "pcs",
               location=got.get("Location", "")), []


def import_lots(desk: Desk, path: str | os.PathLike[str], *,
                progress: Progress | None = None) -> LotImportResult:
    """Reads and stores the file's lots in one transaction; LotImportRefused lists the problems.

    Cancelling through `progress` raises Cancelled; either way nothing is written.
    """
    rows, problems = read_lots(path)
    if problems:
        raise LotImportRefused(problems)
    source = Path(path).name
    existing = _originals(desk)
    result = LotImportResult()
    total = len(rows)
    with write(desk.store, desk.company_id, desk.actor):
        for i, r in enumerate(rows):
            if i % 50 == 0:
                check_progress(progress, i, total)
            lot = r.lot
            old = existing.get((lot.item_code.lower(), lot.lot.lower())) if lot.lot else None
            if old is not None:
                lot.id, lot.active = old.id, old.active
                # A column the file leaves out keeps the lot's value (a file of quantities only).
                if "Unit" not in r.present:
                    lot.unit = old.unit
                if "Location" not in r.present:
                    lot.location = old.location
                if (old.item_code, old.name, old.quantity, old.unit, old.location) == \
                        (lot.item_code, lot.name, lot.quantity, lot.unit, lot.location):
                    result.unchanged.append(old.id or "")
                    continue
                if lot.quantity < old.reserved:
                    problems.append(Problem(source, r.row, "Quantity", f"lot {lot.lot} has "
                                            f"{cells.plain(old.reserved)} {old.unit} reserved; "
                                            "the quantity cannot go below that"))
                    continue
            try:
                saved = desk.inventory.save(lot)
            except ValidationError as e:
                col = next((c for c, f in _FIELD.items() if f == e.field), "")
                problems.append(Problem(source, r.row, col, e.reason))
                continue
            except OrderDeskError as e:
                problems.append(Problem(source, r.row, "", str(e)))
                continue
            (result.updated if old is not None else result.created).append(saved.id or "")
        check_progress(progress, total, total)
        if problems:
            # Raised inside the transaction: everything written so far is rolled back.
            raise LotImportRefused(problems)
    return result


def _originals(desk: Desk) -> dict[tuple[str, str], Lot]:
    """Existing lots that were not split off another, by (item code, lot number)."""
    found: dict[tuple[str, str], list[Lot]] = {}
    for lot in desk.inventory.lots(include_inactive=True, limit=10**9):
        if lot.lot:
            found.setdefault((lot.item_code.lower(), lot.lot.lower()), []).append(lot)
    out: dict[tuple[str, str], Lot] = {}
    for key, lots in found.items():
        if len(lots) == 1:
            out[key] = lots[0]
            continue
        # Splits share the lot number; only the original is a row of the file.
        for lot in lots:
            if desk.inventory.get(lot.id or "").origin is None:
                out[key] = lot
                break
    return out


def template_csv() -> str:
    """The header and one example row: what a lots file looks like."""
    example = ["H-2026-0117", "BAR-S355-40", "Round bar S355 Ø40", "120.5", "m", "Hall B / 3"]
    return ",".join(LOT_COLUMNS) + "\r\n" + ",".join(neutralise(x) for x in example) + "\r\n"


__all__ = ["LOT_COLUMNS", "Cancelled", "LotImportRefused", "LotImportResult", "LotRow",
           "import_lots", "read_lots", "template_csv"]
