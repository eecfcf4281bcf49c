"""A judge panel as Petri's judge: every judge scores the transcript, the panel's score is kept.

The panel runs Petri's own `audit_judge` once per judge model, concurrently, on the
same rendered transcript, and returns one result under the scorer name
`audit_judge`: its value is the panel's aggregate per dimension, so every reader
of Petri's judge score (summary, export, study report) reads the panel's score;
each judge's raw scores and explanation sit in its metadata (`judges`,
`judge_explanations`), for agreement and for anyone who wants one judge's view.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import CachePolicy, Model
from inspect_ai.scorer import mean, stderr
from inspect_petri import audit_judge
from inspect_scout import Result, Scanner, Transcript, scanner

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.judging._aggregate import aggregate, present
from petri_bt.judging._stored import EXPLANATIONS_KEY, PANEL_METADATA_KEY


def judge_names(models: Sequence[str]) -> list[str]:
    """A name per judge: its model string, numbered when one model sits twice on a panel.

    Args:
        models: The panel's model strings, in order.
    """
    names = []
    for model in models:
        seen = sum(1 for earlier in models[: len(names)] if earlier == model)
        names.append(model if seen == 0 else f"{model}#{seen + 1}")
    return names


def _raw(value: Any) -> dict[str, float | None] | None:
    if not isinstance(value, dict):
        return None
    return {
        str(dim): float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
        for dim, v in value.items()
    }


def combine(names: Sequence[str], results: Sequence[Result | BaseException], method: str) -> Result:
    """The panel's result from each judge's result.

    Args:
        names: The judges' names, in the order of `results`.
        results: Each judge's result (or the exception its scan raised).
        method: The aggregate (`median`, `mean`, `min`, `max`).

    Returns:
        The aggregate per dimension as the value (None when no judge scored); the first
        scoring judge's highlights and summary; every judge's scores and explanation.
    """
    scores: dict[str, dict[str, float | None] | None] = {}
    explanations: dict[str, str | None] = {}
    failures: dict[str, str] = {}
    primary: Result | None = None
    for name, result in zip(names, results, strict=True):
        if isinstance(result, BaseException):
            scores[name] = None
            failures[name] = f"{type(result).__name__}: {result}"[:300]
            continue
        raw = _raw(result.value)
        scores[name] = raw
        explanations[name] = result.explanation
        if raw is None:
            failures[name] = "refused" if (result.metadata or {}).get("refusal") else "no score"
        elif primary is None:
            primary = result
    dims = list(dict.fromkeys(d for raw in scores.values() if raw for d in raw))
    value: dict[str, float] = {}
    for dim in dims:
        given = [raw[dim] for raw in scores.values() if raw and present(raw.get(dim))]
        panel = aggregate([v for v in given if v is not None], method)
        if panel is not None and math.isfinite(panel):
            value[dim] = panel
    metadata: dict[str, Any] = dict(primary.metadata or {}) if primary else {}
    metadata.update(
        {
            PANEL_METADATA_KEY: scores,
            EXPLANATIONS_KEY: explanations,
            "judge_aggregate": method,
            "judge_failures": failures,
        }
    )
    if not value:
        metadata.setdefault("refusal", all(f == "refused" for f in failures.values()))
        return Result(value=None, explanation="no judge of the panel scored", metadata=metadata)
    return Result(
        value=value,
        explanation=primary.explanation if primary else None,
        metadata=metadata,
        references=primary.references if primary else [],
    )


@scanner(name=JUDGE_SCORER, timeline=True, metrics={"*": [mean(), stderr()]})
def judge_panel(
    judges: Sequence[Model],
    names: Sequence[str],
    dimensions: Any = None,
    aggregate_method: str = "median",
    cache: bool | CachePolicy = False,
) -> Scanner[Transcript]:
    """Petri's judge, once per panel judge, combined into the panel's score.

    Args:
        judges: The judge models (each with the `judge` role, for usage accounting).
        names: A name per judge (see `judge_names`).
        dimensions: Petri's `judge_dimensions` argument (None: the default set).
        aggregate_method: How the judges' scores become the panel's.
        cache: Response caching policy of the judge calls.
    """
    scanners = [audit_judge(dimensions, model=model, cache=cache) for model in judges]

    async def scan(transcript: Transcript) -> Result:
        results = await asyncio.gather(
            *(one(transcript) for one in scanners), return_exceptions=True
        )
        for result in results:
            if isinstance(result, asyncio.CancelledError | KeyboardInterrupt):
                raise result
        return combine(names, results, aggregate_method)

    return scan
