"""Exchange fixtures: a desk with awkward orders, a database fingerprint, CSV helpers."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from orderdesk.core import Desk, Line, Order, Store, Tax

AWKWARD = [
    'Quote " inside, comma',
    "two\nlines",
    "=SUM(A1:A9)",
    "-minus first",
    "+plus",
    "@at",
    "'=already quoted",
    "Ελληνικά · 中文 · عربي",
    "#N/A",
]


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Counts of every table the import may touch, the newest history id and the revisions."""
    tables = ("orders", "order_line", "line_tax", "customer", "history_event", "log_entry",
              "order_search")
    counts = tuple(store.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables)
    last = store.execute("SELECT MAX(id) FROM history_event").fetchone()[0]
    revisions = tuple(store.execute("SELECT id, revision FROM company ORDER BY id").fetchall())
    versions = store.execute("SELECT SUM(version) FROM orders").fetchone()[0]
    return counts, last, revisions, versions


def awkward_orders(desk: Desk) -> list[str]:
    """Three orders whose texts need quoting, escaping and formula neutralising."""
    docs = []
    for i, text in enumerate(AWKWARD[:3]):
        docs.append(Order(
            customer_code="C2" if i % 2 else "C1", order_date=date(2026, 3, 1 + i),
            delivery_date=date(2026, 4, 1 + i), reference=f"REF-{i}",
            customer_reference=AWKWARD[(i + 3) % len(AWKWARD)], site=AWKWARD[(i + 7) % 9],
            notes=AWKWARD[(i + 1) % len(AWKWARD)],
            lines=[Line("PLANK-2x4", Decimal("1.5") * (k + 1), Decimal("-2.25") if k == 1 else
                        Decimal("3.2"), description=AWKWARD[(i + k) % len(AWKWARD)],
                        discount=Decimal("12.5") if k == 0 else Decimal(0),
                        taxes=[Tax("VAT", Decimal(21)), Tax("Eco", Decimal("0.5"))][:k + 1])
                   for k in range(3)]))
    return desk.orders.create_many(docs)


@pytest.fixture
def filled(desk: Desk) -> Desk:
    awkward_orders(desk)
    return desk


def read_csv(path: Path | bytes) -> list[list[str]]:
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def unzip(path: Path, into: Path) -> tuple[Path, Path]:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(into)
    return into / "orders.csv", into / "order-line-items.csv"


def write_csv(path: Path, rows: list[list[Any]], *, delimiter: str = ",", bom: bool = True) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path



@pytest.fixture
def filled_mixed(desk: Desk) -> Desk:
    """Awkward orders plus numbered ones with odd figures, inactive lines and deleted orders."""
    awkward_orders(desk)
    docs = [Order(customer_code="C2" if i % 2 else "C1", order_date=date(2026, 1, 1 + i),
                  number=f"Z{9 - i}", reference=f"M{i}", notes="=1+1" if i % 3 else "",
                  lines=[Line(f"I{k}", Decimal(k + 1).scaleb(-k), Decimal("-1.0005"),
                              discount=Decimal("2.5") * k,
                              taxes=[Tax("VAT", Decimal("20.25"))] * (k % 2), active=k != 1)
                         for k in range(4)])
            for i in range(8)]
    ids = desk.orders.create_many(docs)
    desk.orders.delete(ids[:2])  # a deleted order exports the lines deleted with it
    return desk
