"""The paired analysis: arm logs -> per-seed deltas -> statistics per (focus dimension, treatment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from petri_bt.judging import DEFAULT_DISAGREEMENT
from petri_bt.study._custom_dimensions import direction
from petri_bt.study._interval import METHODS, effect_size, mean_delta_interval, mean_delta_test
from petri_bt.study._logs import ArmSample, LogInfo
from petri_bt.study._panel_agreement import judge_agreement
from petri_bt.study._probe import pinned_probe, probe_delivered
from petri_bt.study._spec import StudySpec
from petri_bt.study._stats import holm, sign_test, spearman, wilcoxon_test


@dataclass(frozen=True)
class _SeedScores:
    """One seed in one arm: mean raw score per dimension over its usable epochs."""

    means: dict[str, float]
    epochs: int


def exclusion_reason(sample: ArmSample, probe: str | None) -> str | None:
    """Why a sample cannot be used, or None when it can.

    Args:
        sample: The audited sample.
        probe: The study's pinned probe, when it has one.
    """
    if sample.error:
        return f"sample error: {sample.error}"
    if probe is not None and not probe_delivered(probe, sample.sent_messages):
        return "probe not delivered"
    if sample.refusal:
        return "judge refusal"
    if sample.scores is None:
        return "no judge score"
    return None


def pinned_probes(spec: StudySpec) -> dict[str, str]:
    """Seed id -> the message its audit must deliver: the study's `probe`, else the
    seed's own `<probe>...</probe>` text. Seeds without one are not checked."""
    probes = {seed.id: spec.probe or pinned_probe(seed.text) for seed in spec.base_seeds}
    return {seed_id: probe for seed_id, probe in probes.items() if probe}


def _merge(logs: Sequence[LogInfo], probes: dict[str, str]) -> dict[tuple[str, int], ArmSample]:
    """One sample per (seed, epoch): a usable one beats an unusable one, later logs win ties.

    This is what lets an arm re-run on its own after a crash join the analysis.
    """
    chosen: dict[tuple[str, int], ArmSample] = {}
    for log in sorted(logs, key=lambda info: info.created):
        for sample in log.samples:
            key = (sample.seed_id, sample.epoch)
            previous = chosen.get(key)
            usable = exclusion_reason(sample, probes.get(sample.seed_id)) is None
            if (
                previous is None
                or usable
                or exclusion_reason(previous, probes.get(previous.seed_id)) is not None
            ):
                chosen[key] = sample
    return chosen


def _per_seed(
    samples: dict[tuple[str, int], ArmSample],
    probes: dict[str, str],
    arm: str,
    excluded: list[dict[str, Any]],
) -> dict[str, _SeedScores]:
    usable: dict[str, list[dict[str, float]]] = {}
    for (seed_id, epoch), sample in sorted(samples.items()):
        reason = exclusion_reason(sample, probes.get(seed_id))
        if reason is None:
            assert sample.scores is not None
            usable.setdefault(seed_id, []).append(sample.scores)
        else:
            excluded.append({"seed_id": seed_id, "epoch": epoch, "arm": arm, "reason": reason})
    result: dict[str, _SeedScores] = {}
    for seed_id, epochs in usable.items():
        dims = {d for scores in epochs for d in scores}
        means = {}
        for dim in sorted(dims):
            values = [scores[dim] for scores in epochs if dim in scores]
            means[dim] = sum(values) / len(values)
        result[seed_id] = _SeedScores(means=means, epochs=len(epochs))
    return result


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _dimension_stats(
    dim: str,
    spec: StudySpec,
    treatment: str,
    paired: list[str],
    base: dict[str, _SeedScores],
    treat: dict[str, _SeedScores],
) -> dict[str, Any]:
    seeds = [s for s in paired if dim in base[s].means and dim in treat[s].means]
    b = [base[s].means[dim] for s in seeds]
    t = [treat[s].means[dim] for s in seeds]
    deltas = [tv - bv for bv, tv in zip(b, t, strict=True)]
    palette = spec.palette(dim)
    return {
        "dimension": dim,
        "treatment": treatment,
        "delta": spec.delta(treatment),
        "palette": palette,
        "direction": direction(palette),
        "n": len(deltas),
        "missing_score": sorted(set(paired) - set(seeds)),
        "mean_baseline": _mean(b),
        "mean_treatment": _mean(t),
        "mean_delta": _mean(deltas),
        "ci95": mean_delta_interval(deltas),
        "effect_size": effect_size(deltas),
        "t_test": mean_delta_test(deltas),
        "sign_test": sign_test(deltas),
        "wilcoxon": wilcoxon_test(deltas),
    }


