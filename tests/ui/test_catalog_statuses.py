"""Customers and items windows, and the status settings dialog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from orderdesk.core import Desk, ValidationError
from orderdesk.ui.catalog import CustomersWindow, ItemsWindow, parse_taxes
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.statuses import StatusDialog

from .conftest import Answers


def test_customers_list_search_add_edit_deactivate(qtbot: Any, qtmodeltester: Any,
                                                   ui_desk: Desk, answers: Answers) -> None:
    ui_desk.catalog.create_customers([("C1", "Acme Steel"), ("C2", "Zebra Werkzeug")])
    w = CustomersWindow(ui_desk, Formatter("en_US"), answers)
    qtbot.addWidget(w)
    qtmodeltester.check(w.model, force_py=False)
    assert w.model.rowCount() == 2
    qtbot.keyClicks(w.search, "zeb")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    assert w.model.docs[0].code == "C2"
    w.search.clear()
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)

    def fill(d: Any) -> bool:
        d.code.setText("C3")
        d.name.setText("Новый клиент")
        d.org.setText("CZ12345678")
        return True

    answers.on_dialog = fill
    w.add()
    assert ui_desk.catalog.customer("C3").organisation_id == "CZ12345678"
    assert w.current().code == "C3"

    def rename(d: Any) -> bool:
        assert d.code.isReadOnly()
        d.name.setText("Acme Steel a.s.")
        return True

    w.table.selectRow(0)
    answers.on_dialog = rename
    w.edit()
    assert ui_desk.catalog.customer("C1").name == "Acme Steel a.s."
    w.table.selectRow(0)
    assert w.toggle_button.text() == "&Deactivate"
    w.toggle_active()
    assert not ui_desk.catalog.customer("C1").active
    assert [d.code for d in w.model.docs] == ["C2", "C3"]  # inactive ones hidden
    w.show_inactive.setChecked(True)
    assert [d.code for d in w.model.docs] == ["C1", "C2", "C3"]

    def empty_name(d: Any) -> bool:
        d.code.setText("C4")
        return True

    attempts = iter([empty_name, lambda d: False])
    answers.on_dialog = lambda d: next(attempts)(d)
    w.add()  # the core refuses; the form is shown again and the user cancels
    assert answers.errors and "name" in answers.errors[-1]


def test_items_window_with_money_and_taxes(qtbot: Any, qtmodeltester: Any, ui_desk: Desk,
                                           answers: Answers) -> None:
    w = ItemsWindow(ui_desk, Formatter("de_DE"), answers)
    qtbot.addWidget(w)

    def fill(d: Any) -> bool:
        d.code.setText("BOLT-M12")
        d.description.setText("Hex bolt M12×60")
        d.price.setText("0,38")
        d.taxes.setText("VAT 21%; Eco 0.5%")
        d.weight.setText("0.068")
        return True

    answers.on_dialog = fill
    w.add()
    item = ui_desk.catalog.item("BOLT-M12")
    assert item.price == Decimal("0.38") and [t.name for t in item.taxes] == ["VAT", "Eco"]
    qtmodeltester.check(w.model, force_py=False)
    assert w.model.data(w.model.index(0, 3)) == "0,38\xa0€"
    assert w.model.data(w.model.index(0, 4)) == "VAT 21%; Eco 0.5%"
    w.table.selectRow(0)
    w.toggle_active()
    assert not ui_desk.catalog.item("BOLT-M12").active


def test_parse_taxes() -> None:
    assert [(t.name, t.rate) for t in parse_taxes("VAT 21%; Eco levy 0.5 %")] == [
        ("VAT", Decimal(21)), ("Eco levy", Decimal("0.5"))]
    with pytest.raises(ValidationError):
        parse_taxes("VAT twenty")


def test_status_dialog_adds_renames_and_edits_transitions(qtbot: Any, ui_desk: Desk,
                                                          answers: Answers) -> None:
    dlg = StatusDialog(ui_desk, answers)
    qtbot.addWidget(dlg)
    assert ("pending", "paid") in dlg.pairs()
    assert dlg.add_status("on-hold", "On hold")
    assert "on-hold" in dlg.codes
    dlg.set_allowed("pending", "on-hold", True)
    dlg.set_allowed("on-hold", "pending", True)
    dlg.set_allowed("pending", "shipped", False)
    dlg.list.setCurrentRow(dlg.codes.index("on-hold"))
    assert dlg.rename_status("Waiting for customer")  # unsaved ticks survive this reload
    assert ("pending", "on-hold") in dlg.pairs()
    diagonal = dlg.matrix.item(0, 0)
    assert not diagonal.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert dlg.save_transitions()
    allowed = ui_desk.statuses.transitions()
    assert {("pending", "on-hold"), ("on-hold", "pending")} <= allowed
    assert ("pending", "shipped") not in allowed
    assert ui_desk.statuses.name("on-hold") == "Waiting for customer"
    assert not dlg.add_status("Bad Code!", "x")
    assert answers.errors
