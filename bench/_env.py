"""The environment a benchmark runs petri_bt in: the user's, without petri_bt's or
Braintrust's settings (a stray PETRI_BT_* or BRAINTRUST_* would change what is timed)."""

from __future__ import annotations

import os


def bench_env(**extra: str) -> dict[str, str]:
    """This process's environment without PETRI_BT_* and BRAINTRUST_* variables, no
    colour, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PETRI_BT_", "BRAINTRUST_"))}
    env.update(NO_COLOR="1", **extra)
    return env