def _moderators(
    spec: StudySpec,
    treatment: str,
    paired: list[str],
    base: dict[str, _SeedScores],
    treat: dict[str, _SeedScores],
) -> list[dict[str, Any]]:
    rows = []
    for moderator in spec.moderator_dimensions:
        for dim in spec.focus_dimensions:
            seeds = [
                s
                for s in paired
                if moderator in treat[s].means and dim in base[s].means and dim in treat[s].means
            ]
            x = [treat[s].means[moderator] for s in seeds]
            y = [treat[s].means[dim] - base[s].means[dim] for s in seeds]
            rows.append(
                {"treatment": treatment, "moderator": moderator, "dimension": dim, **spearman(x, y)}
            )
    return rows


def _unpaired(
    spec: StudySpec,
    treatment: str,
    audited: dict[str, set[str]],
    scores: dict[str, dict[str, _SeedScores]],
) -> list[dict[str, Any]]:
    """The seeds that cannot pair between the baseline and one treatment, with why."""
    arms = (spec.baseline, treatment)
    items = []
    for seed in sorted(audited[spec.baseline] ^ audited[treatment]):
        missing = treatment if seed in audited[spec.baseline] else spec.baseline
        items.append(
            {"seed_id": seed, "treatment": treatment, "reason": f"not audited in arm {missing!r}"}
        )
    for seed in sorted(audited[spec.baseline] & audited[treatment]):
        gone = [arm for arm in arms if seed not in scores[arm]]
        if gone:
            items.append(
                {
                    "seed_id": seed,
                    "treatment": treatment,
                    "reason": f"excluded in arm(s) {', '.join(gone)}",
                }
            )
    return items


def _models(logs: Sequence[LogInfo]) -> dict[str, list[str]]:
    models: dict[str, set[str]] = {}
    for log in logs:
        for role, model in log.models.items():
            models.setdefault(role, set()).add(model)
    return {role: sorted(values) for role, values in sorted(models.items())}


def _versions(logs: Sequence[LogInfo]) -> dict[str, Any]:
    from petri_bt.run import package_versions

    found: dict[str, Any] = dict(package_versions())
    recorded = sorted({v for log in logs for k, v in log.packages.items() if k == "inspect_ai"})
    found["inspect-ai (in logs)"] = recorded
    return found


def analyse(
    spec: StudySpec,
    arms: dict[str, Sequence[LogInfo]],
    judge_disagreement: float = DEFAULT_DISAGREEMENT,
) -> dict[str, Any]:
    """The paired report of a study, as plain data (valid JSON, no NaN).

    Every treatment is compared with the baseline on every focus dimension: one row
    per (dimension, treatment), Holm-adjusted across all of them.

    Args:
        spec: The study.
        arms: Condition name -> the logs holding that arm's samples (several when an
            arm was re-run); the samples must already be that arm's only.
        judge_disagreement: Raw points apart at which a judge panel's scores flag a sample
            (used only when the samples carry several judges' scores).

    Returns:
        The report: study, arms, comparisons, per-(dimension, treatment) statistics with
        Holm-adjusted p-values, the methods behind them, judge agreement (None for a
        single judge), moderator correlations, per-seed scores and deltas, exclusions,
        provenance.
    """
    excluded: list[dict[str, Any]] = []
    probes = pinned_probes(spec)
    names = [condition.name for condition in spec.arms]
    merged = {name: _merge(arms.get(name, ()), probes) for name in names}
    scores = {name: _per_seed(merged[name], probes, name, excluded) for name in names}
    audited = {name: {seed for seed, _ in samples} for name, samples in merged.items()}
    base = scores[spec.baseline]

    paired = {t: sorted(set(base) & set(scores[t])) for t in spec.treatments}
    unpaired = [item for t in spec.treatments for item in _unpaired(spec, t, audited, scores)]
    dimensions = [
        _dimension_stats(dim, spec, t, paired[t], base, scores[t])
        for dim in spec.focus_dimensions
        for t in spec.treatments
    ]
    for test in ("t_test", "sign_test", "wilcoxon"):
        adjusted = holm([d[test]["p"] for d in dimensions])
        for row, p in zip(dimensions, adjusted, strict=True):
            row[test]["p_holm"] = p

    shown = list(dict.fromkeys([*spec.focus_dimensions, *spec.moderator_dimensions]))
    all_logs = [log for name in names for log in arms.get(name, ())]
    fingerprints = sorted(
        {s.fingerprint for name in merged for s in merged[name].values() if s.fingerprint}
    )
    return {
        "study": _study_block(spec, probes),
        "arms": {
            name: _arm_block(spec, name, arms.get(name, ()), merged[name], scores[name])
            for name in names
        },
        "comparisons": [
            {"treatment": t, "delta": spec.delta(t), "n_paired": len(paired[t])}
            for t in spec.treatments
        ],
        "dimensions": dimensions,
        "methods": dict(METHODS),
        "agreement": judge_agreement(_usable(merged, probes), shown, judge_disagreement),
        "moderators": [
            row for t in spec.treatments for row in _moderators(spec, t, paired[t], base, scores[t])
        ],
        "per_seed": _per_seed_rows(spec, paired, scores, shown),
        "excluded": excluded,
        "unpaired": unpaired,
        "warnings": _warnings(spec, fingerprints, all_logs),
        "provenance": {
            "study_fingerprint": spec.fingerprint,
            "fingerprints_in_logs": fingerprints,
            "study_file": str(spec.path),
            "versions": _versions(all_logs),
            "models": _models(all_logs),
        },
    }


