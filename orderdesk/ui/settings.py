"""Every user setting declared once, with its default, over QSettings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "OrderDesk"
APPLICATION = "OrderDesk"

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: its key, default and type (QSettings returns strings from INI files)."""

    key: str
    default: T
    kind: type


# Preferences the user chooses.
LAST_COMPANY = Option[int]("general/last_company", 0, int)
ORDER_VIEW = Option[str]("orders/view", "open", str)
SEARCH_DELAY_MS = Option[int]("orders/search_delay_ms", 250, int)
# Window layout: the "persist" section, restored as it was left.
MAIN_GEOMETRY = Option[QByteArray]("persist/main_geometry", QByteArray(), QByteArray)
MAIN_STATE = Option[QByteArray]("persist/main_state", QByteArray(), QByteArray)
MAIN_SPLITTER = Option[QByteArray]("persist/main_splitter", QByteArray(), QByteArray)
ORDER_HEADER = Option[QByteArray]("persist/order_header", QByteArray(), QByteArray)
CUSTOMERS_GEOMETRY = Option[QByteArray]("persist/customers_geometry", QByteArray(), QByteArray)
ITEMS_GEOMETRY = Option[QByteArray]("persist/items_geometry", QByteArray(), QByteArray)


class Settings:
    """Typed access to the options; tests pass their own QSettings file."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings(ORGANISATION, APPLICATION)

    def get(self, option: Option[T]) -> T:
        value: Any = self.q.value(option.key, option.default)
        if value is None:
            return option.default
        if option.kind is QByteArray:
            return value if isinstance(value, QByteArray) else option.default  # type: ignore
        try:
            if option.kind is bool and isinstance(value, str):
                return (value.lower() in ("1", "true", "yes")) is True  # type: ignore[return-value]
            return option.kind(value)  # type: ignore[no-any-return]
        except (TypeError, ValueError):  # a hand-edited file: fall back, do not crash
            return option.default

    def set(self, option: Option[T], value: T) -> None:
        self.q.setValue(option.key, value)

    def sync(self) -> None:
        self.q.sync()
