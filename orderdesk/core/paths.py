"""Where OrderDesk keeps its files on this machine (platformdirs)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path


def data_dir() -> Path:
    path = user_data_path("OrderDesk", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return data_dir() / "orderdesk.sqlite3"