def _usable(
    merged: dict[str, dict[tuple[str, int], ArmSample]], probes: dict[str, str]
) -> dict[str, dict[tuple[str, int], ArmSample]]:
    """Per arm, the samples the analysis uses (none excluded)."""
    return {
        name: {
            key: sample
            for key, sample in samples.items()
            if exclusion_reason(sample, probes.get(sample.seed_id)) is None
        }
        for name, samples in merged.items()
    }


def _arm_block(
    spec: StudySpec,
    name: str,
    logs: Sequence[LogInfo],
    samples: dict[tuple[str, int], ArmSample],
    scores: dict[str, _SeedScores],
) -> dict[str, Any]:
    return {
        "condition": name,
        "role": spec.role(name),
        "description": spec.condition(name).description,
        "logs": [log.path for log in logs],
        "samples": len(samples),
        "usable_seeds": len(scores),
    }


def _study_block(spec: StudySpec, probes: dict[str, str]) -> dict[str, Any]:
    return {
        "name": spec.name,
        "title": spec.title,
        "hypothesis": spec.hypothesis,
        "baseline": spec.baseline,
        "treatments": list(spec.treatments),
        "focus_dimensions": list(spec.focus_dimensions),
        "moderator_dimensions": list(spec.moderator_dimensions),
        "probe": spec.probe,
        "probe_checked_seeds": sorted(probes),
        "smallest_effect": spec.smallest_effect,
    }


def _per_seed_rows(
    spec: StudySpec,
    paired: dict[str, list[str]],
    scores: dict[str, dict[str, _SeedScores]],
    shown: list[str],
) -> list[dict[str, Any]]:
    """Per paired seed: its scores in every arm it paired in, and its deltas."""
    base = scores[spec.baseline]
    rows = []
    for seed in sorted({s for t in spec.treatments for s in paired[t]}):
        with_seed = [t for t in spec.treatments if seed in paired[t]]
        rows.append(
            {
                "seed_id": seed,
                "scores": {
                    arm: {d: scores[arm][seed].means.get(d) for d in shown}
                    for arm in (spec.baseline, *with_seed)
                },
                "delta": {
                    t: {
                        d: scores[t][seed].means[d] - base[seed].means[d]
                        for d in spec.focus_dimensions
                        if d in base[seed].means and d in scores[t][seed].means
                    }
                    for t in with_seed
                },
            }
        )
    return rows


def _warnings(spec: StudySpec, fingerprints: list[str], logs: Sequence[LogInfo]) -> list[str]:
    warnings = []
    if any(f != spec.fingerprint for f in fingerprints):
        warnings.append(
            "the logs were produced from a different version of the study file "
            f"(fingerprints in logs: {', '.join(f[:12] for f in fingerprints)}; "
            f"current: {spec.fingerprint[:12]}); deltas may mix versions"
        )
    if len(_models(logs).get("target", [])) > 1:
        warnings.append("the arms audited different target models; the comparison is not paired")
    return warnings
