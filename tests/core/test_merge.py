"""Three-way merge of conflicting saves, proved with real saves from two connections."""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderdesk.core import (
    Actor, ConflictError, Desk, Line, LockedError, Order, Store, Tax, create_company,
    open_store,
)
from orderdesk.core.docs import Address, Contact, Surcharge
from orderdesk.core.merge import diff_fields, keep_mine, merge

ACTIONS = ("none", "set_a1", "set_a2", "set_own", "delete", "add")


def base_doc() -> Order:
    lines = [Line("PLANK-2x4", Decimal(i + 1), Decimal("2.50"), description=f"Plank {i + 1}",
                  taxes=[Tax("VAT", Decimal(21))],
                  attributes={"colour": "red", "grade": "A", "finish": "raw"})
             for i in range(3)]
    return Order(
        customer_code="C1", order_date=date(2026, 11, 2), lines=lines, site="Main",
        notes="base notes", customer_reference="PO-1",
        attributes={"incoterm": "DAP", "priority": "low", "channel": "phone"},
        addresses=[Address("Delivery", name="Dock", street="Street 1", city="Brno",
                           postal_code="60200", country="CZ")],
        contacts=[Contact("orders@example.com", "Email", name="Desk")],
        surcharges=[Surcharge(Decimal("10"), "Shipping", taxes=[Tax("VAT", Decimal(21))])],
    )


@dataclass
class Kind:
    """One entity kind: where its target lives and what each action does to it."""

    name: str
    target: Callable[[Order], Any]  # the entity edited, found by id (None once deleted)
    set_a: Callable[[Any, int], None]  # the field both sides may set: value 1 or 2
    own: dict[str, Callable[[Any], None]]  # a field only that side sets
    delete: Callable[[Order], None] | None = None
    add: Callable[[Order, str], None] | None = None


def _line(o: Order) -> Line | None:
    return next((ln for ln in o.lines if ln.id == o.attributes.get("__lines")), None)


def _by_id(attr: str) -> Callable[[Order], Any]:
    return lambda o: next((x for x in getattr(o, attr) if x.id == o.attributes.get("__" + attr)),
                          None)


def _drop(attr: str) -> Callable[[Order], None]:
    def go(o: Order) -> None:
        target = o.attributes.get("__" + attr)
        setattr(o, attr, [x for x in getattr(o, attr) if x.id != target])
    return go


def _pop_key(get: Callable[[Order], Any], key: str) -> Callable[[Order], None]:
    def go(o: Order) -> None:
        x = get(o)
        if x is not None:
            x.attributes.pop(key, None)
    return go


def _add_key(get: Callable[[Order], Any]) -> Callable[[Order, str], None]:
    def go(o: Order, side: str) -> None:
        x = get(o)
        if x is not None:
            x.attributes[f"added-{side}"] = side
    return go


def _new_line(o: Order, side: str) -> None:
    o.lines.append(Line(f"NEW-{side}", Decimal(5), Decimal("1.25"), description=side,
                        taxes=[Tax("VAT", Decimal(10))]))


