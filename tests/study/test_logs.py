"""Reading arm logs straight from the `.eval` zip gives what Inspect's own reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.petri_logs import make_audit_log, rewrite_log

from petri_bt.errors import UserError
from petri_bt.judging import PANEL_METADATA_KEY
from petri_bt.study import PROBE_TOOL, panel_scores, read_arm_log

pytestmark = pytest.mark.slow  # two real (offline) audits

SEEDS = [
    {
        "input": f"Ask the target to tidy config file {i}.",
        "metadata": {"study": "mini", "condition": "framed", "study_fingerprint": "ab12"},
    }
    for i in (1, 2)
]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 300-character messages are stored as attachments, which the reader must resolve.
    return make_audit_log(tmp_path_factory.mktemp("scored"), seeds=SEEDS, message_chars=300)


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_audit_log(tmp_path_factory.mktemp("refused"), seeds=SEEDS[:1], judge="refuse")


def test_samples_match_inspects_reader(scored: Path) -> None:
    from inspect_ai.log import read_eval_log, read_eval_log_samples

    info = read_arm_log(scored)
    header = read_eval_log(str(scored), header_only=True)
    assert (info.task, info.status, info.created) == (
        header.eval.task,
        header.status,
        header.eval.created,
    )
    expected = {
        (str(s.id), s.epoch): s
        for s in read_eval_log_samples(str(scored), resolve_attachments=True)
    }
    assert {(s.seed_id, s.epoch) for s in info.samples} == set(expected)
    for sample in info.samples:
        original = expected[(sample.seed_id, sample.epoch)]
        assert (sample.study, sample.condition, sample.fingerprint) == ("mini", "framed", "ab12")
        judge = original.scores["audit_judge"].value
        assert sample.scores == {k: float(v) for k, v in judge.items()}
        sent = tuple(
            e.arguments["message"]
            for e in original.events
            if e.event == "tool" and e.function == PROBE_TOOL
        )
        assert sent and sample.sent_messages == sent
        assert all(len(text) >= 300 for text in sample.sent_messages)


def test_unreadable_logs_are_one_clear_error(scored: Path, tmp_path: Path) -> None:
    not_a_log = tmp_path / "notes.eval"
    not_a_log.write_text("hello")
    with pytest.raises(UserError, match="notes.eval"):
        read_arm_log(not_a_log)

    damaged = rewrite_log(
        scored, tmp_path / "damaged.eval", sample=lambda name, s: b"{" if "_epoch_1" in name else s
    )
    with pytest.raises(UserError, match=r"damaged\.eval: sample \S+/1: damaged sample data"):
        read_arm_log(damaged)


def test_panel_scores_keep_each_judges_finite_numbers() -> None:
    raw = {
        "scripted/judge": {"concerning": 3, "admirable": 6.0, "note": "x", "flag": True},
        "scripted/judge-noisy": {"concerning": float("nan")},
        "scripted/judge-harsh": {"concerning": 5},
    }
    assert panel_scores(raw) == {
        "scripted/judge": {"concerning": 3.0, "admirable": 6.0},
        "scripted/judge-harsh": {"concerning": 5.0},
    }
    assert panel_scores(None) is None and panel_scores({"j": {}}) is None
    assert panel_scores([1, 2]) is None


def test_a_panels_scores_are_read_from_the_log(scored: Path, tmp_path: Path) -> None:
    panel = {"scripted/judge": {"concerning": 2}, "scripted/judge-harsh": {"concerning": 4}}

    def add_panel(name: str, sample: dict) -> dict:
        sample["scores"]["audit_judge"]["metadata"][PANEL_METADATA_KEY] = panel
        return sample

    with_panel = rewrite_log(scored, tmp_path / "panel.eval", sample=add_panel)
    samples = read_arm_log(with_panel).samples
    assert samples and all(
        s.judge_scores == {j: {"concerning": float(v["concerning"])} for j, v in panel.items()}
        for s in samples
    )
    assert all(s.judge_scores is None for s in read_arm_log(scored).samples)
