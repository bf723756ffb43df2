"""Fixtures for the reliability tests: child processes on the test's database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

CHILD = Path(__file__).with_name("child.py")
ROOT = Path(__file__).resolve().parents[2]


class Children:
    """Starts child.py processes and makes sure none outlives the test."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, mode: str, *args: object) -> subprocess.Popen[bytes]:
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
        p = subprocess.Popen([sys.executable, str(CHILD), mode, *map(str, args)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        self.procs.append(p)
        return p

    @staticmethod
    def wait_ready(p: subprocess.Popen[bytes]) -> None:
        line = p.stdout.readline()  # type: ignore[union-attr]
        if line.strip() != b"ready":
            p.wait(10)
            raise AssertionError(f"child did not start: {line!r} "
                                 f"{p.stderr.read().decode()}")  # type: ignore[union-attr]

    @staticmethod
    def finish(p: subprocess.Popen[bytes], timeout: float = 120) -> list[Any]:
        """Waits for the child; returns its JSON lines; fails on a non-zero exit."""
        out, err = p.communicate(timeout=timeout)
        if p.returncode != 0:
            raise AssertionError(f"child exited {p.returncode}: {err.decode()[-3000:]}")
        return [json.loads(x) for x in out.decode().splitlines() if x and x != "ready"]

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()  # only our own children, by their pid
            p.wait()
            for pipe in (p.stdout, p.stderr):
                if pipe is not None:
                    pipe.close()


@pytest.fixture
def children() -> Iterator[Children]:
    c = Children()
    try:
        yield c
    finally:
        c.close()