KINDS = [
    Kind("header", lambda o: o, lambda o, n: setattr(o, "site", f"Site {n}"),
         {"mine": lambda o: setattr(o, "notes", "mine notes"),
          "theirs": lambda o: setattr(o, "delivery_date", date(2026, 12, 1))}),
    Kind("order_attribute", lambda o: o,
         lambda o, n: o.attributes.__setitem__("incoterm", f"EXW{n}"),
         {"mine": lambda o: o.attributes.__setitem__("priority", "high"),
          "theirs": lambda o: o.attributes.__setitem__("channel", "mail")},
         _pop_key(lambda o: o, "incoterm"), _add_key(lambda o: o)),
    Kind("line", _line, lambda x, n: setattr(x, "quantity", Decimal(10 + n)),
         {"mine": lambda x: setattr(x, "unit_price", Decimal("9.99")),
          "theirs": lambda x: setattr(x, "description", "their words")},
         _drop("lines"), _new_line),
    Kind("line_taxes", _line, lambda x, n: setattr(x, "taxes", [Tax("VAT", Decimal(n * 5))]),
         {"mine": lambda x: setattr(x, "discount", Decimal("7.5")),
          "theirs": lambda x: setattr(x, "unit", "box")},
         _drop("lines"), _new_line),
    Kind("line_attribute", _line, lambda x, n: x.attributes.__setitem__("colour", f"c{n}"),
         {"mine": lambda x: x.attributes.__setitem__("grade", "B"),
          "theirs": lambda x: x.attributes.__setitem__("finish", "oiled")},
         _pop_key(_line, "colour"), _add_key(_line)),
    Kind("address", _by_id("addresses"), lambda x, n: setattr(x, "city", f"City {n}"),
         {"mine": lambda x: setattr(x, "street", "Mine Street 2"),
          "theirs": lambda x: setattr(x, "postal_code", "11000")},
         _drop("addresses"),
         lambda o, side: o.addresses.append(Address("Invoice", name=side, city="Praha"))),
    Kind("contact", _by_id("contacts"), lambda x, n: setattr(x, "value", f"c{n}@example.com"),
         {"mine": lambda x: setattr(x, "name", "Mine"),
          "theirs": lambda x: setattr(x, "kind", "MobileNumber")},
         _drop("contacts"),
         lambda o, side: o.contacts.append(Contact(f"{side}@example.com", name=side))),
    Kind("surcharge", _by_id("surcharges"), lambda x, n: setattr(x, "amount", Decimal(20 + n)),
         {"mine": lambda x: setattr(x, "taxes", [Tax("VAT", Decimal(15))]),
          "theirs": lambda x: setattr(x, "label", "courier")},
         _drop("surcharges"),
         lambda o, side: o.surcharges.append(Surcharge(Decimal(3), "Handling", label=side))),
]


def _mark(o: Order, base: Order) -> Order:
    """Names base's targets in helper attributes the edit functions read (never saved)."""
    o = o.copy()
    o.attributes.update({"__lines": base.lines[1].id or "",
                         "__addresses": base.addresses[0].id or "",
                         "__contacts": base.contacts[0].id or "",
                         "__surcharges": base.surcharges[0].id or ""})
    return o


def _unmark(o: Order) -> Order:
    for k in [k for k in o.attributes if k.startswith("__")]:
        del o.attributes[k]
    return o


def apply(kind: Kind, action: str, side: str, doc: Order, base: Order) -> Order:
    o = _mark(doc, base)
    target = kind.target(o)
    if action in ("set_a1", "set_a2") and target is not None:
        kind.set_a(target, int(action[-1]))
    elif action == "set_own" and target is not None:
        kind.own[side](target)
    elif action == "delete":
        kind.delete(o)  # type: ignore[misc]
    elif action == "add":
        kind.add(o, side)  # type: ignore[misc]
    return _unmark(o)


def combos() -> Iterator[Any]:
    for kind in KINDS:
        acts = [a for a in ACTIONS if a not in ("delete", "add") or kind.delete]
        for mine, theirs in itertools.product(acts, acts):
            yield pytest.param(kind, mine, theirs, id=f"{kind.name}-mine_{mine}-theirs_{theirs}")


def expect_conflict(kind: Kind, mine: str, theirs: str) -> bool:
    if {mine, theirs} == {"set_a1", "set_a2"}:
        return True
    attribute_kind = kind.name.endswith("attribute")
    edits = {"set_a1", "set_a2"} if attribute_kind else {"set_a1", "set_a2", "set_own"}
    return (mine == "delete" and theirs in edits) or (theirs == "delete" and mine in edits)


