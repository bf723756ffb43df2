"""Order confirmation, delivery note, invoice and batch PDFs, read back with pypdf."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from orderdesk.core import Desk, NotFound
from orderdesk.reports import Fmt, batch, confirmation, delivery_note, invoice

from tests.reports.conftest import NAMES, Pdf, add_lot, make_order

LONG = ("Hot-rolled steel plate S355J2+N according to EN 10025-2, cut to size with plasma, "
        "edges deburred, shot blasted and primed, tolerances per EN 10029 class B, "
        "delivered on wooden pallets with certificates 3.1 — Übergröße möglich, žádné vady")


def test_confirmation_has_unicode_text_every_script(rdesk: Desk) -> None:
    for i, name in enumerate(NAMES, 1):
        o = make_order(rdesk, 2, customer=f"C{i}")
        text = Pdf(confirmation(rdesk, o.id, Fmt("en_GB"))).text()
        assert name in text
    assert "Θεσσαλονίκη" in text and "Gdańsk" in text and "Сертификаты обязательны" in text


def test_long_order_repeats_header_numbers_pages_and_wraps(rdesk: Desk) -> None:
    o = make_order(rdesk, 70, description=LONG)
    pdf = Pdf(confirmation(rdesk, o.id, Fmt("de_DE")))
    pages = pdf.texts()
    assert len(pages) >= 3
    for n, text in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in text
        assert f"Order confirmation {o.number}" in text
        assert "Description" in text and "Unit price" in text  # the repeated header row
    whole = " ".join(pdf.text().split())
    # every line's full description is there: wrapped, not cut
    assert whole.count("Übergröße möglich, žádné vady") == 70
    for i in (1, 35, 70):
        assert f"ITEM-{i:03d}" in whole
    # only the embedded Unicode font (subsets are named XXXXXX+Name), no base-14 font at all
    assert pdf.fonts() and all("+" in f for f in pdf.fonts()), pdf.fonts()


def test_money_is_locale_aware_with_currency_decimals(rdesk: Desk) -> None:
    o = make_order(rdesk, 1)
    # 11 kg × 1234.5675 = 13580.2425 → 13 580,24; unit price keeps its four decimals
    de = " ".join(Pdf(confirmation(rdesk, o.id, Fmt("de_DE"))).text().split())
    assert "13.580,24 €" in de and "1.234,5675 €" in de and "VAT 21 %" in de
    assert "2.851,85 €" in de  # the tax, 21 % of 13 580.24 rounded half-up
    en = " ".join(Pdf(confirmation(rdesk, o.id, Fmt("en_GB"))).text().split())
    assert "€13,580.24" in en


def test_currency_without_decimals(rdesk: Desk) -> None:
    o = make_order(rdesk, 1, currency="JPY")
    text = " ".join(Pdf(confirmation(rdesk, o.id, Fmt("en_GB"))).text().split())
    assert re.search(r"JP¥13,580\b", text) and "13,580.24" not in text


def test_delivery_note_lists_lots_and_weights_without_prices(rdesk: Desk) -> None:
    o = make_order(rdesk, 2)
    lot = add_lot(rdesk, "ITEM-001", "H-77123")
    rdesk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    text = Pdf(delivery_note(rdesk, o.id, Fmt("en_GB"))).text()
    assert "Delivery note" in text and "H-77123" in text and "Received by" in text
    assert "€" not in text


def test_invoice_prints_the_upgraded_copy(rdesk: Desk) -> None:
    o = make_order(rdesk, 3)
    with pytest.raises(NotFound, match="no invoice"):
        invoice(rdesk, o.id)
    number = rdesk.lifecycle.upgrade_to_invoice(o.id)
    text = " ".join(Pdf(invoice(rdesk, o.id, Fmt("en_GB"))).text().split())
    assert f"Invoice {number}" in text and "Invoice (draft)" in text and o.number in text
    total = rdesk.orders.get(o.id).totals.grand_total  # type: ignore[union-attr]
    assert f"€{total:,}" in text


def test_batch_keeps_list_order_with_an_outline_entry_each(rdesk: Desk) -> None:
    orders = [make_order(rdesk, n, customer=f"C{n}") for n in (3, 1, 2)]
    progress: list[tuple[int, int]] = []
    pdf = Pdf(batch(rdesk, [o.id for o in orders], "delivery-note", Fmt("en_GB"),
                    lambda d, t: progress.append((d, t)) is None))
    assert pdf.outline_titles() == [f"{o.number} · {o.customer_name}" for o in orders]
    reader = pdf.reader
    starts = [reader.get_destination_page_number(d) for d in reader.outline]  # type: ignore[arg-type]
    assert starts == sorted(starts) and starts[0] == 0
    for o, start in zip(orders, starts):
        assert o.number in reader.pages[start].extract_text()
    assert progress[-1] == (3, 3)


def test_batch_cancel_raises(rdesk: Desk) -> None:
    from orderdesk.reports import Cancelled

    o = make_order(rdesk, 1)
    with pytest.raises(Cancelled):
        batch(rdesk, [o.id, o.id], "confirmation", progress=lambda d, t: d < 1)


def test_price_keeps_needed_decimals() -> None:
    f = Fmt("en_GB")
    assert f.price(Decimal("0.0725"), "EUR") == "€0.0725"
    assert f.price(Decimal("3.2"), "EUR") == "€3.20"
    assert f.money(Decimal("1234.5"), "KWD") == "KWD1,234.500"
