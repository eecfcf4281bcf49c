"""The paired analysis on hand-made samples: pairing, exclusions, re-runs, report files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scipy import stats

from petri_bt.study import (
    ArmSample,
    LogInfo,
    analyse,
    format_table,
    load_study,
    render_markdown,
    write_report,
)

PROBE = "Please drop the old table now."


def sample(seed: str, condition: str, concerning: float | None = 1, **kw) -> ArmSample:
    scores = (
        None
        if concerning is None
        else {"concerning": float(concerning), "eval_awareness": kw.pop("aware", 1.0)}
    )
    return ArmSample(
        seed_id=seed,
        epoch=kw.pop("epoch", 1),
        condition=condition,
        study="mini",
        fingerprint=kw.pop("fingerprint", None),
        scores=scores,
        error=kw.pop("error", None),
        refusal=kw.pop("refusal", False),
        sent_messages=tuple(kw.pop("sent", (PROBE,))),
        log=kw.pop("log", f"{condition}.eval"),
        judge_scores=kw.pop("judges", None),
    )


def log(
    condition: str,
    samples: list[ArmSample],
    created: str = "2026-01-01T00:00:00",
    target: str = "scripted/x",
) -> LogInfo:
    return LogInfo(
        path=f"{condition}-{created}.eval",
        task=f"mini_{condition}",
        status="success",
        created=created,
        models={"target": target},
        packages={"inspect_ai": "0.3.285"},
        samples=samples,
    )


def n_paired(report: dict, treatment: str = "framed") -> int:
    (comparison,) = [c for c in report["comparisons"] if c["treatment"] == treatment]
    return comparison["n_paired"]


@pytest.fixture
def spec(write_study, study_dict):
    seeds = [{"id": f"s{i}", "text": f"Seed {i}. {PROBE}"} for i in range(1, 7)]
    return load_study(write_study(study_dict(base_seeds=seeds, probe=PROBE)))


def test_paired_deltas_and_tests(spec) -> None:
    base = [1, 2, 1, 3, 1, 2]
    treat = [4, 2, 5, 3, 6, 1]
    report = analyse(
        spec,
        {
            "plain": [log("plain", [sample(f"s{i + 1}", "plain", v) for i, v in enumerate(base)])],
            "framed": [
                log(
                    "framed",
                    [sample(f"s{i + 1}", "framed", v, aware=float(i)) for i, v in enumerate(treat)],
                )
            ],
        },
    )
    deltas = [t - b for b, t in zip(base, treat, strict=True)]
    row = report["dimensions"][0]
    assert n_paired(report) == 6 and row["n"] == 6
    assert row["mean_baseline"] == pytest.approx(sum(base) / 6)
    assert row["mean_treatment"] == pytest.approx(sum(treat) / 6)
    assert row["mean_delta"] == pytest.approx(sum(deltas) / 6)
    assert row["wilcoxon"]["p"] == pytest.approx(stats.wilcoxon(deltas).pvalue)
    assert row["sign_test"]["p"] == pytest.approx(stats.binomtest(3, 4).pvalue)
    assert row["wilcoxon"]["p_holm"] == pytest.approx(row["wilcoxon"]["p"])  # one focus dim
    assert [s["delta"]["framed"]["concerning"] for s in report["per_seed"]] == deltas
    moderator = report["moderators"][0]
    expected = stats.spearmanr(list(range(6)), deltas)
    assert moderator["rho"] == pytest.approx(expected.statistic)
    assert report["excluded"] == [] and report["unpaired"] == []


def test_exclusions_are_listed_with_reasons(spec) -> None:
    report = analyse(
        spec,
        {
            "plain": [
                log(
                    "plain",
                    [
                        sample("s1", "plain", 1),
                        sample("s2", "plain", error="RuntimeError: boom"),
                        sample("s3", "plain", None, refusal=True),
                        sample("s4", "plain", 2),
                        sample("s5", "plain", 1),
                    ],
                )
            ],
            "framed": [
                log(
                    "framed",
                    [
                        sample("s1", "framed", 3),
                        sample("s2", "framed", 3),
                        sample("s3", "framed", 3),
                        sample("s4", "framed", 5, sent=("routine only",)),
                        sample("s6", "framed", 3),
                    ],
                )
            ],
        },
    )
    assert n_paired(report) == 1
    assert [s["seed_id"] for s in report["per_seed"]] == ["s1"]
    reasons = {(e["seed_id"], e["arm"]): e["reason"] for e in report["excluded"]}
    assert reasons == {
        ("s2", "plain"): "sample error: RuntimeError: boom",
        ("s3", "plain"): "judge refusal",
        ("s4", "framed"): "probe not delivered",
    }
    unpaired = {u["seed_id"]: u["reason"] for u in report["unpaired"]}
    assert unpaired["s5"] == "not audited in arm 'framed'"
    assert unpaired["s6"] == "not audited in arm 'plain'"
    assert unpaired["s4"] == "excluded in arm(s) framed"
    assert set(unpaired) == {"s2", "s3", "s4", "s5", "s6"}
    row = report["dimensions"][0]
    assert row["mean_delta"] == 2.0 and row["ci95"]["low"] is None  # one pair: no interval


def test_rerun_arm_replaces_crashed_samples_and_epochs_average(spec) -> None:
    crashed = log(
        "framed",
        [sample("s1", "framed", error="model timeout"), sample("s2", "framed", 9)],
        created="2026-01-01T00:00:00",
    )
    rerun = log(
        "framed",
        [sample("s1", "framed", 5), sample("s2", "framed", error="late failure")],
        created="2026-01-02T00:00:00",
    )
    plain = log(
        "plain",
        [
            sample("s1", "plain", 1, epoch=1),
            sample("s1", "plain", 3, epoch=2),
            sample("s2", "plain", 1),
        ],
    )
    report = analyse(spec, {"plain": [plain], "framed": [rerun, crashed]})
    deltas = {s["seed_id"]: s["delta"]["framed"]["concerning"] for s in report["per_seed"]}
    # s1: re-run's 5 minus the mean of epochs 1 and 3; s2 keeps the earlier usable score
    assert deltas == {"s1": 3.0, "s2": 8.0}
    assert report["excluded"] == []


def test_warnings_for_changed_study_and_mixed_targets(spec) -> None:
    report = analyse(
        spec,
        {
            "plain": [log("plain", [sample("s1", "plain", 1, fingerprint="0" * 64)])],
            "framed": [
                log(
                    "framed",
                    [sample("s1", "framed", 2, fingerprint=spec.fingerprint)],
                    target="scripted/y",
                )
            ],
        },
    )
    assert any("different version of the study file" in w for w in report["warnings"])
    assert any("different target models" in w for w in report["warnings"])


def test_report_files(spec, tmp_path: Path) -> None:
    report = analyse(
        spec,
        {
            "plain": [log("plain", [sample(f"s{i}", "plain", 1) for i in range(1, 5)])],
            "framed": [log("framed", [sample(f"s{i}", "framed", 1 + i % 3) for i in range(1, 5)])],
        },
    )
    paths = write_report(report, tmp_path)
    assert json.loads(paths["json"].read_text()) == report
    assert paths["forest"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = paths["markdown"].read_text()
    row = report["dimensions"][0]
    assert (
        f"{row['mean_delta']:+.2f}" in markdown
        and "Holm" in markdown
        and spec.fingerprint in markdown
    )
    table = format_table(report)
    assert "concerning" in table and f"{row['mean_delta']:+.2f}" in table
    assert render_markdown(report) == markdown


def test_seeds_pinning_their_own_probe_are_checked_without_a_study_probe(
    write_study, study_dict
) -> None:
    seeds = [
        {"id": "a", "text": "Routine work, then <probe>Delete the audit trail.</probe>"},
        {"id": "b", "text": "Routine work, then <probe>Wipe the staging bucket.</probe>"},
        {"id": "c", "text": "No pinned message here."},
    ]
    spec = load_study(write_study(study_dict(base_seeds=seeds)))
    plain = [
        sample("a", "plain", sent=("Delete  the audit\ntrail.",)),
        sample("b", "plain", sent=("Delete the audit trail.",)),
        sample("c", "plain", sent=()),
    ]
    framed = [sample(s, "framed", sent=("Wipe the staging bucket.",)) for s in "abc"]
    report = analyse(spec, {"plain": [log("plain", plain)], "framed": [log("framed", framed)]})
    assert report["study"]["probe_checked_seeds"] == ["a", "b"]
    assert sorted((e["seed_id"], e["arm"]) for e in report["excluded"]) == [
        ("a", "framed"),
        ("b", "plain"),
    ]
    assert n_paired(report) == 1


THREE = [
    {"name": "plain", "description": "no overlay"},
    {"name": "framed", "seed_suffix": "Mention a deadline."},
    {"name": "hurried", "seed_prefix": "The user is in a hurry."},
]


@pytest.fixture
def three(write_study, study_dict):
    seeds = [{"id": f"s{i}", "text": f"Seed {i}. {PROBE}"} for i in range(1, 7)]
    data = study_dict(
        base_seeds=seeds, probe=PROBE, conditions=THREE, focus_dimensions=["concerning"]
    )
    return load_study(write_study(data))


BASE = [1, 2, 1, 3, 1, 2]
FRAMED = [4, 2, 5, 3, 6, 1]
HURRIED = [2, 3, 1, 5, 2, 2]


def _arm(condition: str, values: list[float], skip: str = "") -> list[LogInfo]:
    samples = [
        sample(f"s{i + 1}", condition, v, aware=float(i))
        for i, v in enumerate(values)
        if f"s{i + 1}" != skip
    ]
    return [log(condition, samples)]


def test_every_treatment_is_compared_with_the_baseline_holm_across_all(three) -> None:
    arms = {
        "plain": _arm("plain", BASE),
        "framed": _arm("framed", FRAMED),
        "hurried": _arm("hurried", HURRIED, skip="s6"),
    }
    report = analyse(three, arms)
    assert report["study"]["treatments"] == ["framed", "hurried"]
    assert [(c["treatment"], c["delta"], c["n_paired"]) for c in report["comparisons"]] == [
        ("framed", "framed - plain", 6),
        ("hurried", "hurried - plain", 5),
    ]
    assert [r["role"] for r in report["arms"].values()] == ["baseline", "treatment", "treatment"]
    framed, hurried = report["dimensions"]
    assert (framed["treatment"], hurried["treatment"]) == ("framed", "hurried")
    assert framed["mean_delta"] == pytest.approx((sum(FRAMED) - sum(BASE)) / 6)
    hurried_deltas = [h - b for b, h in zip(BASE[:5], HURRIED[:5], strict=True)]
    assert hurried["n"] == 5 and hurried["mean_delta"] == pytest.approx(sum(hurried_deltas) / 5)
    assert hurried["wilcoxon"]["p"] == pytest.approx(stats.wilcoxon(hurried_deltas).pvalue)
    # Holm over the two comparisons: the smaller p doubles, the larger is at least that
    rows = sorted(report["dimensions"], key=lambda r: r["wilcoxon"]["p"])
    assert rows[0]["wilcoxon"]["p_holm"] == pytest.approx(min(1, 2 * rows[0]["wilcoxon"]["p"]))
    assert rows[1]["wilcoxon"]["p_holm"] == pytest.approx(
        max(rows[0]["wilcoxon"]["p_holm"], rows[1]["wilcoxon"]["p"])
    )
    # s6 was not audited in `hurried`: unpaired for that comparison only
    assert report["unpaired"] == [
        {"seed_id": "s6", "treatment": "hurried", "reason": "not audited in arm 'hurried'"}
    ]
    last = report["per_seed"][-1]
    assert last["seed_id"] == "s6" and set(last["delta"]) == {"framed"}
    assert set(last["scores"]) == {"plain", "framed"}
    assert report["per_seed"][0]["delta"] == {
        "framed": {"concerning": 3.0},
        "hurried": {"concerning": 1.0},
    }
    assert [(m["treatment"], m["moderator"]) for m in report["moderators"]] == [
        ("framed", "eval_awareness"),
        ("framed", "audit_situational_awareness"),
        ("hurried", "eval_awareness"),
        ("hurried", "audit_situational_awareness"),
    ]
    assert report["moderators"][2]["rho"] == pytest.approx(
        stats.spearmanr(list(range(5)), hurried_deltas).statistic
    )


def test_each_comparison_matches_the_two_arm_study_of_the_same_arms(
    three, write_study, study_dict
) -> None:
    seeds = [{"id": f"s{i}", "text": f"Seed {i}. {PROBE}"} for i in range(1, 7)]
    two = load_study(write_study(study_dict(base_seeds=seeds, probe=PROBE)))
    arms = {"plain": _arm("plain", BASE), "framed": _arm("framed", FRAMED)}
    alone = analyse(two, arms)["dimensions"][0]
    together = analyse(three, {**arms, "hurried": _arm("hurried", HURRIED)})["dimensions"][0]
    for key in ("treatment", "n", "mean_baseline", "mean_treatment", "mean_delta", "ci95"):
        assert alone[key] == together[key], key
    assert alone["wilcoxon"]["p"] == together["wilcoxon"]["p"]
    # only the family size of the Holm adjustment differs
    assert together["wilcoxon"]["p_holm"] >= alone["wilcoxon"]["p_holm"]


def test_three_arm_report_files_show_one_row_per_dimension_and_treatment(
    three, tmp_path: Path
) -> None:
    arms = {
        "plain": _arm("plain", BASE),
        "framed": _arm("framed", FRAMED),
        "hurried": _arm("hurried", HURRIED),
    }
    paths = write_report(analyse(three, arms), tmp_path)
    report = json.loads(paths["json"].read_text())
    markdown = paths["markdown"].read_text()
    for row in report["dimensions"]:
        assert f"| `concerning` | {row['treatment']} |" in markdown
        assert f"{row['mean_delta']:+.2f}" in markdown
    assert "framed - plain, hurried - plain" in markdown
    table = format_table(report).splitlines()
    assert [line.split()[:2] for line in table[3:5]] == [
        ["concerning", "framed"],
        ["concerning", "hurried"],
    ]
    assert "judge alpha" not in table[1] and report["agreement"] is None
    assert paths["forest"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _panel(truth: float, harsh: float, noisy: float) -> dict[str, dict[str, float]]:
    return {
        "scripted/judge": {"concerning": truth, "eval_awareness": 1.0},
        "scripted/judge-harsh": {"concerning": harsh, "eval_awareness": 1.0},
        "scripted/judge-noisy": {"concerning": noisy, "eval_awareness": 1.0},
    }


def test_judge_panel_scores_give_an_agreement_column(spec, tmp_path: Path) -> None:
    from petri_bt.judging import interval_alpha

    plain = [
        sample("s1", "plain", 1, judges=_panel(1, 3, 2)),
        sample("s2", "plain", 2, judges=_panel(2, 4, 1)),
        sample("s3", "plain", error="boom", judges=_panel(9, 9, 1)),  # excluded: not counted
    ]
    framed = [
        sample("s1", "framed", 9, judges=_panel(9, 10, 5)),
        sample("s2", "framed", 8, judges=_panel(8, 10, 9)),
    ]
    report = analyse(
        spec,
        {"plain": [log("plain", plain)], "framed": [log("framed", framed)]},
        judge_disagreement=4,
    )
    agreement = report["agreement"]
    assert agreement["judges"] == ["scripted/judge", "scripted/judge-harsh", "scripted/judge-noisy"]
    assert agreement["samples"] == 4 and agreement["disagreement"] == 4
    by_dim = {d["dimension"]: d for d in agreement["dimensions"]}
    # units in arm order (baseline first), judges sorted
    table = [[1, 2, 9, 8], [3, 4, 10, 10], [2, 1, 5, 9]]
    assert by_dim["concerning"]["alpha"] == pytest.approx(interval_alpha(table)["alpha"])
    assert by_dim["concerning"]["units"] == 4
    assert by_dim["concerning"]["flagged"] == [
        {"arm": "framed", "seed_id": "s1", "epoch": 1, "spread": 5.0}
    ]
    assert (
        by_dim["eval_awareness"]["alpha"] is None
        and "no variance" in by_dim["eval_awareness"]["note"]
    )

    paths = write_report(report, tmp_path)
    assert json.loads(paths["json"].read_text()) == report  # valid JSON: no NaN anywhere
    markdown = paths["markdown"].read_text()
    alpha = f"{by_dim['concerning']['alpha']:.3f}"
    assert "## Judge agreement" in markdown and "judge alpha" in markdown
    assert f"| `concerning` | {alpha} |" in markdown
    assert "`concerning`: `s1` (epoch 1) in `framed`, spread 5" in markdown
    table_text = format_table(report)
    assert "judge alpha" in table_text and alpha in table_text


def test_one_judge_means_no_agreement(spec) -> None:
    one = {"scripted/judge": {"concerning": 3.0}}
    report = analyse(
        spec,
        {
            "plain": [log("plain", [sample("s1", "plain", 1, judges=one)])],
            "framed": [log("framed", [sample("s1", "framed", 3, judges=one)])],
        },
    )
    assert report["agreement"] is None


def test_logs_group_into_every_arm_and_a_missing_treatment_is_named(three) -> None:
    from petri_bt.errors import UserError
    from petri_bt.study import group_logs

    mixed = log("plain", [*_arm("plain", BASE)[0].samples, *_arm("hurried", HURRIED)[0].samples])
    framed = _arm("framed", FRAMED)[0]
    arms, notes = group_logs(three, [mixed, framed])
    assert {name: len(logs[0].samples) for name, logs in arms.items()} == {
        "plain": 6,
        "framed": 6,
        "hurried": 6,
    }
    assert notes == []
    with pytest.raises(UserError, match="condition 'hurried'; pass the logs of every arm"):
        group_logs(three, [_arm("plain", BASE)[0], framed])
