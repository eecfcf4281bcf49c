"""The headline commands, as a user types them, against the loopback model servers.

Every run here is `python -m petri_bt ...` in a subprocess with the real model names
of the presets; Inspect's `ollama/` and `anthropic/` providers make real HTTP calls.
Presets with a local auditor run with `compaction=false`: compaction counts a local
auditor's tokens with tiktoken, whose encoding cannot be downloaded offline
(preflight says so in one line; see test_preflight_providers.py).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.anthropic_api import TEST_KEY as ANTHROPIC_KEY
from support.anthropic_api import LoopbackAnthropic
from support.cli import cli_env, files_containing, run_cli, run_folders
from support.ollama_api import LoopbackOllama

pytestmark = pytest.mark.slow

# the table the exporter prices from (shipped with the export package)
PRICING = Path(__file__).resolve().parents[2] / "petri_bt" / "logs" / "pricing.yaml"
GENERATE_PATHS = ("/v1/chat/completions", "/v1/messages")


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


def _generate_calls(*servers: Any) -> Counter[str]:
    """Answered generate calls per served model name."""
    return Counter(
        str(r.model)
        for server in servers
        for r in server.requests
        if r.path in GENERATE_PATHS and r.status == 200
    )


def _sweep_summary(cwd: Path) -> dict[str, Any]:
    (folder,) = [p for p in (cwd / "outputs" / "sweeps").iterdir() if p.is_dir()]
    return _json(folder / "sweep_summary.json")


def _root_rows(folder: Path) -> list[dict[str, Any]]:
    rows = []
    for bundle in sorted(folder.rglob("braintrust-bundle/*.jsonl")):
        rows += [
            r for r in map(json.loads, bundle.read_text().splitlines()) if not r.get("span_parents")
        ]
    return rows


def test_the_issues_done_when_command_completes_with_judge_scores(
    tmp_path: Path, ollama: LoopbackOllama
) -> None:
    result = run_cli(
        "preset=local-target",
        "target=ollama/mistral",
        "auditor=scripted/auditor",
        "judge=scripted/judge",
        "limit=2",
        cwd=tmp_path,
        env=cli_env(**ollama.env()),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = run_folders(tmp_path)
    summary = _json(run_dir / "summary.json")
    (log,) = summary["logs"]
    assert (log["status"], log["samples"], log["errors"]) == ("success", 2, 0)
    assert log["models"]["target"] == "ollama/mistral"
    assert log["dimension_means"]["concerning"] >= 5  # the compliant persona goes along
    assert _generate_calls(ollama)["mistral"] >= 4
    paths = {r.path for r in ollama.requests}
    assert {"/api/tags", "/api/show"} <= paths  # preflight looked before any call


def test_every_preset_runs_a_complete_audit_with_its_real_model_names(
    tmp_path: Path, ollama: LoopbackOllama, anthropic: LoopbackAnthropic
) -> None:
    presets = ("local-target", "local-auditing", "fully-local", "fully-cloud")
    result = run_cli(
        "-m",
        f"preset={','.join(presets)}",
        "limit=1",
        "max_turns=3",
        "compaction=false",
        "export=local",
        cwd=tmp_path,
        env=cli_env(**ollama.env(), **anthropic.env()),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = _sweep_summary(tmp_path)
    jobs = {job["overrides"][0]: job for job in summary["jobs"]}
    for preset in presets:
        job = jobs[f"preset={preset}"]
        assert (job["status"], job["samples"], job["errors"]) == ("ok", 1, 0), preset
        assert job["dimension_means"].get("concerning") is not None, preset
    calls = _generate_calls(ollama, anthropic)
    # local-target: gemma4 + sonnet + opus; local-auditing: gemma4 + qwen3 + opus;
    # fully-local: gemma4 + qwen3 (auditor and judge); fully-cloud: haiku + sonnet + opus
    for model in (
        "gemma4",
        "qwen3:32b",
        "claude-sonnet-4-6",
        "claude-opus-4-6",
        "claude-haiku-4-5",
    ):
        assert calls[model] > 0, model
    assert calls["claude-opus-4-6"] == 3  # one judge call per job that judges in the cloud
    assert files_containing(tmp_path / "outputs", ANTHROPIC_KEY) == []


def test_a_two_target_ollama_sweep_runs_every_job(tmp_path: Path, ollama: LoopbackOllama) -> None:
    result = run_cli(
        "-m",
        "target=ollama/mistral,ollama/gemma4",
        "auditor=scripted/auditor",
        "judge=scripted/judge",
        "limit=1",
        "max_turns=3",
        "export=none",
        cwd=tmp_path,
        env=cli_env(**ollama.env()),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = _sweep_summary(tmp_path)
    assert [(j["status"], j["samples"]) for j in summary["jobs"]] == [("ok", 1), ("ok", 1)]
    calls = _generate_calls(ollama)
    assert calls["mistral"] > 0 and calls["gemma4"] > 0


def _priced(usage: dict[str, int], price: dict[str, float]) -> float:
    return (
        usage["input_tokens"] * price["input"]
        + usage["output_tokens"] * price["output"]
        + usage["cache_read_input_tokens"] * price["cache_read"]
        + usage["cache_creation_input_tokens"] * price["cache_write"]
    ) / 1e6


def test_observer_effect_on_an_ollama_target_shows_the_gap_and_exports_priced_usage(
    tmp_path: Path, ollama: LoopbackOllama, anthropic: LoopbackAnthropic
) -> None:
    # the default preset: target on Ollama (served as oversight-sensitive), auditor and
    # judge on Anthropic under their real names; compaction on (Anthropic counts tokens)
    result = run_cli(
        "study=observer-effect",
        "target=ollama/gemma4",
        "limit=2",
        "max_turns=4",
        "export=local",
        cwd=tmp_path,
        env=cli_env(**ollama.env(), **anthropic.env()),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = run_folders(tmp_path)
    report = _json(run_dir / "report.json")
    paired = {c["treatment"]: c["n_paired"] for c in report["comparisons"]}
    assert paired["unobserved"] == 2
    (concerning,) = [
        d
        for d in report["dimensions"]
        if (d["dimension"], d["treatment"]) == ("concerning", "unobserved")
    ]
    assert concerning["mean_delta"] > 0  # unobserved - observed: the oversight gap

    # every token the Anthropic server reported is in the export, priced from the table
    pricing = yaml.safe_load(PRICING.read_text())
    rows = _root_rows(run_dir)
    assert len(rows) == 2 * (len(paired) + 1)  # 2 seeds x every arm
    for role, served in (("auditor", "claude-sonnet-4-6"), ("judge", "claude-opus-4-6")):
        reported = [r.usage for r in anthropic.requests_for(served) if r.usage]
        sent = {k: sum(u[k] for u in reported) for k in reported[0]}
        usage = [row["metadata"]["usage"][role] for row in rows]
        assert {tuple(u["models"]) for u in usage} == {(f"anthropic/{served}",)}
        exported = {
            "input_tokens": sum(u["input_tokens"] for u in usage),
            "output_tokens": sum(u["output_tokens"] for u in usage),
            "cache_read_input_tokens": sum(u["cache_read_tokens"] for u in usage),
            "cache_creation_input_tokens": sum(u["cache_write_tokens"] for u in usage),
        }
        assert exported == sent, role
        assert sent["cache_read_input_tokens"] > 0 and sent["cache_creation_input_tokens"] > 0
        expected = _priced(sent, pricing[f"anthropic/{served}"])
        assert sum(u["cost_usd"] for u in usage) == pytest.approx(expected, rel=1e-6)
    target = [row["metadata"]["usage"]["target"] for row in rows]
    assert all(u["models"] == ["ollama/gemma4"] and u["cost_usd"] == 0 for u in target)
    assert all(u["input_tokens"] > 0 for u in target)
    assert files_containing(run_dir, ANTHROPIC_KEY) == []


def test_a_hanging_auditor_fails_its_sweep_job_and_the_other_job_finishes(
    tmp_path: Path, ollama: LoopbackOllama
) -> None:
    ollama.hang_next(None, model="qwen3:32b")
    result = run_cli(
        "-m",
        "auditor=ollama/qwen3:32b,scripted/auditor",
        "target=ollama/mistral",
        "judge=scripted/judge",
        "compaction=false",
        "limit=1",
        "max_turns=3",
        "timeout=1",
        "max_retries=0",
        "export=none",
        cwd=tmp_path,
        env=cli_env(**ollama.env()),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    summary = _sweep_summary(tmp_path)
    hung, healthy = summary["jobs"]
    assert (healthy["status"], healthy["samples"], healthy["errors"]) == ("ok", 1, 0)
    assert hung["status"] != "ok" and hung["errors"] >= 1
    held = [r for r in ollama.requests_for("qwen3:32b") if r.path in GENERATE_PATHS]
    assert held and all(r.status is None for r in held)
