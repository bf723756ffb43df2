"""Lines, paste, totals, undo/redo, validation and the item models of the editor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from orderdesk.core import Desk, Payment, Surcharge, Tax
from orderdesk.core.money import compute_totals
from orderdesk.ui.editor.window import OrderEditor
from orderdesk.ui.fmt import Formatter

from ..conftest import Answers
from .conftest import sample_order

SHEET = ("ItemCode\tQuantity\tUnitPrice\tDescription\tTaxes\r\n"
         "BOLT-M12\t250\t0,30\t\t\r\n"
         "PIPE-CU-22\t1 234,5\t7.95\tCopper, hard\tVAT 21%\r\n"
         "\"ODD\tONE\"\t2\t1\t\"quote \"\"x\"\"\"\tVAT 10%; Eco 0.5%\r\n")


def test_models_pass_qtmodeltester(qtmodeltester: Any, open_editor: Callable[..., OrderEditor],
                                   edesk: Desk) -> None:
    o = sample_order(surcharges=[Surcharge(Decimal(5), taxes=[Tax("VAT", Decimal(21))])])
    e = open_editor(edesk.orders.create(o).id)
    e.ops.paste(SHEET)
    e.panels["contact"].add()
    e.panels["attribute"].add()
    for model in e.doc.models.values():
        qtmodeltester.check(model, force_py=True)


def test_paste_tab_separated_rows_is_one_undo_step(open_editor: Callable[..., OrderEditor],
                                                  edesk: Desk) -> None:
    e = open_editor(edesk.orders.create(sample_order(lines=1)).id)
    e.grid.setCurrentIndex(e.doc.lines.index(0, 0))
    assert e.ops.paste(SHEET) == 3
    lines = e.doc.order.lines
    assert [ln.item_code for ln in lines] == ["BOLT-M12", "BOLT-M12", "PIPE-CU-22", "ODD\tONE"]
    assert lines[1].description == "Hex bolt M12" and lines[1].unit_price == Decimal("0.30")
    assert lines[2].quantity == Decimal("1234.5") and lines[2].description == "Copper, hard"
    assert [(t.name, t.rate) for t in lines[3].taxes] == [("VAT", 10), ("Eco", Decimal("0.5"))]
    assert lines[3].description == 'quote "x"' and not lines[3].in_catalogue
    e.doc.stack.undo()
    assert len(e.doc.order.lines) == 1
    e.doc.stack.redo()
    assert len(e.doc.order.lines) == 4
    # the same rows without a header, and copied back out exactly
    e.grid.selectAll()
    out = e.ops.copy()
    assert out.splitlines()[2].split("\t")[:3] == ["PIPE-CU-22", "Copper, hard", "1234.5"]
    assert e.save()
    assert [ln.item_code for ln in edesk.orders.get(e.doc.order.id).lines][-1] == "ODD\tONE"  # type: ignore[arg-type]




def test_totals_shown_equal_the_core(open_editor: Callable[..., OrderEditor],
                                     edesk: Desk) -> None:
    o = sample_order(lines=4, surcharges=[Surcharge(Decimal("12.5"), taxes=[Tax("VAT",
                                                                         Decimal(21))])])
    o.lines[1].discount = Decimal("12.5")
    o.lines[2].unit_price = Decimal("0.333")
    o.lines[2].taxes.append(Tax("Eco", Decimal("0.5")))
    uid = edesk.orders.create(o).id
    assert uid is not None
    edesk.finance.save_payment(uid, Payment(Decimal("3.10"), o.order_date))
    e = open_editor(uid)
    assert e.ops.paste("PLANK-2x4\t\t3.333\n") == 1
    m = e.doc.lines
    m.setData(m.index(0, 5), "7,5")  # discount typed with a decimal comma
    e._show_totals()
    fmt = Formatter("en_US")

    def check() -> None:
        t = compute_totals("EUR", e.doc.order.lines, e.doc.order.surcharges, Decimal("3.10"))
        shown = e.totals.values
        assert shown["Grand total"] == fmt.money(t.grand_total, "EUR")
        assert shown["Balance"] == fmt.money(t.balance, "EUR")
        assert shown["Total tax"] == fmt.money(t.tax_total, "EUR")
        assert shown["Paid"] == "€3.10"
        for b in t.tax_breakdown:
            assert shown[f"{b.name} {fmt.number(b.rate)} % on {fmt.money(b.base, 'EUR')}"] == \
                fmt.money(b.amount, "EUR")
    check()
    assert e.save()
    stored = edesk.orders.get(uid).totals
    assert stored is not None
    assert e.totals.values["Grand total"] == fmt.money(stored.grand_total, "EUR")
    assert e.totals.values["Surcharges total"] == fmt.money(stored.surcharges_total, "EUR")
    check()


def test_undo_redo_typing_lines_and_compound_edits(qtbot: Any,
                                                   open_editor: Callable[..., OrderEditor],
                                                   edesk: Desk) -> None:
    e = open_editor(edesk.orders.create(sample_order(lines=6)).id)
    d, m = e.doc, e.doc.lines
    qtbot.keyClicks(e.header.site, "North yard")  # ten keystrokes: one step
    assert d.stack.count() == 1 and d.order.site == "North yard"
    e.header.site.editingFinished.emit()
    qtbot.keyClicks(e.header.site, "!")  # a new session after leaving the field
    assert d.stack.count() == 2
    e.undo()
    e.undo()
    assert d.order.site == "" and e.header.site.text() == ""
    e.redo()
    assert e.header.site.text() == "North yard"
    e.ops.add()
    m.setData(m.index(6, 0), "PIPE-CU-22")  # fills description, price, taxes: one step
    assert m.obj(6).unit_price == Decimal("7.95")
    before = d.stack.index()
    e.undo()
    assert m.obj(6).item_code == "" and m.obj(6).unit_price == 0
    e.undo()  # the add
    assert m.rowCount() == 6 and d.stack.index() == before - 2
    ids = [ln.id for ln in d.order.lines]
    e.grid.selectAll()
    e.ops.delete()  # six lines: one step
    assert m.rowCount() == 0
    e.undo()
    assert [ln.id for ln in d.order.lines] == ids
    e.grid.setCurrentIndex(m.index(2, 1))
    e.ops.duplicate()
    assert m.obj(3).description == m.obj(2).description and m.obj(3).id != m.obj(2).id
    e.ops.move(-1)
    assert m.obj(2).id not in ids
    while d.stack.canUndo():
        e.undo()
    assert [ln.id for ln in d.order.lines] == ids and d.order.site == "" and not d.dirty


def test_bad_value_is_marked_and_blocks_saving(open_editor: Callable[..., OrderEditor],
                                               edesk: Desk, answers: Answers) -> None:
    e = open_editor(edesk.orders.create(sample_order(lines=2)).id)
    m = e.doc.lines
    m.setData(m.index(1, 5), "150")
    ix = m.index(1, 5)
    assert m.data(ix) == "150" and "must not exceed 100" in m.data(ix, 3)  # ToolTipRole
    assert not e.save() and "Line 2: discount “150”" in answers.errors[-1]
    m.setData(ix, "15")
    assert m.data(ix, 3) is None and e.save()
    assert edesk.orders.get(e.doc.order.id).lines[1].discount == 15  # type: ignore[arg-type]


def test_customer_brings_its_addresses_and_parties_save(open_editor: Callable[..., OrderEditor],
                                                        edesk: Desk, qtbot: Any) -> None:
    e = open_editor(None)
    e.header.customer.setText("C1")
    e.header.customer.editingFinished.emit()
    assert [a.street for a in e.doc.order.addresses] == ["1 Forge Rd"]
    assert e.ops.paste("BOLT-M12\t\t4\n") == 1
    cm = e.doc.models["contact"]
    e.panels["contact"].add()
    assert not e.save()  # the new contact's value is still empty
    cm.setData(cm.index(0, 3), "buyer@acme.example")
    e.panels["surcharge"].add()
    sm = e.doc.models["surcharge"]
    sm.setData(sm.index(0, 2), "9.90")
    e.panels["payment"].add()  # defaults to the balance
    e.panels["shipment"].add()
    shm = e.doc.models["shipment"]
    shm.setData(shm.index(0, 1), "1Z999")
    e.panels["attribute"].add()
    am = e.doc.models["attribute"]
    am.setData(am.index(0, 0), "dock")
    am.setData(am.index(0, 1), "4")
    assert e.save(), e.ui.errors
    o = edesk.orders.get(e.doc.order.id)  # type: ignore[arg-type]
    assert o.contacts[0].value == "buyer@acme.example" and o.attributes == {"dock": "4"}
    assert o.surcharges[0].amount == Decimal("9.9") and o.shipments[0].tracking_number == "1Z999"
    assert o.totals is not None and o.totals.is_paid and o.totals.balance == 0


def test_unit_prices_show_every_decimal(open_editor: Callable[..., OrderEditor],
                                        edesk: Desk) -> None:
    o = sample_order(lines=2)
    o.lines[0].unit_price = Decimal("1.482")
    e = open_editor(edesk.orders.create(o).id)
    m = e.doc.lines
    assert m.data(m.index(0, 4)) == "€1.482" and m.data(m.index(1, 4)) == "€0.35"
    assert m.data(m.index(0, 1), 3) == "Bolt 1"  # the full description as a tooltip
