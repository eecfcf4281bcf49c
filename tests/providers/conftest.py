"""Fixtures: loopback model servers speaking the Ollama, Anthropic and OpenAI protocols.

Each fixture starts one server on a free 127.0.0.1 port for one test, points the
provider's environment variable at it (`OLLAMA_BASE_URL`, `ANTHROPIC_BASE_URL` +
a fake `ANTHROPIC_API_KEY`, `OPENAI_BASE_URL` + a fake `OPENAI_API_KEY`) and stops
it afterwards. The served names are the presets' real model names, each answered
by a scripted persona. For a CLI run pass `cli_env(**server.env())`: `cli_env`
scrubs any key a developer exported.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.anthropic_api import LoopbackAnthropic
from support.cli import SCRUBBED
from support.model_server import ModelServer
from support.ollama_api import LoopbackOllama
from support.openai_api import LoopbackOpenAI

OLLAMA_MODELS = {
    "mistral": "compliant",
    "gemma4": "oversight-sensitive",
    "qwen3:32b": "auditor",  # also answers judge requests (they carry the answer tool)
}
ANTHROPIC_MODELS = {
    "claude-sonnet-4-6": "auditor",
    "claude-opus-4-6": "judge",
    "claude-haiku-4-5": "compliant",
}
OPENAI_MODELS = {
    "gpt-4.1": "compliant",  # chat completions
    "gpt-5": "auditor",  # the Responses API
    "gpt-5-mini": "judge",
}


def _serve(server: ModelServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModelServer]:
    server.start()
    try:
        with server.environment(monkeypatch):
            yield server
    finally:
        server.stop()


@pytest.fixture
def ollama(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackOllama]:
    yield from _serve(LoopbackOllama(OLLAMA_MODELS), monkeypatch)  # type: ignore[misc]


@pytest.fixture
def anthropic(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackAnthropic]:
    yield from _serve(LoopbackAnthropic(ANTHROPIC_MODELS), monkeypatch)  # type: ignore[misc]


@pytest.fixture
def openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackOpenAI]:
    yield from _serve(LoopbackOpenAI(OPENAI_MODELS), monkeypatch)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _quiet_and_keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer key or role variable leaks in; Inspect shows no live display."""
    for name in (*SCRUBBED, "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL", "OLLAMA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
