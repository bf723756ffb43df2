"""The order list model: pages, sorting in the database, formatting, following changes."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from orderdesk.core import Desk, OrderQuery
from orderdesk.ui.fmt import Formatter
from orderdesk.ui.order_model import COLUMN_KEYS, OrderListModel

from .conftest import make_orders


def col(key: str) -> int:
    return COLUMN_KEYS.index(key)


def test_model_passes_qtmodeltester(qtmodeltester: Any, ui_desk: Desk) -> None:
    make_orders(ui_desk, 450)
    model = OrderListModel(ui_desk.listing, Formatter("en_US"))
    model.PAGE = 50
    qtmodeltester.check(model, force_py=False)
    model.sort(col("customer_reference"), Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model, force_py=False)


def test_every_row_matches_a_plain_listing_whatever_the_page_path(ui_desk: Desk) -> None:
    make_orders(ui_desk, 530)
    model = OrderListModel(ui_desk.listing, Formatter("en_US"))
    model.PAGE = 40
    model.CACHE_PAGES = 3
    expected = ui_desk.listing.uuids(model.query)
    assert model.rowCount() == 530
    # the end first (reverse keyset), then backwards, then a far jump (offset), then forwards
    order = [529, 500, 460, 420, 250, 251, 300, 0, 41, 90]
    for r in order:
        assert model.uuid(r) == expected[r], r
    assert model.fetches["reverse"] >= 2 and model.fetches["offset"] >= 1
    assert model.fetches["keyset"] >= 2
    assert len(model._pages) <= 3  # the cache stays small however far the user scrolls
    assert [model.uuid(r) for r in range(530)] == expected


def test_sorting_is_done_by_the_core(ui_desk: Desk) -> None:
    make_orders(ui_desk, 30)
    model = OrderListModel(ui_desk.listing, Formatter("en_US"))
    model.sort(col("customer_reference"), Qt.SortOrder.AscendingOrder)
    assert model.query.sort == "customer_reference" and not model.query.descending
    shown = [model.data(model.index(r, col("customer_reference"))) for r in range(30)]
    assert shown == sorted(shown) and shown[0] == "PO-00000"
    model.sort(col("grand_total"), Qt.SortOrder.DescendingOrder)
    totals = [model.row(r).grand_total for r in range(30)]  # type: ignore[union-attr]
    assert totals == sorted(totals, reverse=True)


def test_money_and_dates_follow_the_locale(ui_desk: Desk) -> None:
    make_orders(ui_desk, 1)
    de = OrderListModel(ui_desk.listing, Formatter("de_DE"))
    en = OrderListModel(ui_desk.listing, Formatter("en_US"))
    # 1 × 12.50 + 21 % VAT = 15.13 (2.625 rounds half-up)
    assert de.data(de.index(0, col("grand_total"))) == "15,13\xa0€"
    assert en.data(en.index(0, col("grand_total"))) == "€15.13"
    assert de.data(de.index(0, col("order_date"))) == "01.01.2026"
    assert en.data(en.index(0, col("order_date"))) == "Jan 1, 2026"
    right = en.data(en.index(0, col("grand_total")), Qt.ItemDataRole.TextAlignmentRole)
    assert right & int(Qt.AlignmentFlag.AlignRight)


def test_empty_cells_are_empty_text_and_bad_indexes_have_no_data(ui_desk: Desk) -> None:
    make_orders(ui_desk, 2)
    model = OrderListModel(ui_desk.listing, Formatter("en_US"))
    assert model.data(model.index(0, col("delivery_date"))) == ""
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None


def test_painting_a_large_list_keeps_none_alive(qtbot: Any, ui_desk: Desk) -> None:
    """Paints 5,000+ rows; a binding that drops a reference to None per data() call
    (PySide6 6.12's none_dealloc abort on Python 3.11) shows up as a falling refcount."""
    make_orders(ui_desk, 5200)
    model = OrderListModel(ui_desk.listing, Formatter("en_US"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1200, 900)
    view.show()
    qtbot.waitExposed(view)
    before = sys.getrefcount(None)
    painted = 0
    rows_per_screen = max(1, view.viewport().height() // view.rowHeight(0))
    for top in range(0, model.rowCount(), rows_per_screen):
        view.scrollTo(model.index(top, 0), QTableView.ScrollHint.PositionAtTop)
        view.viewport().grab()  # a real paint of every visible cell
        painted += rows_per_screen
    assert painted >= 5000
    assert sys.getrefcount(None) > before - 1000


def test_changes_refresh_rows_in_place_or_reload(ui_desk: Desk) -> None:
    uuids = make_orders(ui_desk, 20)
    model = OrderListModel(ui_desk.listing, Formatter("en_US"))
    captured: list[Any] = []
    ui_desk.store.subscribe(captured.append)
    model.row(0)
    r = model.find_cached(uuids[5])
    assert r is not None
    ui_desk.lifecycle.set_status([uuids[5]], "paid")
    assert model.apply_changes(captured[-1]) == "rows"
    assert model.data(model.index(r, col("status"))) == "paid"
    ui_desk.orders.delete([uuids[5]])
    assert model.apply_changes(captured[-1]) == "reload"
    assert model.rowCount() == 19 and model.find_cached(uuids[5]) is None
    deleted = OrderListModel(ui_desk.listing, Formatter("en_US"))
    deleted.set_query(OrderQuery(deleted=True))
    assert deleted.rowCount() == 1 and deleted.uuid(0) == uuids[5]


def test_the_first_page_shows_before_the_count_arrives(qtmodeltester: Any, ui_desk: Desk) -> None:
    make_orders(ui_desk, 130)
    pending: list[tuple[OrderQuery, Any]] = []

    class Small(OrderListModel):
        PAGE = 50

    model = Small(ui_desk.listing, Formatter("en_US"),
                  count_async=lambda q, done: pending.append((q, done)))
    assert model.counting and model.rowCount() == 50  # the first page, at once
    assert model.fetches["keyset"] == 1 and len(pending) == 1
    inserted: list[tuple[int, int]] = []
    counts: list[int] = []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.counted.connect(counts.append)
    q, done = pending.pop()
    done(ui_desk.listing.count(q))
    assert not model.counting and model.rowCount() == 130
    assert inserted == [(50, 129)] and counts == [130]
    assert [model.uuid(r) for r in range(130)] == ui_desk.listing.uuids(model.query)
    qtmodeltester.check(model, force_py=False)
    # a count that arrives after the query changed is ignored
    model.set_query(model.query.with_(text="nothing-matches-this"))
    assert model.rowCount() == 0 and not pending  # one page, no more: no count needed
    model.set_query(model.query.with_(text=""))
    stale = pending.pop()
    model.set_query(model.query.with_(sort="customer_reference"))
    stale[1](999)
    assert model.counting and model.rowCount() == 50
    pending.pop()[1](130)
    assert model.rowCount() == 130
