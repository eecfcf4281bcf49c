"""Planning before spending: cost forecast from a pilot, budget_usd refusals, action=plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from support.cli import cli_env, run_cli, run_folders
from support.petri_logs import PLAIN_SEED, STUDY_SEED, run_scripted_audit

from petri_bt import UserError, plan
from petri_bt.run import forecast

pytestmark = pytest.mark.slow

# USD per million tokens in petri_bt/logs/pricing.yaml
SONNET = {"input": 3.0, "output": 15.0, "cache_read": 0.3, "cache_write": 3.75}
OPUS = {"input": 5.0, "output": 25.0, "cache_read": 0.5, "cache_write": 6.25}


@pytest.fixture(scope="module")
def pilot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_scripted_audit(tmp_path_factory.mktemp("pilot"), [STUDY_SEED, PLAIN_SEED])


def _tokens_per_sample(log: Path) -> dict[str, dict[str, float]]:
    """Per role: the pilot's mean tokens per sample, read straight from the log's events."""
    from petri_bt.logs import LogFile

    totals: dict[str, dict[str, float]] = {}
    with LogFile(log) as reader:
        samples = [s for _, s in reader.samples()]
    for sample in samples:
        for event in sample["events"]:
            if event.get("event") != "model":
                continue
            usage = event["output"]["usage"]
            role = totals.setdefault(event["role"], dict.fromkeys(SONNET, 0.0))
            role["input"] += usage.get("input_tokens") or 0
            role["output"] += usage.get("output_tokens") or 0
            role["cache_read"] += usage.get("input_tokens_cache_read") or 0
            role["cache_write"] += usage.get("input_tokens_cache_write") or 0
    return {r: {k: v / len(samples) for k, v in t.items()} for r, t in totals.items()}


def _usd(tokens: dict[str, float], price: dict[str, float]) -> float:
    return sum(tokens[k] * price[k] for k in price) / 1_000_000


def test_the_forecast_prices_the_pilots_tokens_for_the_planned_models(pilot: Path) -> None:
    planned = plan(["preset=local-target", f"pilot={pilot}", "limit=40", "max_turns=6"])
    result = forecast(planned, samples=40)
    by_role = {r.role: r for r in result.roles}
    assert (by_role["target"].model, by_role["target"].usd_per_sample) == ("ollama/gemma4", 0.0)
    tokens = _tokens_per_sample(pilot)
    assert by_role["auditor"].model == "anthropic/claude-sonnet-4-6"
    assert by_role["auditor"].usd_per_sample == pytest.approx(_usd(tokens["auditor"], SONNET))
    assert by_role["judge"].usd_per_sample == pytest.approx(_usd(tokens["judge"], OPUS))
    assert result.pilot_samples == 2
    assert result.total_usd == pytest.approx(
        40 * (_usd(tokens["auditor"], SONNET) + _usd(tokens["judge"], OPUS))
    )


def test_a_budget_without_a_pilot_is_refused() -> None:
    planned = plan(["preset=offline", "budget_usd=5"])
    with pytest.raises(UserError, match="pilot="):
        forecast(planned, samples=5)
    with pytest.raises(UserError, match="budget_usd"):
        plan(["preset=offline", "budget_usd=-1"])


PRICED = "++export.pricing={scripted/auditor:{input:10.0,output:10.0}}"


def test_a_run_over_budget_is_refused_before_any_model_call(pilot: Path, tmp_path: Path) -> None:
    result = run_cli(
        "preset=offline", f"pilot={pilot}", "limit=5", "budget_usd=0.001", PRICED, cwd=tmp_path
    )
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("petri_bt: error: forecast USD") and "budget_usd=0.001" in line
    assert not list(tmp_path.rglob("*.eval")) and run_folders(tmp_path) == []


def test_a_sweep_over_budget_in_total_is_refused_before_its_first_job(
    pilot: Path, tmp_path: Path
) -> None:
    planned = plan(["preset=offline", f"pilot={pilot}", "max_turns=3", PRICED])
    per_sample = forecast(planned, samples=1).total_usd
    # each job alone fits the budget, the two together do not
    budget = per_sample * 1.5
    result = run_cli(
        "-m",
        "preset=offline",
        f"pilot={pilot}",
        "limit=1",
        "max_turns=3",
        "repeat=1,2",
        f"budget_usd={budget}",
        PRICED,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "for a sweep of 2 jobs exceeds budget_usd" in line
    assert not (tmp_path / "outputs").exists()


def test_action_plan_for_a_run_prints_and_saves_the_forecast(pilot: Path, tmp_path: Path) -> None:
    result = run_cli("action=plan", f"from_logs={pilot}", "limit=20", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "anthropic/claude-opus-4-6" in result.stdout and "20 samples: USD" in result.stdout
    (run_dir,) = run_folders(tmp_path)
    saved = json.loads((run_dir / "plan.json").read_text())
    assert saved["forecast"]["samples"] == 20 and saved["forecast"]["total_usd"] > 0


def test_action_plan_for_a_study_prints_seeds_for_power_and_cost(
    pilot_study: dict[str, Any], tmp_path: Path
) -> None:
    result = run_cli(
        "study=observer-effect",
        "action=plan",
        f"from_logs={pilot_study['logs']}",
        cwd=tmp_path,
        env=cli_env(),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "seeds for 80% power" in result.stdout
    assert "cost of study observer-effect as configured" in result.stdout
    (run_dir,) = run_folders(tmp_path)
    saved = json.loads((run_dir / "plan.json").read_text())
    rows = {(r["dimension"], r["treatment"]): r for r in saved["power"]}
    # observer-effect: 6 focus dimensions x 2 treatments against the observed baseline
    assert len(rows) == 12
    concerning = rows[("concerning", "unobserved")]
    assert concerning["n_pilot"] == 4 and concerning["seeds"] >= 2
    # 10 base seeds x 3 conditions as configured
    assert saved["forecast"]["samples"] == 30
    assert saved["powered"]["samples"] == saved["powered"]["seeds"] * 3


def _turn_tokens(log: Path, role: str) -> list[list[int]]:
    """Per sample: a role's tokens in each auditor turn (turn k: from the auditor's k-th
    call to its next), read straight from the log's events."""
    from petri_bt.logs import LogFile

    samples = []
    with LogFile(log) as reader:
        for _, sample in reader.samples():
            turns = [0]
            for event in sample["events"]:
                if event.get("event") != "model":
                    continue
                if event["role"] == "auditor":
                    turns.append(0)
                if event["role"] == role:
                    usage = event["output"]["usage"]
                    turns[-1] += sum(
                        usage.get(key) or 0
                        for key in (
                            "input_tokens",
                            "output_tokens",
                            "input_tokens_cache_read",
                            "input_tokens_cache_write",
                        )
                    )
            samples.append(turns)
    return samples


