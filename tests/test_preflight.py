"""Checks made before any model call: Ollama reachable, model pulled, keys present."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from support.cli import cli_env, run_cli, run_folders

from petri_bt import UserError, compose
from petri_bt.preflight import ollama_root, preflight
from petri_bt.roles import resolve_roles


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_ollama() -> Iterator[str]:
    """A loopback server answering /api/tags with one pulled model."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"models": [{"name": "mistral:latest", "model": "mistral:latest"}]})
            self.send_response(200 if self.path == "/api/tags" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PETRI_BT_TARGET", "PETRI_BT_AUDITOR", "PETRI_BT_JUDGE", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def _roles(*overrides: str):  # noqa: ANN202
    return resolve_roles(compose(["preset=offline", *overrides]))


def test_ollama_down_names_ollama_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_BASE_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    with pytest.raises(UserError, match="ollama serve"):
        preflight(_roles("target=ollama/mistral"))


def test_model_not_pulled_names_ollama_pull(
    monkeypatch: pytest.MonkeyPatch, fake_ollama: str
) -> None:
    monkeypatch.setenv("OLLAMA_BASE_URL", fake_ollama)
    with pytest.raises(UserError, match="ollama pull gemma4"):
        preflight(_roles("target=ollama/gemma4"))


def test_pulled_model_passes(monkeypatch: pytest.MonkeyPatch, fake_ollama: str) -> None:
    monkeypatch.setenv("OLLAMA_BASE_URL", fake_ollama)
    assert preflight(_roles("target=ollama/mistral")) == []


def test_missing_cloud_key_names_the_variable() -> None:
    with pytest.raises(UserError, match="ANTHROPIC_API_KEY"):
        preflight(_roles("judge=anthropic/claude-opus-4-6"))


def test_key_given_as_model_arg_passes() -> None:
    assert preflight(_roles("judge=anthropic/claude-opus-4-6", "+judge.args.api_key=sk-x")) == []


def test_key_present_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    assert preflight(_roles("judge=anthropic/claude-opus-4-6")) == []


def test_all_local_roles_warn(monkeypatch: pytest.MonkeyPatch, fake_ollama: str) -> None:
    monkeypatch.setenv("OLLAMA_BASE_URL", fake_ollama)
    roles = _roles("target=ollama/mistral", "auditor=ollama/mistral", "judge=vllm/org/judge")
    warnings = preflight(roles)
    assert len(warnings) == 1 and "exploratory" in warnings[0]


def test_ollama_root_strips_v1() -> None:
    assert ollama_root("http://host:1/v1/") == "http://host:1"


def test_unknown_scripted_model_lists_valid_names() -> None:
    with pytest.raises(UserError, match="scripted/cautious"):
        preflight(_roles("target=scripted/reckless"))


def test_preflight_reports_every_problem_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    roles = resolve_roles(compose(["preset=local-auditing", "judge=anthropic/claude-opus-4-6"]))
    with pytest.raises(UserError) as raised:
        preflight(roles)
    problems = str(raised.value).splitlines()
    # target and auditor share the one unreachable Ollama server: said once
    assert len(problems) == 2, problems
    assert problems[0].startswith("Ollama is not answering at http://127.0.0.1:9")
    assert problems[1].startswith("judge=anthropic/claude-opus-4-6 needs ANTHROPIC_API_KEY")


def test_a_seed_problem_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    env = cli_env(OLLAMA_BASE_URL=f"http://127.0.0.1:{_closed_port()}/v1")
    result = run_cli("target=ollama/mistral", "seeds=/nope/", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert all(line.startswith("petri_bt: error: ") for line in lines), result.stderr
    assert len(lines) == 4, result.stderr
    assert "Ollama is not answering" in lines[0]
    assert "auditor=anthropic/claude-sonnet-4-6 needs ANTHROPIC_API_KEY" in lines[1]
    assert "judge=anthropic/claude-opus-4-6 needs ANTHROPIC_API_KEY" in lines[2]
    assert "seeds=/nope: no such seed file or folder" in lines[3]
    assert run_folders(tmp_path) == []
