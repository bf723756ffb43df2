"""Recovery files: an editor's unsaved state on disk, written atomically, offered after a crash.

Each key (an order's id, or a new document's editor id) has one JSON file. A save writes a
temporary file beside it, fsyncs it and renames it over the old one, so a crash or kill at
any moment leaves either the previous complete file or the new complete file, never half.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderdesk.core.docs import Order

FORMAT = 1
SUFFIX = ".recovery.json"
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class RecoveryEntry:
    key: str
    saved_at: datetime
    order_id: str | None
    order_number: str | None
    payload: dict[str, Any]
    path: Path


def default_directory() -> Path:
    from orderdesk.core.paths import data_dir

    return data_dir() / "recovery"


class RecoveryStore:
    """One directory of recovery files; several processes may use it at once."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        # Readable names where the key allows it; any other key is hashed.
        name = key if _SAFE_KEY.match(key) else "k-" + hashlib.sha256(key.encode()).hexdigest()
        return self.directory / (name + SUFFIX)

    def save(self, key: str, payload: dict[str, Any]) -> Path:
        """Replaces the key's file with `payload` (JSON-serialisable) atomically."""
        record = {"format": FORMAT, "key": key,
                  "saved_at": datetime.now(timezone.utc).isoformat(), "payload": payload}
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        target = self.path(key)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.directory)  # the rename itself survives a power cut
        return target

    def load_all(self) -> list[RecoveryEntry]:
        """Every complete recovery file, newest first; unreadable ones are skipped."""
        out = []
        for p in self.directory.glob("*" + SUFFIX):
            entry = self._read(p)
            if entry is not None:
                out.append(entry)
        return sorted(out, key=lambda e: e.saved_at, reverse=True)

    def load(self, key: str) -> RecoveryEntry | None:
        p = self.path(key)
        return self._read(p) if p.exists() else None

    def discard(self, key: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path(key))

    def _read(self, p: Path) -> RecoveryEntry | None:
        try:
            record = json.loads(p.read_text(encoding="utf-8"))
            payload = record["payload"]
            order = payload.get("order") if isinstance(payload, dict) else None
            return RecoveryEntry(
                key=str(record["key"]), saved_at=datetime.fromisoformat(record["saved_at"]),
                order_id=order.get("id") if isinstance(order, dict) else None,
                order_number=order.get("number") if isinstance(order, dict) else None,
                payload=payload, path=p)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # a file from another program or version: not ours to offer


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a directory; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------- Order documents ↔ JSON ----------
def order_to_json(order: Order) -> dict[str, Any]:
    """The whole document as JSON values: Decimals as strings, dates ISO, children nested."""
    out = _encode(order)
    assert isinstance(out, dict)
    return out


def order_from_json(data: dict[str, Any]) -> Order:
    """The exact inverse of order_to_json."""
    return typing.cast(Order, _decode(Order, data))


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)  # exact, exponent included
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _decode(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else _decode(args[0], value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_decode(item, v) for v in value]
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_decode(item, v) for v in value)
    if origin is dict:
        _, item = typing.get_args(tp)
        return {k: _decode(item, v) for k, v in value.items()}
    if tp is Decimal:
        return Decimal(value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if tp is date:
        return date.fromisoformat(value)
    if isinstance(tp, type) and is_dataclass(tp):
        hints = _HINTS.get(tp)
        if hints is None:
            hints = _HINTS[tp] = typing.get_type_hints(tp)
        return tp(**{f.name: _decode(hints[f.name], value[f.name])
                     for f in fields(tp) if f.init and f.name in value})
    if tp in (str, int, bool) and not isinstance(value, tp):
        raise TypeError(f"expected {tp.__name__}, got {value!r}")
    return value


__all__ = ["RecoveryEntry", "RecoveryStore", "default_directory", "order_from_json",
           "order_to_json"]
