"""Preflight for OpenAI-compatible servers (llama-cpp-python, vLLM, openai-api): the
server answers `/v1/models` and serves the model, or one line names the fix.

The server is the loopback OpenAI stand-in (its `/v1/models` lists what it serves);
Inspect's `llama-cpp-python/` provider then runs a whole audit through it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.braintrust_api import LoopbackBraintrust
from support.cli import cli_env, run_cli
from support.openai_api import LoopbackOpenAI

from petri_bt import UserError, compose
from petri_bt.preflight import preflight
from petri_bt.roles import resolve_roles

SERVER_VARIABLES = (
    "LLAMA_CPP_PYTHON_BASE_URL",
    "VLLM_BASE_URL",
    "SGLANG_BASE_URL",
    "LLAMACPP_BASE_URL",
    "LLAMACPP_API_KEY",
    "INSPECT_EVAL_MODEL_BASE_URL",
)


@pytest.fixture(autouse=True)
def _no_server_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SERVER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def local_server() -> Iterator[LoopbackOpenAI]:
    """An OpenAI-compatible server serving `smollm2` (a compliant scripted persona)."""
    server = LoopbackOpenAI({"smollm2": "compliant"}).start()
    yield server
    server.stop()


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def _problems(*overrides: str) -> str:
    with pytest.raises(UserError) as raised:
        preflight(resolve_roles(compose(["preset=offline", *overrides])))
    return str(raised.value)


def test_a_served_model_passes(
    monkeypatch: pytest.MonkeyPatch, local_server: LoopbackOpenAI
) -> None:
    monkeypatch.setenv("LLAMA_CPP_PYTHON_BASE_URL", f"{local_server.url}/v1")
    monkeypatch.setenv("LLAMACPP_BASE_URL", f"{local_server.url}/v1")
    monkeypatch.setenv("LLAMACPP_API_KEY", "local")
    roles = resolve_roles(
        compose(
            [
                "preset=offline",
                "target=llama-cpp-python/smollm2",
                "auditor=openai-api/llamacpp/smollm2",
            ]
        )
    )
    assert preflight(roles) == []
    # asked once, however many roles use it
    assert [r.path for r in local_server.requests] == ["/v1/models"]


def test_server_down_names_the_script_and_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    url = _closed_port_url()
    monkeypatch.setenv("LLAMA_CPP_PYTHON_BASE_URL", url)
    message = _problems(
        "target=llama-cpp-python/smollm2",
        "auditor=llama-cpp-python/smollm2",
        "judge=llama-cpp-python/smollm2",
    )
    assert message.count("\n") == 0  # one server down: one line for the three roles
    assert message.startswith(
        f"target=llama-cpp-python/smollm2: no server answers at {url} (LLAMA_CPP_PYTHON_BASE_URL)"
    )
    assert "scripts/local-model start" in message
    assert "or set LLAMA_CPP_PYTHON_BASE_URL to where it runs" in message


def test_without_a_variable_llama_cpp_python_goes_to_inspects_default() -> None:
    # Inspect's llama-cpp-python provider defaults to localhost:8000 (nothing runs there)
    message = _problems("target=llama-cpp-python/smollm2")
    assert "no server answers at http://localhost:8000/v1 (LLAMA_CPP_PYTHON_BASE_URL)" in message


def test_a_model_the_server_does_not_serve_lists_what_it_serves(
    monkeypatch: pytest.MonkeyPatch, local_server: LoopbackOpenAI
) -> None:
    monkeypatch.setenv("LLAMA_CPP_PYTHON_BASE_URL", f"{local_server.url}/v1")
    message = _problems("target=llama-cpp-python/qwen3")
    assert message == (
        f"target=llama-cpp-python/qwen3: the server at {local_server.url}/v1 "
        "(LLAMA_CPP_PYTHON_BASE_URL) does not serve 'qwen3'; it serves smollm2: pick one "
        "of those (e.g. target=llama-cpp-python/smollm2)"
    )


def test_a_root_without_v1_is_corrected(
    monkeypatch: pytest.MonkeyPatch, local_server: LoopbackOpenAI
) -> None:
    monkeypatch.setenv("LLAMA_CPP_PYTHON_BASE_URL", local_server.url)
    message = _problems("target=llama-cpp-python/smollm2")
    assert message.endswith(
        f"serves the OpenAI API under /v1: set LLAMA_CPP_PYTHON_BASE_URL={local_server.url}/v1"
    )


def test_an_unrelated_server_answering_404_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    other = LoopbackBraintrust().start()  # an HTTP server that is no model server
    try:
        monkeypatch.setenv("VLLM_BASE_URL", f"{other.url}/v1")
        message = _problems("target=vllm/meta-llama/Llama-3.1-8B")
    finally:
        other.stop()
    assert message.startswith(
        f"target=vllm/meta-llama/Llama-3.1-8B: the server at {other.url}/v1 (VLLM_BASE_URL) "
        "is not an OpenAI-compatible API root (GET "
    )
    assert "answered 404" in message and "set VLLM_BASE_URL to the root" in message


def test_vllm_without_an_address_starts_its_own_server_so_nothing_is_checked() -> None:
    roles = resolve_roles(compose(["preset=offline", "target=vllm/meta-llama/Llama-3.1-8B"]))
    assert preflight(roles) == []


def test_openai_api_needs_its_base_url_and_key_variables(
    monkeypatch: pytest.MonkeyPatch, local_server: LoopbackOpenAI
) -> None:
    message = _problems("target=openai-api/llamacpp/smollm2")
    assert message.startswith("target=openai-api/llamacpp/smollm2: set LLAMACPP_BASE_URL to")
    monkeypatch.setenv("LLAMACPP_BASE_URL", f"{local_server.url}/v1")
    message = _problems("target=openai-api/llamacpp/smollm2")
    assert message.startswith(
        "target=openai-api/llamacpp/smollm2 needs LLAMACPP_API_KEY: export LLAMACPP_API_KEY=..."
    )


def test_an_audit_runs_through_inspects_llama_cpp_python_provider(
    local_server: LoopbackOpenAI, tmp_path: Path
) -> None:
    env = cli_env(LLAMA_CPP_PYTHON_BASE_URL=f"{local_server.url}/v1")
    result = run_cli(
        "preset=offline",
        "target=llama-cpp-python/smollm2",
        "limit=1",
        "max_turns=2",
        "export=none",
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    calls = local_server.requests_for("smollm2")
    assert calls and all(r.path == "/v1/chat/completions" for r in calls)
    assert "samples=1  errors=0" in result.stdout


def test_a_busy_server_that_takes_the_connection_but_does_not_answer_is_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a local server computing a long answer may answer nothing else meanwhile: the
    # run goes on (its calls wait for the server), with a warning
    monkeypatch.setattr("petri_bt._openai_servers._LIST_SECONDS", 1)
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()  # connections complete, nothing is ever read or answered
        url = f"http://127.0.0.1:{listening.getsockname()[1]}/v1"
        monkeypatch.setenv("LLAMA_CPP_PYTHON_BASE_URL", url)
        roles = resolve_roles(
            compose(
                [
                    "preset=offline",
                    "target=llama-cpp-python/smollm2",
                    "judge=llama-cpp-python/smollm2",
                ]
            )
        )
        warnings = preflight(roles)
    assert warnings == [
        f"target=llama-cpp-python/smollm2: the server at {url} (LLAMA_CPP_PYTHON_BASE_URL) took "
        "the connection but did not list its models within 1 s (busy with another request?): "
        "not checked"
    ]
