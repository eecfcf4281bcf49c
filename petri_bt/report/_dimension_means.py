"""The figures every table and the page show: per audit and dimension the mean of the
per-seed scores with its interval, which settings vary between audits, and which audits
audited the same seeds."""

from __future__ import annotations

from dataclasses import dataclass

from petri_bt._dimensions import SCORE_RANGE
from petri_bt.report._audits import Audit

DIRECTION_ORDER = ("good-low", "good-high", "neutral")


@dataclass(frozen=True)
class Figures:
    """One audit's figures on one dimension.

    Args:
        mean: Mean over seeds of each seed's mean score (its epochs averaged first).
        low: The interval's low end (None with fewer than two seeds).
        high: The interval's high end.
        n: Seeds scored on the dimension.
        method: How the interval was made (`petri_bt.study.mean_delta_interval`).
    """

    mean: float
    low: float | None
    high: float | None
    n: int
    method: str


def seed_means(audit: Audit, dimension: str) -> dict[str, float]:
    """Seed id -> the seed's score on a dimension, its epochs averaged.

    Args:
        audit: The audit.
        dimension: The dimension.
    """
    totals: dict[str, list[float]] = {}
    for sample in audit.samples:
        if dimension in sample.scores:
            totals.setdefault(sample.seed_id, []).append(sample.scores[dimension])
    return {seed: sum(values) / len(values) for seed, values in totals.items()}


def audit_figures(audit: Audit) -> dict[str, Figures]:
    """Dimension -> the audit's figures, for every dimension it was scored on.

    Args:
        audit: The audit.
    """
    from petri_bt.study import mean_delta_interval

    figures: dict[str, Figures] = {}
    for dimension in audit.dimensions:
        values = list(seed_means(audit, dimension).values())
        interval = mean_delta_interval(values, bounds=SCORE_RANGE)
        figures[dimension] = Figures(
            mean=sum(values) / len(values),
            low=interval["low"],
            high=interval["high"],
            n=len(values),
            method=str(interval["method"]),
        )
    return figures


def ordered_dimensions(audits: list[Audit]) -> list[str]:
    """Every dimension scored in any audit: concerns (higher is worse) first, then those
    where higher is better, then those with no direction; alphabetical within each."""
    directions: dict[str, str] = {}
    for audit in audits:
        for dimension, direction in audit.directions.items():
            directions.setdefault(dimension, direction)
    return sorted(
        directions,
        key=lambda d: (
            DIRECTION_ORDER.index(directions[d]) if directions[d] in DIRECTION_ORDER else 0,
            d,
        ),
    )


def varying_keys(audits: list[Audit]) -> list[str]:
    """Override keys whose value differs between the audits (what was swept), in first-seen
    order; keys that change how a run is operated (export, display, ...) are left out."""
    from petri_bt.naming import is_operational

    seen: dict[str, set[str | None]] = {}
    for audit in audits:
        for key in audit.overrides:
            seen.setdefault(key, set())
    for key, values in seen.items():
        values.update(audit.overrides.get(key) for audit in audits)
    return [key for key, values in seen.items() if len(values) > 1 and not is_operational(key)]


def swept(audit: Audit, keys: list[str]) -> str:
    """The audit's values of the swept keys, as `key=value` words."""
    return " ".join(f"{key}={audit.overrides[key]}" for key in keys if key in audit.overrides)


def seed_sets(audits: list[Audit]) -> dict[int, str]:
    """Audit number -> a label shared by every audit that audited exactly the same seeds
    (`S1`, `S2`, ...): those audits are comparable seed by seed."""
    labels: dict[frozenset[str], str] = {}
    found: dict[int, str] = {}
    for audit in audits:
        if audit.seeds not in labels:
            labels[audit.seeds] = f"S{len(labels) + 1}"
        found[audit.number] = labels[audit.seeds]
    return found


def seed_set_notes(audits: list[Audit]) -> list[str]:
    """One line per seed set: its seeds and the audits that share it."""
    sets = seed_sets(audits)
    lines = []
    for label in dict.fromkeys(sets.values()):
        members = [a for a in audits if sets[a.number] == label]
        seeds = sorted(members[0].seeds)
        shown = ", ".join(seeds[:6]) + (f", ... ({len(seeds)} in all)" if len(seeds) > 6 else "")
        numbers = ", ".join(f"#{a.number}" for a in members)
        comparable = "comparable seed by seed" if len(members) > 1 else "no other audit"
        lines.append(f"{label}: {numbers} audited {len(seeds)} seed(s) ({shown}): {comparable}")
    return lines
