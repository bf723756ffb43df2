"""The command line: export, import (all or nothing, errors on stderr) and template."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from orderdesk.cli import main
from orderdesk.core import Desk
from tests.exchange.conftest import fingerprint, read_csv, write_csv


def test_export_formats_and_filters(filled: Desk, db_path: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    assert main([*db, "export", "--format", "csv", "-o", str(tmp_path / "o.csv")]) == 0
    assert "3 orders written" in capsys.readouterr().out
    assert len(read_csv(tmp_path / "o.csv")) == 4
    assert main([*db, "export", "--format", "zip", "-o", str(tmp_path / "o.zip"),
                 "--search", "Zákazník"]) == 0
    assert "1 orders, 3 lines" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "o.zip") as zf:
        assert len(read_csv(zf.read("order-line-items.csv"))) == 4
    uid = filled.orders.find(reference="REF-0")
    filled.lifecycle.send(uid)  # type: ignore[arg-type]
    assert main([*db, "export", "--format", "xlsx", "-o", str(tmp_path / "o.xlsx"),
                 "--stage", "sent"]) == 0
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx", read_only=True)
    assert [r[0] for r in wb["Orders"].iter_rows(min_row=2, values_only=True)] == [uid]
    wb.close()


def test_import_prints_counts_or_errors_and_writes_nothing(
        filled: Desk, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    bad = write_csv(tmp_path / "bad.csv", [["OrderReference", "CustomerCode", "OrderDate"],
                                           ["N1", "ZZ", "2026-01-01"], ["N2", "C1", "01.01.2026"]])
    before = fingerprint(filled.store)
    assert main([*db, "import", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == ["bad.csv:3:OrderDate: '01.01.2026' is not a date (YYYY-MM-DD)",
                       "bad.csv:2:CustomerCode: 'ZZ' is not a known customer and the row has no "
                       "CustomerName to create it from"]
    assert "nothing was imported" in err[-1]
    assert fingerprint(filled.store) == before
    good = write_csv(tmp_path / "good.csv", [["OrderReference", "CustomerCode", "OrderDate"],
                                             ["N1", "C1", "2026-01-01"]])
    assert main([*db, "import", str(good), "--dry-run"]) == 0
    assert fingerprint(filled.store) == before
    assert main([*db, "import", str(good)]) == 0
    assert "imported: 1 created" in capsys.readouterr().out
    assert filled.orders.find(reference="N1")


def test_template_zip_imports_cleanly(filled: Desk, db_path: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    assert main([*db, "template", "-o", str(tmp_path / "t.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "t.zip") as zf:
        assert sorted(zf.namelist()) == ["order-line-items-template.csv", "orders-template.csv"]
        zf.extractall(tmp_path / "t")
    orders = read_csv(tmp_path / "t" / "orders-template.csv")
    lines = read_csv(tmp_path / "t" / "order-line-items-template.csv")
    assert len(orders) == len(lines) == 2 and orders[0][0] == "OrderId"
    assert main([*db, "import", str(tmp_path / "t" / "orders-template.csv"),
                 str(tmp_path / "t" / "order-line-items-template.csv")]) == 0
    assert "1 created" in capsys.readouterr().out
    o = filled.orders.get(filled.orders.find(reference="PO-2026-0001"))  # type: ignore[arg-type]
    assert o.lines[0].item_code == "BOLT-M12x60" and o.customer_name == "ACME Industries Ltd"
