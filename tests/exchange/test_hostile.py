"""Hostile and broken inputs: each gives its own message and leaves the database unchanged."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from orderdesk.core import Desk
from orderdesk.exchange import ImportRefused, apply_import, export_xlsx, plan_import
from orderdesk.exchange.columns import LINE_COLUMNS, MAX_FILE_BYTES, ORDER_COLUMNS
from tests.exchange.conftest import fingerprint, write_csv

HEAD = ["OrderReference", "CustomerCode", "CustomerName", "OrderDate", "DeliveryDate"]
LHEAD = ["OrderReference", "ItemCode", "Quantity", "UnitPrice", "Taxes"]


def _problems(desk: Desk, *paths: Path) -> list[tuple[str, int, str, str]]:
    before = fingerprint(desk.store)
    plan = plan_import(desk, list(paths))
    assert not plan.ok and not plan.creates and not plan.updates
    with pytest.raises(ImportRefused):
        apply_import(desk, plan)
    assert fingerprint(desk.store) == before
    return [(p.file, p.row, p.column, p.reason) for p in plan.problems]


def test_wrong_header_and_unknown_columns(filled: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "w.csv", [["Name", "Amount"], ["x", "1"]])
    [(_, row, _, reason)] = _problems(filled, f)
    assert row == 1 and "needs CustomerCode" in reason and "'Name'" in reason
    f = write_csv(tmp_path / "u.csv", [HEAD + ["Colour", "Size"], ["R", "C1", "", "2026-01-01", "",
                                                                   "red", "L"]])
    got = _problems(filled, f)
    assert [(p[2], "unknown column" in p[3]) for p in got] == [("Colour", True), ("Size", True)]


def test_missing_required_columns(filled: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "m.csv", [["CustomerCode", "Site"], ["C1", "x"]])
    assert [(p[2], p[3]) for p in _problems(filled, f)] == [
        ("OrderDate", "required column OrderDate is missing")]
    f = write_csv(tmp_path / "l.csv", [["ItemCode", "Quantity"], ["A", "1"]])
    assert [p[2] for p in _problems(filled, f)] == ["OrderId"]


def test_bad_dates_numbers_and_every_row_reported(filled: Desk, tmp_path: Path) -> None:
    orders = write_csv(tmp_path / "o.csv", [HEAD, ["R1", "C1", "", "03/02/2026", ""],
                                            ["R2", "C1", "", "2026-02-30", ""],
                                            ["R3", "C1", "", "2026-02-03", "2026-02-01"]])
    lines = write_csv(tmp_path / "l.csv", [LHEAD, ["R3", "A", "1,5", "2", ""],
                                           ["R3", "A", "-1", "abc", "VAT"],
                                           ["R3", "A", "1.23456", "1", "VAT 150%"]])
    got = _problems(filled, orders, lines)
    where = [(p[0], p[1], p[2]) for p in got]
    assert ("o.csv", 2, "OrderDate") in where and ("o.csv", 3, "OrderDate") in where
    assert ("o.csv", 4, "DeliveryDate") in where
    assert ("l.csv", 2, "Quantity") in where and ("l.csv", 3, "Quantity") in where
    assert ("l.csv", 3, "UnitPrice") in where and ("l.csv", 3, "Taxes") in where
    assert ("l.csv", 4, "Quantity") in where and ("l.csv", 4, "Taxes") in where
    reasons = {(p[1], p[2]): p[3] for p in got if p[0] == "l.csv"}
    assert "decimal point" in reasons[(2, "Quantity")]
    assert "more than 4 decimals" in reasons[(4, "Quantity")]
    assert "YYYY-MM-DD" in dict(((p[1], p[2]), p[3]) for p in got)[(2, "OrderDate")]


def test_unknown_customer_without_a_name(filled: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "o.csv", [HEAD, ["R1", "NOPE", "", "2026-01-01", ""],
                                       ["R2", "NEW", "New One", "2026-01-01", ""],
                                       ["R3", "NEW", "", "2026-01-01", ""]])
    assert [(p[1], p[2]) for p in _problems(filled, f)] == [(2, "CustomerCode")]


def test_duplicate_references_ids_and_existing_references(filled: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "o.csv", [["OrderId"] + HEAD,
                                       ["", "DUP", "C1", "", "2026-01-01", ""],
                                       ["", "DUP", "C1", "", "2026-01-01", ""]])
    got = _problems(filled, f)
    assert (3, "OrderReference") in [(p[1], p[2]) for p in got]
    assert "appears twice (also row 2)" in got[0][3]


def test_lines_for_unknown_orders(filled: Desk, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "l.csv", [["OrderId"] + LHEAD,
                                       ["", "NO-SUCH", "A", "1", "1", ""],
                                       ["4b1f6c3e-1111-4222-8333-444455556666", "", "A", "1", "1",
                                        ""], ["", "", "A", "1", "1", ""]])
    got = [(p[1], p[2]) for p in _problems(filled, f)]
    assert got == [(2, "OrderReference"), (3, "OrderId"), (4, "OrderId")]


def test_a_50_mb_file_is_refused_before_parsing(filled: Desk, tmp_path: Path) -> None:
    f = tmp_path / "huge.csv"
    with open(f, "wb") as out:
        out.write(b"CustomerCode,OrderDate\n")
        out.truncate(MAX_FILE_BYTES)  # sparse: 50 MB on paper, nothing on disk
    [(_, _, _, reason)] = _problems(filled, f)
    assert "50.0 MB" in reason and "smaller than 50 MB" in reason


def test_zip_bomb_disguised_as_xlsx(filled: Desk, tmp_path: Path) -> None:
    f = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    [(_, _, _, reason)] = _problems(filled, f)
    assert reason.startswith("refused:")


def test_binary_junk_and_other_formats(filled: Desk, tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 64)
    assert "binary data" in _problems(filled, junk)[0][3]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("CustomerCode,OrderDate,Notes\nC1,2026-01-01,Größe\n".encode("latin-1"))
    assert "not UTF-8" in _problems(filled, latin)[0][3]
    pdf = tmp_path / "orders.csv"
    pdf.write_bytes(b"%PDF-1.7\n...")
    assert "a PDF document" in _problems(filled, pdf)[0][3]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _problems(filled, empty)[0][3]


def test_two_orders_files_and_a_non_table_workbook(filled: Desk, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", [list(ORDER_COLUMNS)])
    b = write_csv(tmp_path / "b.csv", [list(ORDER_COLUMNS)])
    assert "a second orders table" in _problems(filled, a, b)[0][3]
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Hello", "World"])
    wb.save(tmp_path / "other.xlsx")
    assert "no sheet has an orders header" in _problems(filled, tmp_path / "other.xlsx")[0][3]


def test_xlsx_with_bad_cells(filled: Desk, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(LINE_COLUMNS))
    ws.append(["", "", "REF-0", 1, "A", "x", "many", "m", 1, 0, "", True])
    ws.append(["", "", "REF-0", 2.5, "B", "y", 2, "m", 1, 0, "", "maybe"])
    wb.save(tmp_path / "l.xlsx")
    got = [(p[0], p[1], p[2]) for p in _problems(filled, tmp_path / "l.xlsx")]
    assert got == [("l.xlsx[Sheet]", 2, "Quantity"), ("l.xlsx[Sheet]", 3, "Position"),
                   ("l.xlsx[Sheet]", 3, "Active")]


def test_problem_list_is_capped_but_counted(filled: Desk, tmp_path: Path) -> None:
    rows = [HEAD] + [[f"R{i}", "C1", "", "bad", ""] for i in range(300)]
    plan = plan_import(filled, [write_csv(tmp_path / "o.csv", rows)])
    assert plan.problem_count == 300 and len(plan.problems) == 200
    assert str(plan.problems[0]) == "o.csv:2:OrderDate: 'bad' is not a date (YYYY-MM-DD)"


def test_export_then_corrupted_xlsx(filled: Desk, tmp_path: Path) -> None:
    export_xlsx(filled, None, tmp_path / "x.xlsx")
    data = bytearray((tmp_path / "x.xlsx").read_bytes())
    data[len(data) // 2: len(data) // 2 + 200] = b"\xff" * 200
    (tmp_path / "x.xlsx").write_bytes(bytes(data))
    assert _problems(filled, tmp_path / "x.xlsx")[0][3]
    assert io  # keeps the import used by readers adding byte-level cases
