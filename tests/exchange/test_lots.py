"""Lots from CSV: good files stored in one go, bad files listed row by row with nothing written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from orderdesk.core import Desk, Store
from orderdesk.core.inventory import Lot
from orderdesk.exchange.lots import (
    Cancelled, LotImportRefused, import_lots, read_lots, template_csv,
)
from tests.conftest import make_order


def state(store: Store) -> tuple[Any, ...]:
    """Everything a lots import may touch: lots, history, the company revision."""
    return (store.execute("SELECT COUNT(*), SUM(quantity), SUM(version) FROM inventory_item")
            .fetchone(), store.execute("SELECT MAX(id) FROM history_event").fetchone()[0],
            store.execute("SELECT revision FROM company").fetchall())


def write_csv(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


GOOD = ("LotNumber,ItemCode,Name,Quantity,Unit,Location\r\n"
        "H-001,PLANK-2x4,Pine plank batch,120.5,m,Hall A\r\n"
        "H-002,PLANK-2x4,Kiefer Brett Ø40 · Żółć,80,m,\r\n"
        ",BAR-40,Round bar,3,pcs,Yard\r\n")


def test_good_file_adds_every_lot_with_history(desk: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "lots.csv", GOOD, bom=True)
    result = import_lots(desk, f)
    assert len(result.created) == 3 and not result.updated
    lots = {lot.lot or lot.name: lot for lot in desk.inventory.lots()}
    assert lots["H-001"].quantity == Decimal("120.5") and lots["H-001"].location == "Hall A"
    assert lots["H-002"].name == "Kiefer Brett Ø40 · Żółć"
    assert lots["Round bar"].unit == "pcs"
    created = desk.store.execute("SELECT COUNT(*) FROM history_event WHERE entity_type = 'lot' "
                                 "AND change = 'created'").fetchone()[0]
    assert created == 3


def test_reimport_changes_nothing_and_edits_update(desk: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "lots.csv", GOOD)
    import_lots(desk, f)
    before = state(desk.store)
    again = import_lots(desk, f)
    # Lots without a number cannot be recognised: they are added again, the others are not.
    assert len(again.unchanged) == 2 and len(again.created) == 1
    assert state(desk.store)[0][0] == before[0][0] + 1
    edited = write_csv(tmp_path / "edit.csv", "itemcode;lotnumber;name;quantity;location\n"
                       "PLANK-2x4;h-001;Pine plank batch;100;Hall C\n")
    r = import_lots(desk, edited)
    assert len(r.updated) == 1
    lot = desk.inventory.get(r.updated[0])
    assert (lot.quantity, lot.location, lot.unit) == (Decimal(100), "Hall C", "m")


def test_bad_rows_are_all_listed_and_nothing_is_written(desk: Desk, tmp_path: Path) -> None:
    import_lots(desk, write_csv(tmp_path / "first.csv", GOOD))
    before = state(desk.store)
    bad = write_csv(tmp_path / "bad.csv",
                    "LotNumber,ItemCode,Name,Quantity,Unit,Location\n"
                    "H-100,PLANK-2x4,Good one,5,m,A\n"
                    "H-101,,No item,5,m,A\n"
                    "H-102,PLANK-2x4,Comma number,\"1,5\",m,A\n"
                    "H-103,PLANK-2x4,Negative,-2,m,A\n"
                    "H-100,PLANK-2x4,Duplicate,5,m,A\n"
                    "H-104,PLANK-2x4,,5,m,A\n"
                    "H-105,PLANK-2x4,Blank qty,,m,A\n"
                    f"H-106,PLANK-2x4,{'x' * 301},5,m,A\n")
    with pytest.raises(LotImportRefused) as e:
        import_lots(desk, bad)
    where = [(p.file, p.row, p.column) for p in e.value.problems]
    assert where == [("bad.csv", 3, "ItemCode"), ("bad.csv", 4, "Quantity"),
                     ("bad.csv", 5, "Quantity"), ("bad.csv", 6, "LotNumber"),
                     ("bad.csv", 7, "Name"), ("bad.csv", 8, "Quantity"), ("bad.csv", 9, "Name")]
    assert "already on row 2" in e.value.problems[3].reason
    assert "nothing was imported" in str(e.value)
    assert state(desk.store) == before


def test_header_problems(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "h.csv", "LotNumber,ItemCode,Colour,Quantity,Quantity\nA,B,C,1,2\n")
    rows, problems = read_lots(f)
    assert not rows
    reasons = {(p.column, p.reason.split(" ")[0]) for p in problems}
    assert ("Colour", "unknown") in reasons and ("Quantity", "column") in reasons
    assert ("Name", "required") in reasons
    pdf = tmp_path / "x.csv"
    pdf.write_bytes(b"%PDF-1.4 not a csv")
    assert "PDF" in read_lots(pdf)[1][0].reason
    empty = write_csv(tmp_path / "e.csv", "ItemCode,Name,Quantity\n")
    assert "no lots" in read_lots(empty)[1][0].reason


def test_quantity_below_reserved_is_refused_and_rolled_back(desk: Desk, tmp_path: Path) -> None:
    import_lots(desk, write_csv(tmp_path / "a.csv", GOOD))
    order = desk.orders.create(make_order(lines=1))
    lot = next(x for x in desk.inventory.lots() if x.lot == "H-002")
    desk.inventory.reserve(order.lines[0].id or "", lot.id or "", None)  # all 80 m
    before = state(desk.store)
    f = write_csv(tmp_path / "b.csv", "LotNumber,ItemCode,Name,Quantity,Unit,Location\n"
                  "H-001,PLANK-2x4,Pine plank batch,99,m,Hall A\n"
                  "H-002,PLANK-2x4,Kiefer Brett Ø40 · Żółć,10,m,\n")
    with pytest.raises(LotImportRefused) as e:
        import_lots(desk, f)
    assert [(p.row, p.column) for p in e.value.problems] == [(3, "Quantity")]
    assert "80 m reserved" in e.value.problems[0].reason
    # Row 2 had been saved inside the transaction: the refusal rolled it back.
    assert state(desk.store) == before
    assert next(x for x in desk.inventory.lots() if x.lot == "H-001").quantity == Decimal("120.5")


def test_split_lot_is_not_taken_for_the_original(desk: Desk, tmp_path: Path) -> None:
    original = desk.inventory.save(Lot("PLANK-2x4", "Batch", Decimal(50), lot="H-9", unit="m"))
    order = desk.orders.create(make_order(lines=1))
    desk.inventory.reserve(order.lines[0].id or "", original.id or "", Decimal(20))
    f = write_csv(tmp_path / "c.csv", "LotNumber,ItemCode,Name,Quantity,Unit\n"
                  "H-9,PLANK-2x4,Batch,45,m\n")
    r = import_lots(desk, f)
    assert r.updated == [original.id]
    assert desk.inventory.get(original.id or "").quantity == Decimal(45)


def test_cancel_writes_nothing(desk: Desk, tmp_path: Path) -> None:
    before = state(desk.store)
    with pytest.raises(Cancelled):
        import_lots(desk, write_csv(tmp_path / "a.csv", GOOD), progress=lambda d, t: d < t)
    assert state(desk.store) == before


def test_template_reads_back(tmp_path: Path) -> None:
    rows, problems = read_lots(write_csv(tmp_path / "t.csv", template_csv()))
    assert not problems and rows[0].lot.name == "Round bar S355 Ø40"
