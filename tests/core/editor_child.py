"""A child process for the editor-core kill tests; runs until the test SIGKILLs it.

    python editor_child.py recovery DIR
    python editor_child.py save DB COMPANY_ID ORDER_UUID...

Prints `ready` once it has done its first write, then keeps writing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date
from decimal import Decimal

from orderdesk.core import Actor, Desk, Line, Order, Tax, open_store
from orderdesk.core.recovery import RecoveryStore, order_to_json

LINES = 200


def generation_doc(gen: int) -> Order:
    """An order whose every line carries its generation: a torn write would show."""
    return Order("C1", date(2026, 11, 2), notes=f"gen {gen}", lines=[
        Line(f"IT-{i}", Decimal(gen % 97 + 1), Decimal("2.5"), description=f"gen {gen}",
             taxes=[Tax("VAT", Decimal(21))]) for i in range(LINES)])


def checksum(data: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def recovery(directory: str) -> None:
    store = RecoveryStore(directory)
    gen = 0
    while True:
        doc = order_to_json(generation_doc(gen))
        store.save(f"order-{gen % 3}", {"order": doc, "gen": gen, "sum": checksum(doc)})
        if gen == 0:
            os.write(1, b"ready\n")
        gen += 1


def save(db: str, company_id: str, *uuids: str) -> None:
    desk = Desk(open_store(db), int(company_id), Actor("child", "Child"))
    first = True
    while True:
        for uid in uuids:
            doc = desk.orders.get(uid)
            gen = int(doc.notes.split()[1]) + 1
            doc.notes = f"gen {gen}"
            for line in doc.lines:
                line.description = f"gen {gen}"
            if gen % 2:  # every other save also swaps ten lines for new ones
                doc.lines = doc.lines[10:] + [
                    Line(f"G{gen}-{k}", Decimal(1), Decimal(1), description=f"gen {gen}")
                    for k in range(10)]
            desk.orders.update(doc, expected_version=doc.version)
            if first:
                os.write(1, b"ready\n")
                first = False


if __name__ == "__main__":
    {"recovery": recovery, "save": save}[sys.argv[1]](*sys.argv[2:])
