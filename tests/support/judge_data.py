"""Judge-like paired studies with a known truth, to calibrate the report's statistics.

A seed has a latent level shared by every arm and epoch of it (some seeds draw worse
behaviour than others); each audit (arm, epoch) adds its own noise; the treatment arm
adds the effect, which varies a little from seed to seed. The judge's score is the
latent rounded and clipped to 1..10, so scores pile up at the floor or the ceiling,
deltas tie and are often exactly 0, and a seed's epochs average to fractional deltas.

The truth (mean and SD of a seed's delta) is computed exactly by Gauss-Hermite
quadrature over the seed's latent level and effect, never from simulated data.

`bench/calibration.py` prints the calibration; tests/study/test_calibration.py runs a
fixed-seed subset. Both call the report's own functions through `petri_bt.study`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from petri_bt.study import effect_size, holm, mean_delta_interval, mean_delta_test, seeds_needed

SCORE_LOW, SCORE_HIGH = 1, 10


@dataclass(frozen=True)
class Shape:
    """Where judge scores sit on the 1-10 scale.

    Args:
        name: Label.
        centre: Latent centre of the baseline arm (0: about 3 in 4 scores are 1).
        seed_sd: Spread of seeds' latent levels (shared by the arms).
        noise_sd: Audit-to-audit noise of one score.
        effect_sd: Seed-to-seed spread of the treatment's effect (when it has one).
    """

    name: str
    centre: float
    seed_sd: float = 2.0
    noise_sd: float = 1.0
    effect_sd: float = 0.5


SHAPES = (
    Shape("floor-heavy", 0.0),  # 75% of scores at 1
    Shape("mid-scale", 5.0),
    Shape("near-ceiling", 10.5),  # 67% of scores at 10
)


def _scores(latent: np.ndarray, noise_sd: float, rng: np.random.Generator) -> np.ndarray:
    return np.clip(np.rint(latent + rng.normal(0.0, noise_sd, latent.shape)), 1, 10)


def paired_deltas(
    rng: np.random.Generator, shape: Shape, effect: float, n: int, epochs: int, studies: int
) -> np.ndarray:
    """Per-seed deltas (treatment - baseline, epochs averaged) of many simulated studies.

    Args:
        rng: Random generator.
        shape: Where the scores sit.
        effect: The treatment's latent effect (0: no effect, the deltas are symmetric).
        n: Paired seeds per study.
        epochs: Audits per seed and arm.
        studies: Studies to simulate.

    Returns:
        Array (studies, n).
    """
    level = shape.centre + rng.normal(0.0, shape.seed_sd, (studies, n, 1))
    shift = effect + (rng.normal(0.0, shape.effect_sd, (studies, n, 1)) if effect else 0.0)
    base = _scores(np.broadcast_to(level, (studies, n, epochs)), shape.noise_sd, rng)
    treat = _scores(np.broadcast_to(level + shift, (studies, n, epochs)), shape.noise_sd, rng)
    return treat.mean(-1) - base.mean(-1)


def _score_moments(latent: np.ndarray, noise_sd: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact mean and variance of one score given its latent level (rounding, clipping)."""
    from scipy.special import ndtr

    edges = np.arange(SCORE_LOW, SCORE_HIGH) + 0.5  # 1.5 .. 9.5
    below = ndtr((edges[:, None] - latent[None, :]) / noise_sd)  # P(score <= k)
    cdf = np.vstack([below, np.ones_like(latent)[None, :]])
    pmf = np.diff(np.vstack([np.zeros_like(latent)[None, :], cdf]), axis=0)
    values = np.arange(SCORE_LOW, SCORE_HIGH + 1, dtype=float)[:, None]
    mean = (values * pmf).sum(0)
    return mean, (values**2 * pmf).sum(0) - mean**2


def true_delta(shape: Shape, effect: float, epochs: int, nodes: int = 80) -> tuple[float, float]:
    """The population mean and SD of a seed's delta, by quadrature (no simulation).

    Args:
        shape: Where the scores sit.
        effect: The treatment's latent effect.
        epochs: Audits per seed and arm.
        nodes: Gauss-Hermite nodes per dimension.
    """
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / math.sqrt(2 * math.pi)
    spread = shape.effect_sd if effect else 0.0
    level = shape.centre + shape.seed_sd * x[:, None] + 0.0 * x[None, :]
    shift = effect + spread * x[None, :]
    weight = (w[:, None] * w[None, :]).ravel()
    base_mean, base_var = _score_moments(level.ravel(), shape.noise_sd)
    treat_mean, treat_var = _score_moments((level + shift).ravel(), shape.noise_sd)
    given = treat_mean - base_mean  # E[delta | seed]
    within = (treat_var + base_var) / epochs  # Var[delta | seed]
    mean = float((weight * given).sum())
    variance = float((weight * (within + (given - mean) ** 2)).sum())
    return mean, math.sqrt(variance)


