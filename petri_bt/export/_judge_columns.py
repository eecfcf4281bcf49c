"""A stored sample's judge score -> the row's score columns and its `judge` and
`dimensions` metadata (pure: dicts in, dicts out).

Each dimension's raw 1..10 score becomes a 0..1 column, with its direction, its
part of the judge's justification and, when asked, a `<dim>__inverted` column; a
judge panel's scores and spread go with it. A sample the judge did not score says
why.
"""

from __future__ import annotations

import math
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER, SCORE_RANGE
from petri_bt.export._context import LogContext
from petri_bt.judging import DEFAULT_DISAGREEMENT, EXPLANATIONS_KEY, spread, stored_panel
from petri_bt.logs import direction_of, raw_score, split_justification


def unit_score(raw: float) -> float:
    """Map Petri's 1..10 onto 0..1, keeping the dimension's meaning."""
    low, high = SCORE_RANGE
    return round((raw - low) / (high - low), 6)


def inverted(normalized: float, direction: str) -> float | None:
    """The same score with higher = better (None for neutral dimensions)."""
    if direction == "good-low":
        return round(1.0 - normalized, 6)
    if direction == "good-high":
        return normalized
    return None


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def first_line(text: Any, limit: int = 300) -> str:
    """The first line of a text, cut at `limit` characters ("" for no text)."""
    line = str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""
    return line[:limit]


def _judge_score(scores: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    if isinstance(scores.get(JUDGE_SCORER), dict):
        return JUDGE_SCORER, scores[JUDGE_SCORER]
    for name, score in scores.items():
        if isinstance(score, dict) and isinstance(score.get("value"), dict):
            return name, score
    return None, None


def judge_scores(
    sample: dict[str, Any], ctx: LogContext
) -> tuple[dict[str, float], dict[str, Any], dict[str, Any]]:
    """(score columns, the `judge` metadata, the `dimensions` metadata) of one sample.

    Args:
        sample: The sample as stored in the log.
        ctx: Facts about the log (dimension directions, expected dimensions, panel).
    """
    scorer, score = _judge_score(sample.get("scores") or {})
    judge: dict[str, Any] = {"scorer": scorer}
    if score is None:
        judge.update(status="missing", reason="the log has no judge score for this sample")
        return {}, judge, {}
    meta = score.get("metadata") or {}
    judge.update(
        {
            "summary": meta.get("summary"),
            "highlights": meta.get("highlights"),
            "references": meta.get("scanner_references") or [],
            "justification": score.get("explanation"),
            "stop_reason": meta.get("stop_reason"),
        }
    )
    value = score.get("value")
    if not isinstance(value, dict):
        if meta.get("refusal"):
            judge.update(
                status="refused",
                reason=f"the judge refused: {first_line(score.get('explanation'))}",
            )
        elif isinstance(value, float) and math.isnan(value):
            judge.update(status="failed", reason="the judge gave no valid answer (score is NaN)")
        else:
            judge.update(
                status="failed", reason=f"the judge score is not a dimension dict ({value!r})"[:300]
            )
        return {}, judge, {}

    names = [str(n) for n in value]
    parts, preamble = split_justification(score.get("explanation"), names)
    scores, dimensions, unscored = _dimension_columns(value, parts, ctx)
    for name in ctx.expected_dimensions or ():
        if name not in value:
            unscored[name] = "absent"
    judge["justification_preamble"] = preamble or None
    judge["unscored_dimensions"] = unscored
    panel = stored_panel(score)
    if panel is not None:
        judge["panel"] = _panel(panel, meta, ctx)
    if scores:
        judge["status"] = "scored"
    else:
        judge.update(status="failed", reason="the judge scored no dimension")
    return scores, judge, dimensions


def _dimension_columns(
    value: dict[str, Any], parts: dict[str, str], ctx: LogContext
) -> tuple[dict[str, float], dict[str, Any], dict[str, str]]:
    """(score columns, each dimension's entry, unscored dimension -> why) of a judge value."""
    scores: dict[str, float] = {}
    dimensions: dict[str, Any] = {}
    unscored: dict[str, str] = {}
    for name in [str(n) for n in value]:
        direction, source = direction_of(ctx.dimensions, name)
        raw, why = raw_score(value[name])
        entry: dict[str, Any] = {
            "raw": _json_safe(value[name]),
            "normalized": None,
            "direction": direction,
            "direction_source": source,
            "inverted": None,
            "explanation": parts.get(name),
        }
        if raw is None:
            entry["unscored"] = why
            unscored[name] = str(why)
        else:
            norm = unit_score(raw)
            entry["normalized"] = norm
            entry["inverted"] = inverted(norm, direction)
            scores[name] = norm
            if ctx.keep_inverted_scores and direction == "good-low":
                scores[f"{name}__inverted"] = entry["inverted"]
        dimensions[name] = entry
    return scores, dimensions, unscored


def _panel(panel: dict[str, Any], meta: dict[str, Any], ctx: LogContext) -> dict[str, Any]:
    """Each panel judge's raw scores and explanation, and how far apart they are."""
    settings = ctx.judge_panel or {}
    threshold = settings.get("disagreement", DEFAULT_DISAGREEMENT)
    scored = {judge: raw for judge, raw in panel.items() if isinstance(raw, dict)}
    spreads = {}
    for dim in dict.fromkeys(d for raw in scored.values() for d in raw):
        value = spread([raw.get(dim) for raw in scored.values()])
        if value is not None:
            spreads[dim] = value
    return {
        "judges": panel,
        "explanations": meta.get(EXPLANATIONS_KEY) or {},
        "failures": meta.get("judge_failures") or {},
        "aggregate": settings.get("aggregate") or meta.get("judge_aggregate"),
        "spread": spreads,
        "flagged": sorted(dim for dim, value in spreads.items() if value >= threshold),
        "disagreement": threshold,
    }
