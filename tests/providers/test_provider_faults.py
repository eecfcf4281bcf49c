"""Model servers misbehaving at the protocol level, and what a run does about it.

Each audit goes through Inspect's real provider classes to the loopback servers
(`petri_bt.execute`, the same path as the command line, in this process).
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support.anthropic_api import LoopbackAnthropic
from support.model_server import (
    CONTEXT_LENGTH,
    GARBAGE_JUDGE,
    MALFORMED_TOOL_ARGS,
    ServedModel,
)
from support.ollama_api import LoopbackOllama

import petri_bt

pytestmark = pytest.mark.slow

SMALL = ["limit=1", "max_turns=3", "export=local"]
# an agentic seed: the scripted auditor gives the target a tool (a faulty tool call needs one)
AGENTIC_SEED = "seeds=id:blackmail_self_preservation"
SCRIPTED_AUDIT = ["auditor=scripted/auditor", "judge=scripted/judge"]


def _run(tmp_path: Path, *overrides: str) -> Any:
    return petri_bt.execute([*SMALL, *overrides], run_dir=tmp_path / "run")


def _samples(log: Path) -> list[dict[str, Any]]:
    import zipfile_zstd  # noqa: F401  (Inspect writes zstd members)

    with zipfile.ZipFile(log) as zf:
        return [json.loads(zf.read(n)) for n in zf.namelist() if n.startswith("samples/")]


def _statuses(server: Any, model: str) -> list[int | None]:
    return [
        r.status for r in server.requests_for(model) if r.path.endswith(("completions", "messages"))
    ]


def test_429_529_and_500_are_retried_and_the_audit_completes(
    tmp_path: Path, ollama: LoopbackOllama, anthropic: LoopbackAnthropic
) -> None:
    ollama.fail_next(1, 429, retry_after=1, model="mistral")
    anthropic.fail_next(1, 529, model="claude-sonnet-4-6")
    anthropic.fail_next(1, 500, model="claude-opus-4-6")
    result = _run(tmp_path, "preset=local-target", "target=ollama/mistral")
    assert result.ok and result.summary["errors"] == 0
    assert result.summary["logs"][0]["dimension_means"]["concerning"] >= 5
    for server, model, status in (
        (ollama, "mistral", 429),
        (anthropic, "claude-sonnet-4-6", 529),
        (anthropic, "claude-opus-4-6", 500),
    ):
        statuses = _statuses(server, model)
        assert statuses[0] == status and statuses[1:] and set(statuses[1:]) == {200}, model


def test_a_server_that_never_answers_times_out_retries_then_errors_that_sample(
    tmp_path: Path, ollama: LoopbackOllama
) -> None:
    # two seeds one after another; the auditor's first call hangs, and so does its retry
    ollama.hang_next(2, model="qwen3:32b")
    result = _run(
        tmp_path,
        "target=ollama/mistral",
        "auditor=ollama/qwen3:32b",
        "judge=scripted/judge",
        "compaction=false",
        "limit=2",
        "max_samples=1",
        "timeout=2",
        "max_retries=1",
        "fail_on_error=0.6",
    )
    (log,) = result.summary["logs"]
    assert log["samples"] == 2 and log["errors"] == 1
    assert result.ok  # one error of two is within fail_on_error=0.6: the run succeeds
    (failed,) = log["sample_errors"]
    assert failed["reason"] == (
        "auditor ollama/qwen3:32b: no answer within 2 s (the timeout knob) (2 attempts)"
    )
    assert _statuses(ollama, "qwen3:32b")[:2] == [None, None]  # held, never answered
    finished = [s for s in _samples(result.log_paths[0]) if not s.get("error")]
    assert len(finished) == 1 and finished[0]["id"] != failed["sample"]
    assert finished[0]["scores"]["audit_judge"]["value"]["concerning"] >= 1


def test_a_hang_stops_the_run_under_the_default_error_policy(
    tmp_path: Path, ollama: LoopbackOllama
) -> None:
    ollama.hang_next(None, model="qwen3:32b")
    result = _run(
        tmp_path,
        "target=ollama/mistral",
        "auditor=ollama/qwen3:32b",
        "judge=scripted/judge",
        "compaction=false",
        "timeout=1",
        "max_retries=0",
    )
    (log,) = result.summary["logs"]
    assert not result.ok and log["status"] == "error" and log["errors"] == 1
    assert "no answer within 1 s" in log["sample_errors"][0]["reason"]


def test_a_model_without_tool_support_is_refused_before_any_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = LoopbackOllama(
        {"tinyllama": ServedModel("compliant", tools=False), "qwen3:32b": "auditor"}
    ).start()
    try:
        monkeypatch.setenv("OLLAMA_BASE_URL", f"{server.url}/v1")
        with pytest.raises(petri_bt.UserError) as raised:
            _run(tmp_path, "target=ollama/tinyllama", *SCRIPTED_AUDIT)
        message = str(raised.value)
        assert message.startswith("target=ollama/tinyllama: the model does not support tool")
        assert "target_tools=none" in message and "\n" not in message
        assert not [r for r in server.requests if r.path.startswith("/v1/")]
        # without tools for the target, the same model runs
        assert _run(tmp_path, "target=ollama/tinyllama", "target_tools=none", *SCRIPTED_AUDIT).ok
        with pytest.raises(petri_bt.UserError, match="auditor always calls tools"):
            _run(tmp_path, "target=ollama/qwen3:32b", "auditor=ollama/tinyllama")
    finally:
        server.stop()


def test_no_tool_support_found_only_at_run_time_is_named_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an older Ollama: /api/show does not list capabilities, so preflight cannot tell
    served = ServedModel("compliant", tools=False, lists_capabilities=False)
    server = LoopbackOllama({"tinyllama": served}).start()
    try:
        monkeypatch.setenv("OLLAMA_BASE_URL", f"{server.url}/v1")
        result = _run(tmp_path, "target=ollama/tinyllama", AGENTIC_SEED, *SCRIPTED_AUDIT)
    finally:
        server.stop()
    (log,) = result.summary["logs"]
    (call,) = log["failed_model_calls"]
    assert (call["role"], call["model"]) == ("target", "ollama/tinyllama")
    assert "tinyllama:latest does not support tools" in call["error"]
    assert "target_tools=none" in call["error"]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["logs"][0]["failed_model_calls"] == log["failed_model_calls"]


def test_malformed_tool_call_json_from_a_local_target_does_not_stop_the_audit(
    tmp_path: Path, ollama: LoopbackOllama
) -> None:
    ollama.malformed_tool_args_next(1, model="mistral")
    result = _run(tmp_path, "target=ollama/mistral", AGENTIC_SEED, *SCRIPTED_AUDIT)
    assert ollama.faults_taken(MALFORMED_TOOL_ARGS) == 1
    assert result.ok and result.summary["errors"] == 0
    (sample,) = _samples(result.log_paths[0])
    parse_errors = [
        call.get("parse_error")
        for event in sample["events"]
        if event.get("event") == "model" and event.get("role") == "target"
        for call in (event.get("output", {}).get("choices") or [{}])[0]
        .get("message", {})
        .get("tool_calls")
        or []
        if call.get("parse_error")
    ]
    assert parse_errors, "the target's broken tool call should reach the log as a parse error"
    assert sample["scores"]["audit_judge"]["value"]["concerning"] >= 1
    (action,) = result.summary["logs"][0]["failed_actions"]
    assert (action["role"], action["model"], action["count"]) == ("target", "ollama/mistral", 1)
    assert action["reason"].endswith(": arguments are not valid JSON")


@pytest.mark.parametrize(
    ("target", "server_fixture", "model"),
    [
        ("ollama/mistral", "ollama", "mistral"),
        ("anthropic/claude-haiku-4-5", "anthropic", "claude-haiku-4-5"),
    ],
)
def test_a_context_length_error_from_the_target_does_not_stop_the_audit(
    tmp_path: Path, request: pytest.FixtureRequest, target: str, server_fixture: str, model: str
) -> None:
    server = request.getfixturevalue(server_fixture)
    server.context_length_next(1, model=model)
    result = _run(tmp_path, f"target={target}", *SCRIPTED_AUDIT)
    assert server.faults_taken(CONTEXT_LENGTH) == 1 and 400 in _statuses(server, model)
    assert result.ok and result.summary["errors"] == 0
    (sample,) = _samples(result.log_paths[0])
    target_events = [
        e for e in sample["events"] if e.get("event") == "model" and e.get("role") == "target"
    ]
    # Inspect either reads the error as the model's length stop or records a failed call;
    # Petri tells the auditor either way and the audit is scored
    first = target_events[0]
    stop = ((first.get("output") or {}).get("choices") or [{}])[0].get("stop_reason")
    assert stop == "model_length" or "context" in str(first.get("error"))
    assert isinstance(sample["scores"]["audit_judge"]["value"], dict)


def test_an_unparseable_judge_answer_is_a_judge_failure_in_log_summary_and_export(
    tmp_path: Path, ollama: LoopbackOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    ollama.garbage_judge_next(None, model="qwen3:32b")
    result = _run(
        tmp_path, "target=ollama/mistral", "auditor=scripted/auditor", "judge=ollama/qwen3:32b"
    )
    assert ollama.faults_taken(GARBAGE_JUDGE) >= 1
    (log,) = result.summary["logs"]
    assert log["status"] == "success" and log["judge_failures"] == 1
    assert log["judge_refusals"] == 0 and log["dimension_means"] == {}
    (sample,) = _samples(result.log_paths[0])
    assert math.isnan(float(sample["scores"]["audit_judge"]["value"]))
    (bundle,) = (tmp_path / "run").glob("braintrust-bundle/*.jsonl")
    root = next(
        r for r in map(json.loads, bundle.read_text().splitlines()) if not r.get("span_parents")
    )
    assert root["scores"] == {} and root["metadata"]["judge"]["status"] == "failed"
    # why: the judge answered in prose each time it was asked
    judged = [a for a in log["failed_actions"] if a["role"] == "judge"]
    assert [(a["model"], a["reason"]) for a in judged] == [("ollama/qwen3:32b", "no tool call")]
    assert judged[0]["count"] >= 2 and judged[0]["example"].startswith("answered: Overall")
    assert "failed actions: judge ollama/qwen3:32b x" in capsys.readouterr().out
    reason = root["metadata"]["judge"]["reason"]
    assert reason.startswith("the judge gave no valid answer (score is NaN): ")
    assert "the last: no tool call (answered: Overall" in reason
    exported = root["metadata"]["failed_actions"]
    assert len(exported) == root["metadata"]["counts"]["failed_actions"] == judged[0]["count"]


def _answered(url: str) -> int:
    import urllib.request

    with urllib.request.urlopen(f"{url}/_loopback/stats", timeout=5) as reply:
        return sum(json.load(reply)["answered"].values())


@pytest.mark.parametrize(("fail_on_error", "exit_ok"), [(None, False), ("2", True)])
def test_a_target_server_killed_mid_audit_errors_the_sample_naming_the_server(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fail_on_error: str | None,
    exit_ok: bool,
) -> None:
    import signal
    import subprocess
    import sys
    import threading
    import time

    script = Path(__file__).resolve().parents[1] / "support" / "openai_api.py"
    server = subprocess.Popen(
        [sys.executable, str(script), "--model", "smollm2=compliant"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().split()[1]
    monkeypatch.setenv("LLAMA_CPP_PYTHON_BASE_URL", f"{url}/v1")

    def kill_after_the_first_answer() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _answered(url) < 1:
            time.sleep(0.02)
        server.send_signal(signal.SIGKILL)

    killer = threading.Thread(target=kill_after_the_first_answer, daemon=True)
    killer.start()
    policy = [f"fail_on_error={fail_on_error}"] if fail_on_error else []
    try:
        result = _run(
            tmp_path,
            "target=llama-cpp-python/smollm2",
            *SCRIPTED_AUDIT,
            "max_turns=3",
            "max_retries=1",
            "timeout=20",
            *policy,
        )
    finally:
        killer.join(timeout=130)
        server.kill()
        server.wait()
    (log,) = result.summary["logs"]
    assert log["errors"] == 1 and result.ok is exit_ok
    (error,) = log["sample_errors"]
    assert error["reason"].startswith(
        f"target llama-cpp-python/smollm2: cannot reach the server at {url}/v1: is it running? "
        "Start it again, then rerun the command"
    )
    (failed,) = log["failed_model_calls"]
    assert failed["role"] == "target" and f"the server at {url}/v1" in failed["error"]
    # not judged: no scores were made from the failed turns
    (sample,) = _samples(result.log_paths[0])
    assert not sample.get("scores")
    # display=none (INSPECT_DISPLAY here) prints petri_bt's table and nothing of Inspect's
    assert "Traceback" not in "".join(capsys.readouterr())