def coverage(studies: np.ndarray, mean: float, sd: float) -> dict[str, float]:
    """How often the report's intervals cover the truth, over simulated studies.

    Args:
        studies: Per-seed deltas, one row per study (`paired_deltas`).
        mean: The true mean delta (`true_delta`).
        sd: The true SD of a seed's delta.

    Returns:
        mean (share of studies whose mean-delta interval covers the truth), d_z (the same
        for the effect size; an undefined interval counts as a miss), constant (share of
        studies whose deltas were all equal), width (median width of the mean's interval).
    """
    hits = Counter[str]()
    widths = []
    for row in studies:
        values = row.tolist()
        interval = mean_delta_interval(values)
        hits["mean"] += interval["low"] <= mean <= interval["high"]
        widths.append(interval["high"] - interval["low"])
        size = effect_size(values)
        hits["d_z"] += size["low"] is not None and size["low"] <= mean / sd <= size["high"]
        hits["constant"] += len(set(values)) == 1
    found = {key: hits[key] / len(studies) for key in ("mean", "d_z", "constant")}
    return {**found, "width": float(np.median(widths))}


def null_family(
    rng: np.random.Generator,
    n: int,
    studies: int,
    epochs: int = 1,
    centres: tuple[float, ...] = (0.0, 0.0, -0.5, 0.5, 1.0, 5.0),
    treatments: int = 2,
    seed_corr: float = 0.6,
    audit_corr: float = 0.5,
) -> np.ndarray:
    """Per-seed deltas of studies with no effect anywhere: every (dimension, treatment).

    Dimensions are correlated twice over: a seed that draws bad behaviour on one draws it
    on the others (seed_corr), and one transcript drives every dimension's score
    (audit_corr). The treatments share the baseline arm, as in a report.

    Returns:
        Array (studies, dimensions * treatments, n), dimension-major like the report.
    """
    dims = len(centres)
    seed_sd, noise_sd = SHAPES[0].seed_sd, SHAPES[0].noise_sd
    common = rng.normal(size=(studies, n, 1))
    own = rng.normal(size=(studies, n, dims))
    level = seed_sd * (math.sqrt(seed_corr) * common + math.sqrt(1 - seed_corr) * own)
    arms = treatments + 1
    audit = rng.normal(size=(studies, n, arms, epochs, 1))
    each = rng.normal(size=(studies, n, arms, epochs, dims))
    noise = noise_sd * (math.sqrt(audit_corr) * audit + math.sqrt(1 - audit_corr) * each)
    latent = np.asarray(centres) + level[:, :, None, None, :] + noise
    scores = np.clip(np.rint(latent), 1, 10).mean(3)  # studies, n, arms, dims
    deltas = scores[:, :, 1:, :] - scores[:, :, :1, :]  # studies, n, treatments, dims
    return np.transpose(deltas, (0, 3, 2, 1)).reshape(studies, dims * treatments, n)


def family_wise_error(
    rng: np.random.Generator, n: int, studies: int, epochs: int = 1, alpha: float = 0.05
) -> dict[str, float]:
    """Share of null studies where the report's Holm-adjusted test rejects anything.

    Returns:
        fwer, per_test (the unadjusted rejection rate of one comparison), comparisons.
    """
    families = null_family(rng, n, studies, epochs)
    any_rejected = rejected = 0
    for family in families:
        raw = [mean_delta_test(row.tolist())["p"] for row in family]
        adjusted = holm(raw)
        any_rejected += any(p is not None and p < alpha for p in adjusted)
        rejected += sum(p is not None and p < alpha for p in raw)
    comparisons = families.shape[1]
    return {
        "fwer": any_rejected / studies,
        "per_test": rejected / (studies * comparisons),
        "comparisons": comparisons,
    }


def _power_at(
    rng: np.random.Generator,
    shape: Shape,
    effect: float,
    planned: Counter[int],
    alpha: float,
) -> float:
    """Share of studies, run at each planned size, where the report's test has p < alpha."""
    hits = 0
    for seeds, count in sorted(planned.items()):
        for row in paired_deltas(rng, shape, effect, seeds, 1, count):
            p = mean_delta_test(row.tolist())["p"]
            hits += p is not None and p < alpha
    total = sum(planned.values())
    return hits / total if total else math.nan


def planned_power(
    rng: np.random.Generator,
    shape: Shape,
    effect: float,
    pilot: int,
    pilots: int,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Power of the report's test at the seeds `action=plan` asks for, pilot to study.

    Each round runs a pilot of `pilot` seeds, asks `seeds_needed` for 80% power to detect
    the true mean delta, then runs a study of that many seeds and tests it.

    Returns:
        power (share of planned studies with p < alpha), seeds (median planned), power
        and seeds if the plan had trusted the pilot's SD (`seeds_if_sd_known`), undefined
        (share of pilots the plan could not size, left out), truth (the true mean delta).
    """
    mean, _ = true_delta(shape, effect, 1)
    planned, trusting = Counter[int](), Counter[int]()
    for row in paired_deltas(rng, shape, effect, pilot, 1, pilots):
        plan = seeds_needed(row.tolist(), abs(mean), alpha=alpha)
        if plan["seeds"] is not None:
            planned[plan["seeds"]] += 1
            trusting[plan["seeds_if_sd_known"]] += 1
    ordered, trusted = sorted(planned.elements()), sorted(trusting.elements())
    return {
        "power": _power_at(rng, shape, effect, planned, alpha),
        "seeds": ordered[len(ordered) // 2] if ordered else None,
        "power_if_sd_known": _power_at(rng, shape, effect, trusting, alpha),
        "seeds_if_sd_known": trusted[len(trusted) // 2] if trusted else None,
        "undefined": 1 - sum(planned.values()) / pilots,
        "truth": mean,
    }