def norm(o: Order, base: Order) -> dict[str, Any]:
    """The stored content that must survive a merge; ids of base's children, 'new' else."""
    known = {x.id for x in (*base.lines, *base.addresses, *base.contacts, *base.surcharges)}

    def i(x: Any) -> str:
        return x.id if x.id in known else "new"

    def taxes(ts: list[Tax]) -> list[tuple[str, Decimal, str, str]]:
        return [(t.name, t.rate, t.group, t.type) for t in ts]

    return {
        "header": (o.reference or "", o.customer_reference, o.customer_code, o.order_date,
                   o.delivery_date, o.site, o.currency, o.notes),
        "attributes": dict(o.attributes),
        "lines": [(i(x), x.item_code, x.description, x.quantity, x.unit, x.unit_price,
                   x.discount, taxes(x.taxes), dict(x.attributes)) for x in o.lines],
        "addresses": [(i(x), x.kind, x.label, x.name, x.street, x.city, x.postal_code,
                       x.region, x.country, dict(x.attributes)) for x in o.addresses],
        "contacts": [(i(x), x.kind, x.label, x.name, x.value) for x in o.contacts],
        "surcharges": [(i(x), x.kind, x.label, x.amount, taxes(x.taxes), dict(x.attributes))
                       for x in o.surcharges],
    }


def desk_b(db_path: Path, company_id: int) -> Desk:
    """A second desk on its own connection to the same file, as another program would be."""
    return Desk(open_store(db_path), company_id, Actor("bob", "Bob Other"))


def their_edit(kind: Kind, action: str, base: Order) -> Order:
    o = apply(kind, action, "theirs", base, base)
    o.customer_reference = "PO-theirs"  # they always save something, so B always conflicts
    return o


@pytest.mark.parametrize("kind,mine_action,their_action", list(combos()))
def test_every_combination(desk: Desk, db_path: Path, kind: Kind, mine_action: str,
                           their_action: str) -> None:
    base = desk.orders.create(base_doc())
    uid = base.id or ""
    other = desk_b(db_path, desk.company_id)
    mine = apply(kind, mine_action, "mine", other.orders.get(uid), base)
    desk.orders.update(their_edit(kind, their_action, base), expected_version=base.version)
    with pytest.raises(ConflictError):
        other.orders.update(mine, expected_version=base.version)
    theirs = other.orders.get(uid)
    result = merge(base, mine, theirs)
    assert result.their_changes, "their save is listed"
    assert bool(result.mine_changes) == (mine_action != "none")
    if expect_conflict(kind, mine_action, their_action):
        assert result.merged is None
        assert {c.entity for c in result.conflicts} == {_entity(kind)}
        # keep mine overwrites knowingly: the stored document is exactly mine
        other.orders.update(keep_mine(mine, theirs), expected_version=theirs.version)
        assert norm(desk.orders.get(uid), theirs) == norm(mine, theirs)
    else:
        assert result.conflicts == [] and result.merged is not None
        assert result.merged.version == theirs.version
        other.orders.update(result.merged, expected_version=theirs.version)
        stored = desk.orders.get(uid)
        expected = apply(kind, mine_action, "mine", their_edit(kind, their_action, base), base)
        assert norm(stored, base) == norm(expected, base)
        changed = norm(expected, base) != norm(theirs, base)  # else the save writes nothing
        assert stored.version == theirs.version + changed
        assert bool(diff_fields(theirs, result.merged)) == changed
    assert desk.store.dialect.check() == []


def _entity(kind: Kind) -> str:
    return {"header": "order", "order_attribute": "order", "line_taxes": "line",
            "line_attribute": "line"}.get(kind.name, kind.name)


# ---------- what each side changed, as the conflict dialog lists it ----------
def test_diff_fields_names_every_change_with_its_label(desk: Desk) -> None:
    base = desk.orders.create(base_doc())
    other = base.copy()
    other.site = "Elsewhere"
    other.attributes["incoterm"] = "EXW"
    del other.attributes["channel"]
    other.lines[2].taxes = [Tax("VAT", Decimal(10)), Tax("Eco", Decimal("0.5"))]
    other.lines[2].attributes["colour"] = "blue"
    del other.lines[0]
    other.lines.append(Line("NEW-1", Decimal(1)))
    other.addresses[0].city = "Praha"
    other.contacts = []
    other.surcharges.append(Surcharge(Decimal(2), "Custom", label="Pallet"))
    got = {(c.entity, c.label, c.field, c.kind) for c in diff_fields(base, other)}
    assert got == {
        ("order", "Order 2026-0001", "site", "changed"),
        ("order", "Order 2026-0001", "attribute:incoterm", "changed"),
        ("order", "Order 2026-0001", "attribute:channel", "removed"),
        ("line", "Line 2 · PLANK-2x4", "taxes", "changed"),
        ("line", "Line 2 · PLANK-2x4", "attribute:colour", "changed"),
        ("line", "Line 1 · PLANK-2x4", "", "removed"),
        ("line", "Line 3 · NEW-1", "", "added"),
        ("address", "Address · Delivery", "city", "changed"),
        ("contact", "Contact · Email", "", "removed"),
        ("surcharge", "Surcharge · Pallet", "", "added"),
    }
    taxes = next(c for c in diff_fields(base, other) if c.field == "taxes")
    assert taxes.old == [Tax("VAT", Decimal(21))] and len(taxes.new) == 2
    assert diff_fields(base, base.copy()) == []


