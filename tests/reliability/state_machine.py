"""A hypothesis state machine over the core: random order work, checked against a model.

The test (test_state_machine.py) runs it briefly in CI; bench/bench_state_machine.py runs
it at length. Money is checked against an independent Decimal oracle of the SPEC's rules.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule,
)

from orderdesk.core import (
    Actor, Desk, Line, LockedError, Order, Payment, StockError, Surcharge, Tax, ValidationError,
    create_company, open_store,
)
from orderdesk.core.docs import header_fields, line_fields
from orderdesk.core.inventory import Lot
from orderdesk.core.money import from_fixed

CENT = Decimal("0.01")
LOTS = {"Lot A": Decimal(40), "Lot B": Decimal("25.5")}
TAXES = [(), (("VAT", Decimal(21)),), (("VAT", Decimal(10)), ("Eco", Decimal("0.5")))]

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(60), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(999), places=2)
discounts = st.sampled_from([Decimal(0), Decimal(5), Decimal("12.5"), Decimal("33.33")])
descriptions = st.sampled_from(["", "Pine plank", "Oak beam", "Zářez 3"])
line_specs = st.tuples(quantities, prices, discounts, st.sampled_from(TAXES), descriptions)
picks = st.integers(min_value=0, max_value=10**6)


@dataclass
class ModelLine:
    id: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    taxes: tuple[tuple[str, Decimal], ...]
    description: str


@dataclass
class ModelOrder:
    id: str
    stage: str = "draft"
    active: bool = True
    lines: list[ModelLine] = field(default_factory=list)
    surcharge: tuple[Decimal, tuple[tuple[str, Decimal], ...]] | None = None
    paid: Decimal = Decimal(0)
    sent_doc: Any = None  # the document when it was sent (or upgraded): it must not change
    status: str = "pending"
    before_delete: str = "draft"


def _round(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def oracle(o: ModelOrder) -> dict[str, Decimal]:
    """The SPEC's money rules, written out independently of orderdesk.core.money.

    A deleted order shows (and counts) the lines deleted with it, as they were then.
    """
    products = surcharges = tax = ZERO = Decimal(0)
    for ln in o.lines:
        sub = _round(ln.quantity * ln.unit_price * (1 - ln.discount / 100))
        t = sum((_round(sub * rate / 100) for _, rate in ln.taxes), ZERO)
        products, tax = products + sub + t, tax + t
    if o.surcharge:
        sub = _round(o.surcharge[0])
        t = sum((_round(sub * rate / 100) for _, rate in o.surcharge[1]), ZERO)
        surcharges, tax = surcharges + sub + t, tax + t
    grand = products + surcharges
    return {"products_total": products, "surcharges_total": surcharges, "tax_total": tax,
            "grand_total": grand, "paid": o.paid, "balance": grand - o.paid,
            "total_quantity": sum((ln.quantity for ln in o.lines), ZERO)}


def document(o: Order) -> Any:
    """What the send lock covers, in comparable form."""
    return (header_fields(o), [(ln.id, line_fields(ln), ln.active) for ln in o.lines],
            [(s.id, s.kind, s.amount, s.taxes) for s in o.surcharges], o.addresses, o.contacts,
            o.attributes, o.totals.grand_total if o.totals else None)


class OrderDeskMachine(RuleBasedStateMachine):
    totals: dict[str, int] = {}  # steps run per rule, over every example (for the report)

    def __init__(self) -> None:
        super().__init__()
        # A real SQLite file with the real pragmas; on tmpfs where there is one, because this
        # machine checks rules, not fsync (the kill torture does that on a real disk).
        shm = Path("/dev/shm")
        self.tmp = Path(tempfile.mkdtemp(prefix="orderdesk-sm-",
                                         dir=shm if shm.is_dir() else None))
        self.store = open_store(self.tmp / "sm.sqlite3")
        self.desk = Desk(self.store, create_company(self.store, "SM Co", "EUR").id,
                         Actor("sm", "State Machine"))
        self.desk.catalog.create_customers([("C1", "Customer One")])
        for name, qty in LOTS.items():
            self.desk.inventory.save(Lot("PLANK", name, qty, lot=name[-1]))
        self.orders: list[ModelOrder] = []
        self.steps: dict[str, int] = {}

    def teardown(self) -> None:
        for k, n in self.steps.items():
            OrderDeskMachine.totals[k] = OrderDeskMachine.totals.get(k, 0) + n
        self.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- helpers ----
    def _count(self, name: str) -> None:
        self.steps[name] = self.steps.get(name, 0) + 1

    def _pick(self, pick: int, stage: str | None = None, active: bool = True) -> ModelOrder:
        cands = self._orders(stage, active)
        return cands[pick % len(cands)]

    def _orders(self, stage: str | None = None, active: bool = True) -> list[ModelOrder]:
        return [o for o in self.orders if o.active == active and stage in (None, o.stage)]

    def _draft_with_lines(self, pick: int) -> ModelOrder:
        cands = [o for o in self._orders("draft") if o.lines]
        return cands[pick % len(cands)]

    def _mark(self) -> int:
        return int(self.store.execute("SELECT COALESCE(MAX(id), 0) FROM history_event")
                   .fetchone()[0])

    def _events(self, mark: int) -> list[tuple[str, str, str, str | None]]:
        return sorted(tuple(r) for r in self.store.execute(  # type: ignore[misc]
            "SELECT change, entity_type, entity_id, field FROM history_event WHERE id > ?",
            [mark]).fetchall())

    # ---- rules ----
    @initialize(specs=st.lists(line_specs, min_size=1, max_size=4))
    def first_order(self, specs: list[Any]) -> None:
        self.create(specs, None)

    @rule(specs=st.lists(line_specs, min_size=1, max_size=4),
          surcharge=st.none() | st.tuples(prices, st.sampled_from(TAXES)))
    def create(self, specs: list[Any], surcharge: Any) -> None:
        self._count("create")
        doc = Order("C1", date(2026, 11, 2), lines=[
            Line("PLANK", q, p, description=d, discount=disc, taxes=[Tax(*t) for t in tx])
            for q, p, disc, tx, d in specs],
            surcharges=[Surcharge(surcharge[0], taxes=[Tax(*t) for t in surcharge[1]])]
            if surcharge else [])
        o = self.desk.orders.create(doc)
        self.orders.append(ModelOrder(o.id, lines=[  # type: ignore[arg-type]
            ModelLine(ln.id, q, p, disc, tx, d)  # type: ignore[arg-type]
            for ln, (q, p, disc, tx, d) in zip(o.lines, specs)], surcharge=surcharge))

    @precondition(lambda self: any(o.lines for o in self._orders("draft")))
    @rule(pick=picks, line=picks, quantity=st.none() | quantities, price=st.none() | prices,
          discount=st.none() | discounts, taxes=st.none() | st.sampled_from(TAXES),
          description=st.none() | descriptions, notes=st.none() | descriptions)
    def edit(self, pick: int, line: int, quantity: Any, price: Any, discount: Any, taxes: Any,
             description: Any, notes: Any) -> None:
        """Edits one line and maybe the notes: exactly one event per field that changed."""
        self._count("edit")
        m = self._draft_with_lines(pick)
        doc = self.desk.orders.get(m.id)
        ml = m.lines[line % len(m.lines)]
        dl = next(x for x in doc.lines if x.id == ml.id)
        expected = []
        for fname, new, old in (("quantity", quantity, ml.quantity),
                                ("unit_price", price, ml.unit_price),
                                ("discount", discount, ml.discount),
                                ("description", description, ml.description)):
            if new is not None:
                setattr(dl, fname, new)
                setattr(ml, fname, new)
                if new != old:
                    expected.append(("updated", "line", ml.id, fname))
        if taxes is not None:
            dl.taxes = [Tax(*t) for t in taxes]
            if taxes != ml.taxes:
                expected.append(("updated", "line", ml.id, "taxes"))
            ml.taxes = taxes
        if notes is not None:
            if notes != doc.notes:
                expected.append(("updated", "order", m.id, "notes"))
            doc.notes = notes
        mark = self._mark()
        saved = self.desk.orders.update(doc, doc.version)
        assert self._events(mark) == sorted(expected)
        assert saved.version == doc.version + (1 if expected else 0)

    @precondition(lambda self: self._orders("draft"))
    @rule(pick=picks, spec=line_specs)
    def add_line(self, pick: int, spec: Any) -> None:
        self._count("add_line")
        m = self._pick(pick, "draft")
        doc = self.desk.orders.get(m.id)
        q, p, disc, tx, d = spec
        doc.lines.append(Line("PLANK", q, p, description=d, discount=disc,
                              taxes=[Tax(*t) for t in tx]))
        mark = self._mark()
        saved = self.desk.orders.update(doc, doc.version)
        new = saved.lines[-1]
        m.lines.append(ModelLine(new.id, q, p, disc, tx, d))  # type: ignore[arg-type]
        assert self._events(mark) == [("created", "line", new.id, None)]

    @precondition(lambda self: any(o.lines for o in self._orders("draft")))
    @rule(pick=picks, line=picks)
    def remove_line(self, pick: int, line: int) -> None:
        """Removes a line: its deletion, its released reservations, later lines move up."""
        self._count("remove_line")
        m = self._draft_with_lines(pick)
        doc = self.desk.orders.get(m.id)
        idx = line % len(m.lines)
        gone = m.lines.pop(idx)
        released = [str(r[0]) for r in self.store.execute(
            "SELECT r.id FROM reservation r JOIN order_line l ON l.id = r.line_id WHERE "
            "l.uuid = ? AND r.active = ?", [gone.id, True])]
        doc.lines = [x for x in doc.lines if x.id != gone.id]
        mark = self._mark()
        self.desk.orders.update(doc, doc.version)
        expected = [("deleted", "line", gone.id, "active")]
        expected += [("updated", "line", x.id, "position") for x in m.lines[idx:]]
        expected += [("deleted", "reservation", r, "quantity") for r in released]
        assert self._events(mark) == sorted(expected)

    @precondition(lambda self: self.orders)
    @rule(pick=picks)
    def duplicate(self, pick: int) -> None:
        """Any order, deleted ones too, gives a new draft with its lines and no payments."""
        self._count("duplicate")
        m = self.orders[pick % len(self.orders)]
        mark = self._mark()
        new = self.desk.orders.duplicate(m.id)
        assert (new.stage, new.active, new.payments, new.shipments) == ("draft", True, [], [])
        assert len(new.lines) == len(m.lines)
        assert new.id and all(n.id for n in new.lines)
        self.orders.append(ModelOrder(new.id, lines=[
            ModelLine(str(n.id), x.quantity, x.unit_price, x.discount, x.taxes, x.description)
            for n, x in zip(new.lines, m.lines)], surcharge=m.surcharge))
        assert self._events(mark) == sorted(
            [("created", "order", new.id, None)]
            + [("created", "line", n.id, None) for n in new.lines])  # type: ignore[misc]

    @precondition(lambda self: self._orders())
    @rule(pick=picks)
    def delete(self, pick: int) -> None:
        self._count("delete")
        m = self._pick(pick)
        result = self.desk.orders.delete([m.id])
        if m.stage == "archived":  # invoiced: takes only attachments and log entries
            assert result.count == 0 and [u for u, _n in result.skipped] == [m.id]
            return
        m.active, m.before_delete = False, m.stage
        m.stage = "archived" if m.stage == "sent" else m.stage

    @precondition(lambda self: self._orders(active=False))
    @rule(pick=picks)
    def restore(self, pick: int) -> None:
        self._count("restore")
        m = self._pick(pick, active=False)
        self.desk.orders.restore([m.id])
        m.active, m.stage = True, m.before_delete

    @precondition(lambda self: self._orders("draft"))
    @rule(pick=picks)
    def send(self, pick: int) -> None:
        self._count("send")
        m = self._pick(pick, "draft")
        mark = self._mark()
        if not m.lines:
            try:
                self.desk.lifecycle.send(m.id)
            except ValidationError:
                assert self._events(mark) == []
                return
            raise AssertionError("an order without lines was sent")
        self.desk.lifecycle.send(m.id)
        m.stage = "sent"
        m.sent_doc = document(self.desk.orders.get(m.id))
        assert [e for e in self._events(mark) if e[0] == "updated"] == \
            [("updated", "order", m.id, "stage")]

    @precondition(lambda self: self._orders("sent"))
    @rule(pick=picks)
    def back_to_draft(self, pick: int) -> None:
        self._count("back_to_draft")
        m = self._pick(pick, "sent")
        self.desk.lifecycle.back_to_draft(m.id)
        m.stage, m.sent_doc = "draft", None

    @precondition(lambda self: self._orders("sent"))
    @rule(pick=picks, spec=line_specs)
    def edit_sent(self, pick: int, spec: Any) -> None:
        """Editing a sent order is refused and leaves no trace."""
        self._count("edit_sent")
        m = self._pick(pick, "sent")
        doc = self.desk.orders.get(m.id)
        doc.notes += " changed"
        doc.lines[0].quantity = spec[0] + 1
        mark = self._mark()
        try:
            self.desk.orders.update(doc, doc.version)
        except LockedError:
            assert self._events(mark) == []
            assert self.desk.orders.get(m.id).version == doc.version
            return
        raise AssertionError("a sent order was edited")

    @precondition(lambda self: any(o.lines for o in self.orders if o.active))
    @rule(pick=picks, lot=picks, quantity=st.none() | quantities)
    def reserve(self, pick: int, lot: int, quantity: Any) -> None:
        self._count("reserve")
        lines = [(ln.id, o) for o in self.orders if o.active for ln in o.lines]
        line, m = lines[pick % len(lines)]
        lots = self.desk.inventory.lots()
        target = lots[lot % len(lots)]
        try:
            self.desk.inventory.reserve(line, str(target.id), quantity)
            assert m.stage != "archived", "an archived order took a reservation"
            assert m.status not in ("cancelled", "done"), "a closed order took a reservation"
            assert target.available > 0 and (quantity is None or quantity <= target.available)
        except LockedError:
            assert m.stage == "archived" or m.status in ("cancelled", "done")
        except StockError:
            self._count("reserve refused")
            assert target.available <= 0 or (quantity is not None and quantity > target.available)

    @precondition(lambda self: [o for o in self._orders() if o.stage != "archived"
                                and o.status in ("pending", "paid")])
    @rule(pick=picks)
    def cancel(self, pick: int) -> None:
        """Cancelling releases the order's reservations."""
        self._count("cancel")
        cands = [o for o in self._orders() if o.stage != "archived"
                 and o.status in ("pending", "paid")]
        m = cands[pick % len(cands)]
        self.desk.lifecycle.set_status([m.id], "cancelled")
        m.status = "cancelled"
        assert self.desk.inventory.reservations(order=m.id) == []

    @precondition(lambda self: [o for o in self._orders() if o.stage != "archived" and o.lines])
    @rule(pick=picks)
    def upgrade(self, pick: int) -> None:
        """Upgrading to an invoice archives the order: its document is frozen from then on."""
        self._count("upgrade")
        cands = [o for o in self._orders() if o.stage != "archived" and o.lines]
        m = cands[pick % len(cands)]
        self.desk.lifecycle.upgrade_to_invoice(m.id)
        m.stage, m.status = "archived", "invoiced"
        m.sent_doc = m.sent_doc or document(self.desk.orders.get(m.id))

    @precondition(lambda self: self.desk.inventory.reservations())
    @rule(pick=picks)
    def unreserve(self, pick: int) -> None:
        self._count("unreserve")
        rows = self.desk.inventory.reservations()
        self.desk.inventory.unreserve(rows[pick % len(rows)].id)

    @precondition(lambda self: [o for o in self._orders() if o.stage != "archived"])
    @rule(pick=picks, amount=st.decimals(min_value=CENT, max_value=Decimal(500), places=2),
          status=st.sampled_from(["processed", "pending", "failed"]), testing=st.booleans())
    def pay(self, pick: int, amount: Decimal, status: str, testing: bool) -> None:
        self._count("pay")
        m = [o for o in self._orders() if o.stage != "archived"][pick % len(
            [o for o in self._orders() if o.stage != "archived"])]
        self.desk.finance.save_payment(m.id, Payment(amount, date(2026, 11, 3), status=status,
                                                     testing=testing))
        if status == "processed" and not testing:
            m.paid += amount

    # ---- invariants ----
    @invariant()
    def money_is_exact(self) -> None:
        for m in self.orders:
            o = self.desk.orders.get(m.id)
            want = oracle(m)
            assert o.totals is not None and o.totals.grand_total == want["grand_total"]
            assert o.totals.balance == want["balance"] and o.totals.paid == m.paid
            row = self.store.execute(
                "SELECT products_total, surcharges_total, tax_total, grand_total, paid, balance, "
                "total_quantity FROM orders WHERE uuid = ?", [m.id]).fetchone()
            stored = dict(zip(("products_total", "surcharges_total", "tax_total", "grand_total",
                               "paid", "balance", "total_quantity"), map(from_fixed, row)))
            assert stored == want, f"order {o.number} (active={m.active}): stored {stored}"
            assert (o.stage, o.active) == (m.stage, m.active)
            assert [ln.id for ln in o.lines] == [ln.id for ln in m.lines]
            if m.sent_doc is not None:  # a sent order's document never changes
                copy = self.desk.lifecycle.archived_copy(m.id)
                assert copy is not None
                lines: Any = copy["lines"]  # the document as sent, kept apart
                assert [(x["id"], x["quantity"]) for x in lines] == [
                    (ln[0], str(ln[1]["quantity"])) for ln in m.sent_doc[1]]
                if m.active:  # deleting archives it (lines go with it); restoring brings it back
                    assert document(o) == m.sent_doc

    @invariant()
    def stock_is_consistent(self) -> None:
        q = self.store.execute
        bad = q("SELECT i.name FROM inventory_item i WHERE i.reserved > i.quantity OR "
                "i.reserved != COALESCE((SELECT SUM(r.quantity) FROM reservation r WHERE "
                "r.inventory_item_id = i.id AND r.active = ?), 0)", [True]).fetchall()
        assert bad == []
        for name, qty in LOTS.items():
            total = q("SELECT SUM(quantity) FROM inventory_item WHERE lot = ?",
                      [name[-1]]).fetchone()[0]
            assert from_fixed(total) == qty  # splits move stock; they never make or lose any
        # a deleted or removed line holds no stock
        assert q("SELECT COUNT(*) FROM reservation r JOIN order_line l ON l.id = r.line_id "
                 "WHERE r.active = ? AND l.active = ?", [True, False]).fetchone()[0] == 0
