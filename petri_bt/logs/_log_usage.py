"""What logs cost per role, and how fast each role ran: calls, tokens, USD, compute time.

Prices every model call with the pricing table given (so a log can be re-costed
after prices change, or priced for the first time). `LogUsage` adds a log up sample
by sample, for a reader streaming the log anyway; `usage_of_logs` reads logs for
these figures alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt.logs._eval_spec import is_petri, roles_in_spec
from petri_bt.logs._pricing import PriceTable
from petri_bt.logs._reader import LogFile, LogReadError, SampleReadError
from petri_bt.logs._usage import UsageTotals, overhead_ratio, sample_usage, tokens_per_second

_FIELDS = (
    "calls",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "total_tokens",
)


def _finish(totals: UsageTotals) -> dict[str, Any]:
    roles: dict[str, dict[str, Any]] = {}
    for role, u in totals.roles.items():
        seconds = round(u["compute_s"], 3)
        roles[role] = {
            **{key: u[key] for key in _FIELDS},
            "cost_usd": round(u["cost_usd"], 6),
            "compute_s": seconds,
            "models": u["models"],
            "output_tokens_per_s": tokens_per_second(u["output_tokens"], seconds),
        }
    cost = {role: e["cost_usd"] for role, e in roles.items()}
    return {
        "roles": dict(sorted(roles.items())),
        "cost_usd": round(sum(cost.values()), 6),
        "auditing_overhead_ratio": overhead_ratio(cost, 4),
    }


class LogUsage:
    """One log's calls, tokens, cost and compute time per role, added up sample by sample,
    so a reader that streams the log for something else prices it in the same pass.

    Args:
        eval_spec: The log header's `eval` node (its roles).
        prices: The pricing table.
    """

    def __init__(self, eval_spec: dict[str, Any], prices: PriceTable):
        self._roles = roles_in_spec(eval_spec)
        self._prices = prices
        self._totals = UsageTotals()
        self.samples = 0
        self.skipped = 0

    def add(self, sample: dict[str, Any] | SampleReadError) -> dict[str, dict[str, Any]] | None:
        """Count one sample (an unreadable or malformed one is skipped).

        Returns:
            The sample's own usage per role (`sample_usage`), None when skipped.
        """
        if isinstance(sample, SampleReadError):
            self.skipped += 1
            return None
        try:
            usage = sample_usage(sample, self._roles, self._prices)
        except (ValueError, TypeError, KeyError, AttributeError):
            self.skipped += 1
            return None
        self.samples += 1
        self._totals.add(usage)
        return usage

    def figures(self) -> dict[str, Any]:
        """samples, skipped, and per role calls, tokens, cost_usd, compute_s, models and
        output tokens/s; cost_usd and the auditing overhead in total."""
        return {"samples": self.samples, "skipped": self.skipped, **_finish(self._totals)}


def usage_of_logs(
    paths: list[Path] | list[str], prices: PriceTable | None = None
) -> dict[str, Any]:
    """Per-role calls, tokens, cost, compute time and tokens/s of each log and in total.

    Args:
        paths: The `.eval` logs.
        prices: The pricing table (default: the shipped one).

    Returns:
        `logs` (one entry per log: samples, skipped, error, roles, cost_usd) and `totals`
        (the same over every log, with `samples`).
    """
    prices = prices or PriceTable()
    logs: list[dict[str, Any]] = []
    overall = UsageTotals()
    for path in [Path(p) for p in paths]:
        entry: dict[str, Any] = {"log": str(path), "samples": 0, "skipped": 0, "error": None}
        try:
            log = LogFile(path)
        except LogReadError as ex:
            entry["error"] = str(ex)
            logs.append(entry)
            continue
        with log:
            if not is_petri(log.eval_spec):
                entry["error"] = f"{path}: not a Petri audit log"
                logs.append(entry)
                continue
            counted = LogUsage(log.eval_spec, prices)
            for _, sample in log.samples():
                usage = counted.add(sample)
                if usage is not None:
                    overall.add(usage)
        entry.update(counted.figures())
        logs.append(entry)
    totals = {**_finish(overall), "samples": sum(log["samples"] for log in logs)}
    return {"logs": logs, "totals": totals}
