"""`budget_usd` during a run: once the run's actual spend reaches it, no new sample starts.

The forecast refuses a run over budget before it starts (`_forecast.check_budget`);
this guard holds the budget while it runs. Every model call's usage is priced as it
arrives (the pricing table the export uses); a sample about to start once the spend
has reached the budget is cancelled before any of its model calls, so samples
already running finish and are judged, and the run ends with what it has.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.hooks import Hooks, ModelUsageData, SampleInit, hooks

from petri_bt.adapters import cancel_sample_before_start

_ACTIVE: SpendGuard | None = None


@dataclass
class SpendGuard:
    """The run's spend so far, against its budget.

    Args:
        budget: `budget_usd`.
        prices: The pricing table (`petri_bt.logs.PriceTable`).
        spent: USD spent so far.
        cancelled: Samples that did not start because the budget was reached.
    """

    budget: float
    prices: Any
    spent: float = 0.0
    cancelled: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def reached(self) -> bool:
        return self.spent >= self.budget

    def add(self, model: str, usage: dict[str, Any]) -> None:
        """Price one model call's usage and add it to the spend."""
        price = self.prices.price(model)
        cost = price.cost(usage)
        if price.source == "unpriced" and isinstance(usage.get("total_cost"), int | float):
            cost = float(usage["total_cost"])
        with self._lock:
            self.spent += cost

    def stop_sample(self) -> bool:
        """Cancel the sample about to start when the budget is reached (True if it was)."""
        if not self.reached or not cancel_sample_before_start():
            return False
        with self._lock:
            self.cancelled += 1
        return True

    def summary(self) -> dict[str, Any]:
        """What `summary.json` records under `budget`."""
        return {
            "budget_usd": self.budget,
            "spent_usd": round(self.spent, 6),
            "reached": self.reached,
            "samples_not_started": self.cancelled,
        }


@hooks(name="petri_bt_budget", description="petri_bt: start no sample once budget_usd is spent")
class _BudgetHook(Hooks):
    def enabled(self) -> bool:
        return _ACTIVE is not None

    async def on_model_usage(self, data: ModelUsageData) -> None:
        if _ACTIVE is not None:
            _ACTIVE.add(str(data.model_name), data.usage.model_dump())

    async def on_sample_init(self, data: SampleInit) -> None:
        if _ACTIVE is not None:
            _ACTIVE.stop_sample()


@contextmanager
def spend_guard(budget: float | None, pricing: Any) -> Iterator[SpendGuard | None]:
    """Hold `budget_usd` while the evals inside this block run.

    Args:
        budget: `budget_usd` (None: no guard; the block runs as it is).
        pricing: `export.pricing` overrides of the shipped pricing table.

    Yields:
        The guard (None without a budget); when it stopped samples it says so on stderr.
    """
    global _ACTIVE
    if budget is None:
        yield None
        return
    from petri_bt.logs import PriceTable

    guard = SpendGuard(budget=budget, prices=PriceTable(dict(pricing)))
    _ACTIVE = guard
    try:
        yield guard
    finally:
        _ACTIVE = None
    if guard.cancelled:
        print(
            f"petri_bt: budget_usd={budget:g} reached (USD {guard.spent:.4f} spent): "
            f"{guard.cancelled} sample(s) not started; the run ends with the samples it has",
            file=sys.stderr,
        )
