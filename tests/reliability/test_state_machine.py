"""The core under random sequences of order work (a short run; bench/ runs a long one)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.reliability.state_machine import OrderDeskMachine


def machine_settings(examples: int, steps: int) -> settings:
    # no explain phase: it reruns a failure hundreds of times to annotate it, minutes here
    return settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.slow
def test_random_order_work_keeps_every_invariant(capsys: pytest.CaptureFixture[str]) -> None:
    OrderDeskMachine.totals.clear()
    run_state_machine_as_test(OrderDeskMachine, settings=machine_settings(15, 20))
    steps = OrderDeskMachine.totals
    with capsys.disabled():
        print(f"\nstate machine: 15 examples, {sum(steps.values())} steps: "
              + ", ".join(f"{k} {n}" for k, n in sorted(steps.items())))
    assert steps.get("create", 0) and steps.get("edit", 0) and steps.get("reserve", 0)
