"""Import from the window: preview counts, the problem list, commit, cancel, templates."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QApplication, QDialog

from orderdesk.core import Desk, Store, Tax
from orderdesk.core.catalog import ItemDoc
from orderdesk.ui.actions import A
from orderdesk.ui.exchange import ImportPreviewDialog
from orderdesk.ui.mainwindow import MainWindow
from orderdesk.ui.order_model import COLUMN_KEYS
from tests.exchange.conftest import fingerprint
from tests.ui.conftest import Answers, make_orders

from .conftest import Given, cancel_when, export_with, save_shot

ORDERS = ["OrderId", "OrderNumber", "OrderReference", "CustomerReference", "CustomerCode",
          "CustomerName", "OrderDate", "DeliveryDate", "Site", "Currency", "Stage", "Status",
          "Notes", "Active"]
LINES = ["LineId", "OrderId", "OrderReference", "Position", "ItemCode", "Description",
         "Quantity", "Unit", "UnitPrice", "DiscountPercent", "Taxes", "Active"]


def order(ref: str, code: str, name: str = "", day: str = "2026-05-04") -> list[str]:
    return ["", "", ref, f"PO of {ref}", code, name, day, "", "Yard", "EUR", "", "", "", ""]


def line(ref: str, pos: int, code: str, qty: str, price: str = "2.50") -> list[str]:
    return ["", "", ref, str(pos), code, f"{code} no. {pos}", qty, "m", price, "0", "VAT 21%", ""]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return str(path)


def shown(w: MainWindow, key: str) -> list[str]:
    c = COLUMN_KEYS.index(key)
    return [w.model.data(w.model.index(r, c)) for r in range(w.model.rowCount())]


class Preview:
    """Answers the preview dialog: looks at it (and shows it for a screenshot), then decides."""

    def __init__(self, qtbot: Any, accept: bool) -> None:
        self.qtbot, self.accept = qtbot, accept
        self.dialogs: list[ImportPreviewDialog] = []

    def __call__(self, dlg: QDialog) -> bool:
        assert isinstance(dlg, ImportPreviewDialog)
        self.dialogs.append(dlg)
        dlg.show()
        self.qtbot.waitExposed(dlg)
        if self.accept and dlg.import_button.isEnabled():
            dlg.import_button.click()
        else:
            dlg.reject()
        return dlg.result() == QDialog.DialogCode.Accepted

    @property
    def dlg(self) -> ImportPreviewDialog:
        assert len(self.dialogs) == 1
        return self.dialogs[0]


def counts(dlg: ImportPreviewDialog) -> dict[str, str]:
    return {k: v.text() for k, v in dlg.counts.items()}


@pytest.fixture
def catalogue(ui_desk: Desk) -> Desk:
    ui_desk.catalog.create_customers([("C1", "Acme Steel")])
    ui_desk.catalog.save_item(ItemDoc("BOLT-M12", "Hex bolt M12", "pcs", Decimal("0.40"),
                                      [Tax("VAT", Decimal(21))], Decimal("0.05")))
    return ui_desk


def good_files(d: Path) -> list[str]:
    return [write_csv(d / "orders.csv", [ORDERS, order("REF-1", "C1"),
                                         order("REF-2", "NEW-1", "Nová Firma s.r.o.")]),
            write_csv(d / "lines.csv", [LINES, line("REF-1", 1, "BOLT-M12", "100", "0.40"),
                                        line("REF-1", 2, "FREE-A", "1.5"),
                                        line("REF-2", 1, "FREE-B", "3")], delimiter=";")]


def test_preview_counts_then_import_shows_the_new_orders(
        qtbot: Any, window: MainWindow, catalogue: Desk, ui_store: Store, answers: Answers,
        given: Given, out_dir: Path, tmp_path: Path) -> None:
    given.open = good_files(out_dir)
    before = fingerprint(ui_store)
    preview = Preview(qtbot, accept=True)

    def look(dlg: QDialog) -> bool:
        assert isinstance(dlg, ImportPreviewDialog)
        assert counts(dlg) == {"new_orders": "2", "updated_orders": "0", "unchanged_orders": "0",
                               "lines": "3", "new_customers": "1",
                               "free_item_codes": "2 (on 2 lines; free lines are allowed)"}
        assert dlg.problems.isHidden() and dlg.import_button.isEnabled()
        assert fingerprint(ui_store) == before  # a preview writes nothing
        assert "orders.csv (orders table), lines.csv (lines table)" in \
            dlg.findChild(type(dlg.headline), "files").text()
        dlg.show()
        qtbot.waitExposed(dlg)
        save_shot(dlg, "import-preview.png", tmp_path)
        return preview(dlg)

    answers.on_dialog = look
    window.actions_[A.IMPORT].trigger()
    assert answers.errors == []
    assert answers.infos == [("Imported from orders.csv, lines.csv:\n2 new orders, 0 updated, "
                             "3 lines, 1 new customer.")]
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)  # the list follows the change notice
    assert sorted(shown(window, "customer_name")) == ["Acme Steel", "Nová Firma s.r.o."]
    assert sorted(shown(window, "customer_reference")) == ["PO of REF-1", "PO of REF-2"]
    o = catalogue.orders.get(catalogue.orders.find(reference="REF-1"))  # type: ignore[arg-type]
    assert [(ln.item_code, ln.quantity) for ln in o.lines] == [("BOLT-M12", Decimal(100)),
                                                               ("FREE-A", Decimal("1.5"))]
    assert o.totals.grand_total == Decimal("48.40") + Decimal("4.54")


def test_bad_files_list_every_problem_with_import_disabled(
        qtbot: Any, window: MainWindow, catalogue: Desk, ui_store: Store, answers: Answers,
        given: Given, out_dir: Path, tmp_path: Path) -> None:
    given.open = [
        write_csv(out_dir / "orders.csv", [ORDERS, order("REF-1", "C1", day="2026-13-01"),
                                           order("REF-2", "NOBODY"), order("REF-3", "C1"),
                                           order("REF-3", "C1")]),
        write_csv(out_dir / "lines.csv", [LINES, line("REF-1", 1, "BOLT-M12", "lots"),
                                          line("REF-404", 1, "BOLT-M12", "1")]),
    ]
    before = fingerprint(ui_store)
    preview = Preview(qtbot, accept=True)  # would press Import if it could
    answers.on_dialog = preview
    window.actions_[A.IMPORT].trigger()
    dlg = preview.dlg
    assert not dlg.import_button.isEnabled()
    assert "Nothing can be imported" in dlg.headline.text()
    t = dlg.problems
    assert [t.horizontalHeaderItem(c).text() for c in range(4)] == ["File", "Row", "Column",
                                                                      "Reason"]
    table = [tuple(t.item(r, c).text() for c in range(4)) for r in range(t.rowCount())]
    where = {(f, row, col) for f, row, col, _ in table}
    assert ("orders.csv", "2", "OrderDate") in where
    assert ("orders.csv", "3", "CustomerCode") in where
    assert ("lines.csv", "2", "Quantity") in where
    assert ("orders.csv", "5", "OrderReference") in where  # REF-3 a second time
    assert ("lines.csv", "3", "OrderReference") in where  # no order REF-404 anywhere
    assert all(reason for *_x, reason in table)
    assert [r[:2] for r in table] == [("orders.csv", "2"), ("orders.csv", "3"),
                                      ("orders.csv", "5"), ("lines.csv", "2"), ("lines.csv", "3")]
    dlg.show()
    qtbot.waitExposed(dlg)
    save_shot(dlg, "import-preview-problems.png", tmp_path)
    dlg.copy_button.click()
    copied = [r.split("\t") for r in QApplication.clipboard().text().splitlines()]
    assert copied[0] == ["File", "Row", "Column", "Reason"]
    assert [(Path(f).name, row, col, why) for f, row, col, why in copied[1:]] == table
    assert fingerprint(ui_store) == before
    assert window.model.rowCount() == 0 and answers.infos == []


def test_reimporting_an_export_changes_nothing(qtbot: Any, window: MainWindow, ui_desk: Desk,
                                               ui_store: Store, answers: Answers, given: Given,
                                               out_dir: Path) -> None:
    make_orders(ui_desk, 4)
    window.refresh()
    answers.on_dialog = export_with(fmt="zip", scope="company")
    given.save = str(out_dir / "all.zip")
    window.actions_[A.EXPORT_ZIP].trigger()
    with zipfile.ZipFile(out_dir / "all.zip") as zf:
        zf.extractall(out_dir)
    given.open = [str(out_dir / "orders.csv"), str(out_dir / "order-line-items.csv")]
    before = fingerprint(ui_store)
    preview = Preview(qtbot, accept=True)
    answers.on_dialog = preview
    window.actions_[A.IMPORT].trigger()
    assert counts(preview.dlg)["unchanged_orders"] == "4"
    assert "nothing to import" in preview.dlg.headline.text()
    assert not preview.dlg.import_button.isEnabled()
    assert fingerprint(ui_store) == before


def test_an_xlsx_file_imports_too(qtbot: Any, window: MainWindow, catalogue: Desk,
                                  answers: Answers, given: Given, out_dir: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ORDERS)
    ws.append(order("X-1", "C1"))
    wb.save(out_dir / "orders.xlsx")
    given.open = [str(out_dir / "orders.xlsx")]
    preview = Preview(qtbot, accept=True)
    answers.on_dialog = preview
    window.actions_[A.IMPORT].trigger()
    assert counts(preview.dlg)["new_orders"] == "1"
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert shown(window, "customer_reference") == ["PO of X-1"]


def test_cancel_while_writing_the_import_writes_nothing(
        qtbot: Any, window: MainWindow, catalogue: Desk, ui_store: Store, answers: Answers,
        given: Given, out_dir: Path) -> None:
    # More orders than one write batch, so Cancel lands after some were already written.
    given.open = [write_csv(out_dir / "orders.csv",
                            [ORDERS] + [order(f"R-{i:05d}", "C1") for i in range(2100)])]
    before = fingerprint(ui_store)
    runs = cancel_when(window, lambda done, total: total > 0 and done > 0)
    answers.on_dialog = Preview(qtbot, accept=True)
    window.actions_[A.IMPORT].trigger()
    assert [r.cancelled for r in runs] == [False, True]  # read fully, then cancelled writing
    assert fingerprint(ui_store) == before
    assert answers.infos == [] and answers.errors == []
    assert "cancelled; nothing was written" in window.statusBar().currentMessage()
    qtbot.wait(10)
    assert window.model.rowCount() == 0


def test_cancel_while_reading_shows_no_preview(qtbot: Any, window: MainWindow, catalogue: Desk,
                                               answers: Answers, given: Given,
                                               out_dir: Path) -> None:
    given.open = [write_csv(out_dir / "orders.csv",
                            [ORDERS] + [order(f"R-{i:05d}", "C1") for i in range(4100)])]
    runs = cancel_when(window, lambda done, total: done > 0)
    answers.on_dialog = Preview(qtbot, accept=True)
    window.actions_[A.IMPORT].trigger()
    assert [r.cancelled for r in runs] == [True]
    assert answers.dialogs == [] and answers.errors == []
    assert "Import cancelled" in window.statusBar().currentMessage()


def test_three_files_are_refused(window: MainWindow, answers: Answers, given: Given,
                                 out_dir: Path) -> None:
    given.open = good_files(out_dir) + [str(out_dir / "orders.csv")]
    window.actions_[A.IMPORT].trigger()
    assert answers.errors and "one or two files" in answers.errors[0]
    assert answers.dialogs == []


def test_junk_is_a_problem_in_the_preview(qtbot: Any, window: MainWindow, ui_store: Store,
                                          answers: Answers, given: Given, out_dir: Path) -> None:
    junk = out_dir / "orders.xlsx"
    junk.write_bytes(bytes(range(256)) * 64)
    given.open = [str(junk)]
    before = fingerprint(ui_store)
    preview = Preview(qtbot, accept=True)
    answers.on_dialog = preview
    window.actions_[A.IMPORT].trigger()
    dlg = preview.dlg
    assert not dlg.import_button.isEnabled() and dlg.problems.rowCount() >= 1
    assert dlg.problems.item(0, 0).text() == "orders.xlsx"
    assert fingerprint(ui_store) == before


def test_templates_are_written_and_import_cleanly(qtbot: Any, window: MainWindow, ui_desk: Desk,
                                                  answers: Answers, given: Given,
                                                  out_dir: Path) -> None:
    given.save = str(out_dir / "templates")
    window.actions_[A.IMPORT_TEMPLATES].trigger()
    path = out_dir / "templates.zip"
    assert answers.infos and answers.infos[0].startswith(str(path))
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["order-line-items-template.csv", "orders-template.csv"]
        zf.extractall(out_dir)
    orders = list(csv.reader(io.StringIO(
        (out_dir / "orders-template.csv").read_text("utf-8-sig"), newline="")))
    lines = list(csv.reader(io.StringIO(
        (out_dir / "order-line-items-template.csv").read_text("utf-8-sig"), newline="")))
    assert (orders[0], lines[0]) == (ORDERS, LINES)
    assert len(orders) == len(lines) == 2
    given.open = [str(out_dir / "orders-template.csv"),
                  str(out_dir / "order-line-items-template.csv")]
    preview = Preview(qtbot, accept=False)
    answers.on_dialog = preview
    window.actions_[A.IMPORT].trigger()
    assert counts(preview.dlg)["new_orders"] == "1" and counts(preview.dlg)["lines"] == "1"
    assert counts(preview.dlg)["new_customers"] == "1"
    assert preview.dlg.import_button.isEnabled()


def test_a_long_problem_list_says_how_many_are_not_listed(
        qtbot: Any, window: MainWindow, catalogue: Desk, answers: Answers, given: Given,
        out_dir: Path) -> None:
    given.open = [write_csv(out_dir / "orders.csv", [ORDERS] + [
        order(f"R-{i}", "C1", day=f"2026-02-{30 + i % 2}") for i in range(250)])]
    preview = Preview(qtbot, accept=True)
    answers.on_dialog = preview
    window.actions_[A.IMPORT].trigger()
    dlg = preview.dlg
    listed = dlg.problems.rowCount()
    assert 0 < listed < 250 and "250 problems" in dlg.headline.text()
    assert dlg.more.text() == f"… and {250 - listed:,} more not listed (the first {listed:,} " \
                              "are shown)"
    assert dlg.problem_text().splitlines()[-1] == f"… and {250 - listed:,} more problems"