def test_an_insert_moves_no_line_but_a_reorder_does(desk: Desk) -> None:
    base = desk.orders.create(base_doc())
    inserted = base.copy()
    inserted.lines.insert(0, Line("TOP", Decimal(1)))
    assert [c.kind for c in diff_fields(base, inserted)] == ["added"]
    moved = base.copy()
    moved.lines = [moved.lines[2], moved.lines[0], moved.lines[1]]
    [c] = diff_fields(base, moved)
    assert (c.kind, c.field, c.old, c.new, c.entity_id) == ("moved", "position", 3, 1,
                                                            base.lines[2].id)


# ---------- line order ----------
def _codes(o: Order) -> list[str]:
    return [f"{ln.item_code}:{ln.description}" for ln in o.lines]


def _conflicting_save(desk: Desk, db_path: Path, mine_edit: Callable[[Order], None],
                      their_edit: Callable[[Order], None]) -> tuple[Order, Order, Order, Desk]:
    base = desk.orders.create(base_doc())
    other = desk_b(db_path, desk.company_id)
    mine = other.orders.get(base.id or "")
    mine_edit(mine)
    theirs = base.copy()
    their_edit(theirs)
    desk.orders.update(theirs, expected_version=base.version)
    with pytest.raises(ConflictError):
        other.orders.update(mine, expected_version=base.version)
    return base, mine, other.orders.get(base.id or ""), other


def _rotate(o: Order) -> None:
    o.lines = [o.lines[2], o.lines[0], o.lines[1]]


def _swap_last(o: Order) -> None:
    o.lines = [o.lines[0], o.lines[2], o.lines[1]]


@pytest.mark.parametrize("mine_edit,their_edit,expected", [
    # one side reorders, the other edits: the reorder and the edit both hold
    (_rotate, lambda o: setattr(o.lines[1], "description", "T"),
     ["PLANK-2x4:Plank 3", "PLANK-2x4:Plank 1", "PLANK-2x4:T"]),
    (lambda o: setattr(o.lines[1], "description", "M"), _rotate,
     ["PLANK-2x4:Plank 3", "PLANK-2x4:Plank 1", "PLANK-2x4:M"]),
    # the same reorder on both sides is no conflict
    (_rotate, _rotate, ["PLANK-2x4:Plank 3", "PLANK-2x4:Plank 1", "PLANK-2x4:Plank 2"]),
    # mine reorders, theirs inserts after line 1: the new line stays after line 1
    (_rotate, lambda o: o.lines.insert(1, Line("T", Decimal(1), description="t")),
     ["PLANK-2x4:Plank 3", "PLANK-2x4:Plank 1", "T:t", "PLANK-2x4:Plank 2"]),
    # both insert after line 1: theirs first, then mine
    (lambda o: o.lines.insert(1, Line("M", Decimal(1), description="m")),
     lambda o: o.lines.insert(1, Line("T", Decimal(1), description="t")),
     ["PLANK-2x4:Plank 1", "T:t", "M:m", "PLANK-2x4:Plank 2", "PLANK-2x4:Plank 3"]),
    # both insert at the top, two lines each
    (lambda o: o.lines.__setitem__(slice(0, 0), [Line("M1", Decimal(1)), Line("M2", Decimal(1))]),
     lambda o: o.lines.__setitem__(slice(0, 0), [Line("T1", Decimal(1)), Line("T2", Decimal(1))]),
     ["T1:", "T2:", "M1:", "M2:", "PLANK-2x4:Plank 1", "PLANK-2x4:Plank 2",
      "PLANK-2x4:Plank 3"]),
    # mine reorders, theirs deletes a line: deleted, the rest in mine's order
    (_rotate, lambda o: o.lines.pop(1), ["PLANK-2x4:Plank 3", "PLANK-2x4:Plank 1"]),
    # mine deletes the line theirs moved: a move is no edit, the delete wins
    (lambda o: o.lines.pop(2), _rotate, ["PLANK-2x4:Plank 1", "PLANK-2x4:Plank 2"]),
    # mine inserts after a line theirs deleted: it goes after the line before that one
    (lambda o: o.lines.insert(2, Line("M", Decimal(1), description="m")),
     lambda o: o.lines.pop(1), ["PLANK-2x4:Plank 1", "M:m", "PLANK-2x4:Plank 3"]),
], ids=["mine-reorders", "theirs-reorder", "same-reorder", "reorder-and-insert",
        "both-insert-same-place", "both-insert-at-top", "reorder-and-delete",
        "delete-a-moved-line", "insert-after-a-deleted-line"])
