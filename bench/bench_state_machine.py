"""The nightly run of the core's state machine: many more, and longer, random sequences.

    python bench/bench_state_machine.py [--examples 400] [--steps 50]

CI runs the same machine (tests/reliability/state_machine.py) with 15 examples of up to
20 steps; this runs it at length and prints what it covered. A failure prints the shrunk
sequence of core calls that breaks an invariant and exits non-zero.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package

from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

from tests.reliability.state_machine import OrderDeskMachine  # noqa: E402
from tests.reliability.test_state_machine import machine_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=400)
    p.add_argument("--steps", type=int, default=50)
    args = p.parse_args(argv)
    OrderDeskMachine.totals.clear()
    t0 = time.perf_counter()
    try:
        run_state_machine_as_test(OrderDeskMachine,
                                  settings=machine_settings(args.examples, args.steps))
        failed = False
    except Exception as e:  # the shrunk failing sequence is in the report hypothesis printed
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        failed = True
    elapsed = time.perf_counter() - t0
    steps = OrderDeskMachine.totals
    total = sum(n for k, n in steps.items() if k != "reserve refused")
    print(f"{args.examples} examples × up to {args.steps} steps: {total} core calls in "
          f"{elapsed:.1f} s ({1000 * elapsed / max(total, 1):.1f} ms per call, invariants "
          "checked after each)")
    for k, n in sorted(steps.items()):
        print(f"  {k:<16} {n:>7}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