def _per_sample(planned: Any, role: str) -> float:
    (row,) = [r for r in forecast(planned, samples=1).roles if r.role == role]
    return row.tokens_per_sample


def test_re_judged_copies_of_a_pilot_are_not_more_pilot_samples(
    pilot: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pilot"
    folder.mkdir()
    shutil.copy(pilot, folder / pilot.name)
    rejudged = run_cli(
        "action=rejudge",
        f"from_logs={folder}",
        "judge=scripted/judge-harsh",
        "export=none",
        cwd=tmp_path,
    )
    assert rejudged.returncode == 0, rejudged.stderr[-2000:]
    assert len(list(folder.glob("*.eval"))) == 2
    alone = forecast(plan(["preset=local-target", f"pilot={pilot}", "max_turns=6"]), samples=10)
    both = forecast(plan(["preset=local-target", f"pilot={folder}", "max_turns=6"]), samples=10)
    assert both.pilot_samples == alone.pilot_samples == 2
    assert [r.tokens_per_sample for r in both.roles] == [r.tokens_per_sample for r in alone.roles]
    assert any("re-judged" in note for note in both.notes)


def test_a_pilot_with_another_turn_budget_is_named_and_counted_turn_by_turn(pilot: Path) -> None:
    turns = _turn_tokens(pilot, "auditor")
    assert all(len(t) > 2 for t in turns)  # the pilot's audits ran two turns or more
    one_turn = plan(["preset=offline", f"pilot={pilot}", "max_turns=1"])
    result = forecast(one_turn, samples=1)
    assert any("max_turns 6 in the pilot, 1 here" in note for note in result.notes)
    expected = sum(t[0] + t[1] for t in turns) / len(turns)
    assert _per_sample(one_turn, "auditor") == pytest.approx(expected, abs=0.1)
    same = plan(["preset=offline", f"pilot={pilot}", "max_turns=6"])
    assert _per_sample(same, "auditor") == pytest.approx(sum(map(sum, turns)) / len(turns), abs=0.1)


def test_a_pilot_cut_short_by_its_budget_is_extended_by_its_last_turn(tmp_path: Path) -> None:
    ran = run_cli("preset=offline", "limit=2", "max_turns=2", "export=none", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr[-2000:]
    (short,) = list((run_folders(tmp_path)[0] / "logs").glob("*.eval"))
    turns = _turn_tokens(short, "auditor")
    assert all(len(t) == 3 for t in turns)  # both audits used their two turns
    longer = plan(["preset=offline", f"pilot={short}", "max_turns=5"])
    expected = sum(t[0] + t[1] + t[2] * 4 for t in turns) / len(turns)  # turn 2, then 3 more
    assert _per_sample(longer, "auditor") == pytest.approx(expected, abs=0.1)


def test_a_pilot_of_other_models_is_named(pilot: Path) -> None:
    result = forecast(plan(["preset=offline", f"pilot={pilot}", "max_turns=6"]), samples=1)
    (note,) = [n for n in result.notes if "differs" in n]
    assert "target scripted/compliant in the pilot, scripted/oversight-sensitive here" in note
    assert "auditor" not in note  # the same auditor and judge: not named


def test_a_run_holds_its_budget_and_shows_spend_against_the_forecast(tmp_path: Path) -> None:
    """A tiny pilot forecasts far less than the run spends: the budget passes the check
    before the run, then stops new samples once the first one has spent it."""
    from support.petri_logs import make_audit_log

    tiny = make_audit_log(tmp_path / "tiny", turns=1, message_chars=10)
    priced = "++export.pricing={scripted/auditor:{input:10.0,output:10.0}}"
    args = ["preset=offline", "limit=3", "max_samples=1", "max_turns=2", "export=none"]
    result = run_cli(*args, f"pilot={tiny}", "budget_usd=0.05", priced, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "budget_usd=0.05 reached" in result.stderr and "2 sample(s) not started" in result.stderr
    (run_dir,) = run_folders(tmp_path)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["budget"]["reached"] and summary["budget"]["samples_not_started"] == 2
    assert summary["cancelled"] == 2 and summary["errors"] == 0
    spend = summary["spend"]
    assert spend["samples"] == {"forecast": 3, "actual": 1}
    assert spend["total"]["actual_usd"] > 0.05 > spend["total"]["forecast_usd"]
    assert set(spend["roles"]) >= {"auditor", "target", "judge"}
    assert "spend against the forecast" in result.stdout


def test_action_show_with_a_pilot_prints_the_forecast(pilot: Path, tmp_path: Path) -> None:
    result = run_cli("action=show", f"pilot={pilot}", "limit=20", "epochs=2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "anthropic/claude-opus-4-6" in result.stdout and "40 samples: USD" in result.stdout
    assert not (tmp_path / "outputs").exists()