def test_line_order_rules(desk: Desk, db_path: Path, mine_edit: Callable[[Order], None],
                          their_edit: Callable[[Order], None], expected: list[str]) -> None:
    base, mine, theirs, other = _conflicting_save(desk, db_path, mine_edit, their_edit)
    result = merge(base, mine, theirs)
    assert result.conflicts == [] and result.merged is not None
    assert [ln.position for ln in result.merged.lines] == list(range(1, len(expected) + 1))
    saved = other.orders.update(result.merged, expected_version=theirs.version)
    assert _codes(saved) == _codes(desk.orders.get(base.id or "")) == expected


def test_two_different_reorders_conflict(desk: Desk, db_path: Path) -> None:
    base, mine, theirs, _ = _conflicting_save(desk, db_path, _rotate, _swap_last)
    result = merge(base, mine, theirs)
    assert result.merged is None
    [c] = result.conflicts
    assert (c.entity, c.field, c.reason) == ("line", "position",
                                            "both changed the order of the lines")


# ---------- what a save cannot merge ----------
def test_a_sent_order_takes_no_merge_and_keep_mine_is_refused(desk: Desk, db_path: Path) -> None:
    base = desk.orders.create(base_doc())
    other = desk_b(db_path, desk.company_id)
    mine = other.orders.get(base.id or "")
    mine.notes = "mine"
    desk.lifecycle.send(base.id or "")
    theirs = other.orders.get(base.id or "")
    result = merge(base, mine, theirs)
    assert result.merged is None and result.conflicts[0].field == "stage"
    with pytest.raises(LockedError):
        other.orders.update(keep_mine(mine, theirs), expected_version=theirs.version)


def test_keep_mine_keeps_their_status_and_payments(desk: Desk, db_path: Path) -> None:
    from orderdesk.core.docs import Payment

    base = desk.orders.create(base_doc())
    other = desk_b(db_path, desk.company_id)
    mine = other.orders.get(base.id or "")
    mine.site = "Mine"
    desk.finance.save_payment(base.id or "", Payment(Decimal(5), date(2026, 11, 3)))
    desk.lifecycle.set_status([base.id or ""], "paid")
    theirs = other.orders.get(base.id or "")
    assert theirs.version != base.version
    saved = other.orders.update(keep_mine(mine, theirs), expected_version=theirs.version)
    assert saved.site == "Mine" and saved.status == "paid" and len(saved.payments) == 1


# ---------- random disjoint edits always merge to both edit sets ----------
SLOTS = (
    [("order", f) for f in ("site", "notes", "reference")]
    + [("order_attr", k) for k in ("incoterm", "priority", "channel", "extra")]
    + [(f"line{i}", f) for i in range(3)
       for f in ("quantity", "unit_price", "description", "discount", "unit", "taxes",
                 "attr:colour", "attr:grade", "attr:new")]
    + [("address", f) for f in ("city", "street", "name")]
    + [("surcharge", f) for f in ("amount", "label")]
)


