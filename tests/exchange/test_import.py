"""Import: counts, updates, idempotent re-import, history, dialects, XLSX, cancel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from orderdesk.core import Actor, Desk, OrderQuery
from orderdesk.exchange import (
    Cancelled, ImportRefused, apply_import, export_xlsx, export_zip, plan_import,
)
from orderdesk.exchange.columns import LINE_COLUMNS, ORDER_COLUMNS
from tests.exchange.conftest import fingerprint, read_csv, unzip, write_csv

ORDER = ["", "", "PO-1", "CPO-9", "C1", "", "2026-05-04", "2026-05-30", "Yard", "EUR", "", "",
         "Note", ""]


def _line(ref: str, pos: int, code: str, qty: str, price: str = "2.5", taxes: str = "VAT 21%",
          lid: str = "") -> list[str]:
    return [lid, "", ref, str(pos), code, f"desc {pos}", qty, "m", price, "0", taxes, ""]


def test_new_orders_lines_and_customers_are_counted_then_written(desk: Desk, tmp_path: Path
                                                                  ) -> None:
    orders = write_csv(tmp_path / "a.csv", [list(ORDER_COLUMNS), ORDER,
                                            ["", "", "PO-2", "", "NEW1", "New Customer s.r.o.",
                                             "2026-05-05", "", "", "", "", "", "", ""]])
    lines = write_csv(tmp_path / "b.csv", [list(LINE_COLUMNS), _line("PO-1", 1, "PLANK-2x4", "4"),
                                           _line("PO-1", 2, "FREE-1", "1.25", "-3"),
                                           _line("PO-2", 1, "FREE-2", "2")])
    plan = plan_import(desk, [lines, orders])  # order of files does not matter
    assert plan.ok, plan.problems
    assert sorted(plan.files) == [("a.csv", "orders"), ("b.csv", "lines")]
    assert (plan.new_orders, plan.updated_orders, plan.lines, plan.new_customers,
            plan.free_item_codes, plan.free_lines) == (2, 0, 3, 1, 2, 2)
    result = apply_import(desk, plan)
    assert (result.created, result.new_customers) == (2, 1)
    uid = desk.orders.find(reference="PO-1")
    assert uid is not None
    o = desk.orders.get(uid)
    assert (o.customer_code, o.customer_name, o.site, o.notes) == ("C1", "Customer One", "Yard",
                                                                   "Note")
    assert [ln.item_code for ln in o.lines] == ["PLANK-2x4", "FREE-1"]
    assert o.lines[1].unit_price == Decimal("-3") and o.lines[1].quantity == Decimal("1.25")
    assert o.totals.grand_total == Decimal("12.10") + Decimal("-3.75") + Decimal("-0.79")
    assert desk.catalog.customer("NEW1").name == "New Customer s.r.o."
    events = desk.history.timeline(uid)
    assert any(e.change == "imported" and e.actor_id == "alice" for e in events)


def test_reimport_of_an_export_changes_nothing(filled: Desk, tmp_path: Path) -> None:
    export_zip(filled, None, tmp_path / "x.zip")
    files = unzip(tmp_path / "x.zip", tmp_path / "x")
    before = fingerprint(filled.store)
    plan = plan_import(filled, files)
    assert plan.ok and (plan.new_orders, plan.updated_orders, plan.unchanged_orders) == (0, 0, 3)
    result = apply_import(filled, plan)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert fingerprint(filled.store) == before


def test_update_replaces_lines_and_logs_an_import(filled: Desk, tmp_path: Path) -> None:
    uid = filled.orders.find(reference="REF-0")
    assert uid
    o = filled.orders.get(uid)
    keep = o.lines[0]
    lines = write_csv(tmp_path / "l.csv", [
        list(LINE_COLUMNS),
        [keep.id, uid, "", "1", keep.item_code, "changed text", "7", "m", "3.2", "0",
         "VAT 21%", "true"],
        ["", "", "REF-0", "2", "NEW-ITEM", "", "1", "pcs", "1", "0", "", "true"]])
    bob = filled.as_actor(Actor("bob", "Bob Importer"))
    plan = plan_import(bob, [lines])
    assert plan.ok, plan.problems
    assert (plan.new_orders, plan.updated_orders) == (0, 1)
    assert apply_import(bob, plan).updated == 1
    after = filled.orders.get(uid)
    assert after.version == o.version + 1
    # the row without LineId takes the place of the second line; the third is deleted
    assert [(ln.id, ln.item_code, ln.description, ln.quantity) for ln in after.lines] == [
        (keep.id, keep.item_code, "changed text", Decimal(7)),
        (o.lines[1].id, "NEW-ITEM", "", Decimal(1))]
    assert filled.store.execute("SELECT active FROM order_line WHERE uuid = ?",
                                [o.lines[2].id]).fetchone()[0] in (0, False)
    logs = filled.attachments.logs(uid)
    assert logs[0].title == "Imported" and logs[0].actor == "Bob Importer"
    events = filled.history.timeline(uid)
    assert {e.actor_id for e in events if e.revision == events[0].revision} == {"bob"}
    assert any(e.change == "deleted" and e.entity_type == "line" for e in events)
    # the same file again: nothing changes
    before = fingerprint(filled.store)
    plan = plan_import(bob, [lines])
    assert plan.ok and plan.updated_orders == 0 and plan.unchanged_orders == 1
    apply_import(bob, plan)
    assert fingerprint(filled.store) == before


def test_header_update_by_reference_keeps_lines(filled: Desk, tmp_path: Path) -> None:
    uid = filled.orders.find(reference="REF-1")
    o = filled.orders.get(uid)  # type: ignore[arg-type]
    orders = write_csv(tmp_path / "o.csv", [["OrderReference", "CustomerCode", "OrderDate", "Site"],
                                            ["REF-1", o.customer_code, "2026-03-02", "New site"]])
    plan = plan_import(filled, [orders])
    assert plan.ok and plan.updated_orders == 1, plan.problems
    apply_import(filled, plan)
    after = filled.orders.get(uid)  # type: ignore[arg-type]
    assert after.site == "New site" and after.notes == o.notes
    assert [ln.id for ln in after.lines] == [ln.id for ln in o.lines]


def test_rows_changing_a_sent_order_are_errors(filled: Desk, tmp_path: Path) -> None:
    uid = filled.orders.find(reference="REF-2")
    filled.lifecycle.send(uid)  # type: ignore[arg-type]
    o = filled.orders.get(uid)  # type: ignore[arg-type]
    orders = write_csv(tmp_path / "o.csv", [["OrderId", "CustomerCode", "OrderDate", "Site"],
                                            [uid, o.customer_code, "2026-03-03", "Changed"]])
    before = fingerprint(filled.store)
    plan = plan_import(filled, [orders])
    assert not plan.ok
    assert [(p.row, p.column) for p in plan.problems] == [(2, "Stage")]
    assert "sent" in plan.problems[0].reason and "locked" in plan.problems[0].reason
    with pytest.raises(ImportRefused):
        apply_import(filled, plan)
    assert fingerprint(filled.store) == before
    same = write_csv(tmp_path / "s.csv", [["OrderId", "CustomerCode", "OrderDate"],
                                          [uid, o.customer_code, "2026-03-03"]])
    assert plan_import(filled, [same]).unchanged_orders == 1  # unchanged rows are fine


@pytest.mark.parametrize("delimiter,bom", [(",", True), (";", False), ("\t", True)])
def test_csv_dialects(desk: Desk, tmp_path: Path, delimiter: str, bom: bool) -> None:
    f = write_csv(tmp_path / "o.txt", [["customercode", " OrderDate ", "Notes", "OrderReference"],
                                       ["C1", "2026-01-02", "multi\nline; with, \"quotes\"", "R1"]],
                  delimiter=delimiter, bom=bom)
    plan = plan_import(desk, [f])
    assert plan.ok, plan.problems
    apply_import(desk, plan)
    o = desk.orders.get(desk.orders.find(reference="R1"))  # type: ignore[arg-type]
    assert o.notes == "multi\nline; with, \"quotes\"" and o.order_date == date(2026, 1, 2)


def test_xlsx_round_trip_into_an_empty_company(filled: Desk, tmp_path: Path) -> None:
    from orderdesk.core import create_company

    export_xlsx(filled, None, tmp_path / "x.xlsx")
    other = Desk(filled.store, create_company(filled.store, "Other Co", "EUR").id)
    other.catalog.create_customers([("C1", "Customer One"), ("C2", "Zákazník Dva")])
    plan = plan_import(other, [tmp_path / "x.xlsx"])
    # the order ids belong to the first company: a second company cannot take them
    assert not plan.ok and {p.column for p in plan.problems} == {"OrderId", "LineId"}
    assert plan.problem_count == 12 and "another company" in plan.problems[0].reason
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    for ws in (wb["Orders"], wb["Lines"]):
        for row in ws.iter_rows(min_row=2):
            row[0].value = None  # drop OrderId / LineId: link lines by reference
            if ws.title == "Lines":
                row[1].value = None
    wb.save(tmp_path / "y.xlsx")
    plan = plan_import(other, [tmp_path / "y.xlsx"])
    assert plan.ok, plan.problems
    apply_import(other, plan)
    for ref in ("REF-0", "REF-1", "REF-2"):
        a = filled.orders.get(filled.orders.find(reference=ref))  # type: ignore[arg-type]
        b = other.orders.get(other.orders.find(reference=ref))  # type: ignore[arg-type]
        assert (a.notes, a.site, a.customer_reference, a.order_date, a.delivery_date) == \
            (b.notes, b.site, b.customer_reference, b.order_date, b.delivery_date)
        assert [(x.description, x.quantity, x.unit_price, x.discount, x.total) for x in a.lines] \
            == [(x.description, x.quantity, x.unit_price, x.discount, x.total) for x in b.lines]
        assert a.totals.grand_total == b.totals.grand_total


def test_cancel_writes_nothing(filled: Desk, tmp_path: Path) -> None:
    export_zip(filled, None, tmp_path / "x.zip")
    files = unzip(tmp_path / "x.zip", tmp_path / "x")
    from orderdesk.core import create_company

    other = Desk(filled.store, create_company(filled.store, "Other Co", "EUR").id)
    # blank the ids so the plan is valid for the second company (lines link by reference)
    for f in files:
        rows = read_csv(f)
        blank = 1 if f.name == "orders.csv" else 2
        write_csv(f, [rows[0]] + [[""] * blank + r[blank:] for r in rows[1:]])
    plan = plan_import(other, files)
    assert plan.ok, plan.problems
    before = fingerprint(filled.store)
    with pytest.raises(Cancelled):
        apply_import(other, plan, lambda done, total: done == 0)
    assert fingerprint(filled.store) == before
    with pytest.raises(Cancelled):
        plan_import(other, files, lambda done, total: False)
    assert apply_import(other, plan).created == 3
    assert other.listing.count(OrderQuery(stages=())) == 3
