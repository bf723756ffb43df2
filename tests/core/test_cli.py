"""The command line: `python -m orderdesk` and `orderdesk` run the core without a window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orderdesk.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "orderdesk", *args], capture_output=True,
                          text=True, timeout=120)


def test_demo_show_history_check_backup(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    r = run("--db", db, "demo", "--orders", "300")
    assert r.returncode == 0, r.stderr
    assert "300 orders" in r.stdout and "reservations" in r.stdout
    r = run("--db", db, "orders", "--stage", "sent", "--limit", "5")
    assert r.returncode == 0 and "sent" in r.stdout and "orders" in r.stdout.splitlines()[-1]
    r = run("--db", db, "show", "2026-0001")
    assert r.returncode == 0 and "Order 2026-0001" in r.stdout and "balance" in r.stdout
    r = run("--db", db, "history", "2026-0001", "--format", "csv")
    assert r.returncode == 0 and r.stdout.startswith("At,Actor,Change,Entity")
    r = run("--db", db, "check")
    assert r.returncode == 0 and "database OK" in r.stdout
    r = run("--db", db, "backup", str(tmp_path / "b.sqlite3"))
    assert r.returncode == 0 and (tmp_path / "b.sqlite3").stat().st_size > 0


def test_errors_are_clear_and_exit_non_zero(tmp_path: Path, capsys: object) -> None:
    db = str(tmp_path / "empty.sqlite3")
    assert main(["--db", db, "show", "1"]) == 1
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "holds no company yet" in err
    assert main(["--db", db, "company", "add", "Firma", "--currency", "XXY"]) == 1
    assert "ISO 4217" in capsys.readouterr().err  # type: ignore[attr-defined]
    assert main(["--db", db, "company", "add", "Firma", "--currency", "CZK"]) == 0
    assert main(["--db", db, "show", "2026-0001"]) == 1
    assert "not found" in capsys.readouterr().err  # type: ignore[attr-defined]