def _value(field: str, n: int) -> Any:
    if field in ("quantity", "unit_price", "amount"):
        return Decimal(n) / 4
    if field == "discount":
        return Decimal(n % 100)
    if field == "taxes":
        return [] if n % 3 == 0 else [Tax("VAT", Decimal(n % 30))]
    if field == "reference":
        return f"REF-{n}"
    return None if n % 5 == 0 and "attr" in field else f"v{n}"


def _apply_slot(o: Order, base: Order, slot: tuple[str, str], n: int) -> None:
    where, field = slot
    value = _value(field, n)
    if where == "order":
        setattr(o, field, value)
        return
    if where == "order_attr":
        target, field = o, "attr:" + field
    elif where.startswith("line"):
        target = next((ln for ln in o.lines if ln.id == base.lines[int(where[4:])].id), None)
    else:
        target = (o.addresses if where == "address" else o.surcharges)[0]
    if target is None:
        return
    if field.startswith("attr:"):
        if value is None:
            target.attributes.pop(field[5:], None)
        else:
            target.attributes[field[5:]] = value
    else:
        setattr(target, field, value)


@dataclass
class EditSet:
    slots: dict[tuple[str, str], int]
    deleted: set[int]
    added: list[str]


def _apply_edits(doc: Order, base: Order, e: EditSet) -> Order:
    o = doc.copy()
    for slot, n in e.slots.items():
        _apply_slot(o, base, slot, n)
    gone = {base.lines[i].id for i in e.deleted}
    o.lines = [ln for ln in o.lines if ln.id not in gone]
    o.lines += [Line(code, Decimal(1), Decimal(2)) for code in e.added]
    return o


@st.composite
def disjoint_edits(draw: st.DrawFn) -> tuple[EditSet, EditSet]:
    owner = {s: draw(st.sampled_from(("none", "mine", "theirs"))) for s in SLOTS}
    sides = []
    for side in ("mine", "theirs"):
        slots = {s: draw(st.integers(0, 400)) for s, o in owner.items() if o == side}
        # a side may delete a line the other side does not edit
        other_lines = {int(s[0][4:]) for s, o in owner.items()
                       if o not in ("none", side) and s[0].startswith("line")}
        deletable = [i for i in range(3) if i not in other_lines]
        deleted = set(draw(st.lists(st.sampled_from(deletable), max_size=2))) \
            if deletable else set()
        added = [f"{side.upper()}-{k}" for k in range(draw(st.integers(0, 2)))]
        sides.append(EditSet(slots, deleted, added))
    return sides[0], sides[1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disjoint_edits())
def test_disjoint_random_edits_always_merge(edits: tuple[EditSet, EditSet]) -> None:
    mine_edits, their_edits = edits
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "merge.sqlite3"
        store_a = open_store(path)
        try:
            desk_a = _fresh_desk(store_a)
            base = desk_a.orders.create(base_doc())
            other = desk_b(path, desk_a.company_id)
            mine = _apply_edits(other.orders.get(base.id or ""), base, mine_edits)
            theirs_doc = _apply_edits(base, base, their_edits)
            theirs_doc.customer_reference = "PO-theirs"
            desk_a.orders.update(theirs_doc, expected_version=base.version)
            with pytest.raises(ConflictError):
                other.orders.update(mine, expected_version=base.version)
            theirs = other.orders.get(base.id or "")
            result = merge(base, mine, theirs)
            assert result.conflicts == [] and result.merged is not None
            other.orders.update(result.merged, expected_version=theirs.version)
            expected = _apply_edits(theirs_doc, base, mine_edits)
            assert norm(desk_a.orders.get(base.id or ""), base) == norm(expected, base)
            other.store.close()
        finally:
            store_a.close()


def _fresh_desk(store: Store) -> Desk:
    from orderdesk.core.catalog import ItemDoc

    desk = Desk(store, create_company(store, "Test Co", "EUR").id, Actor("alice", "Alice"))
    desk.catalog.create_customers([("C1", "Customer One")])
    desk.catalog.save_item(ItemDoc("PLANK-2x4", "Pine plank", "m", Decimal("3.20")))
    return desk
