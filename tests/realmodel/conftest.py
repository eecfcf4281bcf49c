"""Fixtures for the audits of a real model: the server scripts/local-model runs.

Every test here is marked `realmodel` (the README's test command leaves them out; run
them with `pytest -m realmodel` once `scripts/local-model start` has a server up). They
skip when it is down, or fail when PETRI_BT_REQUIRE_LOCAL_MODEL is set (.ci/run sets
it once it has started the server). They run one at a time: the server computes on
one core and answers one request at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.local_model import BASE_URL_VARIABLE, OwnServer, free_port, running_server, wait_idle
from support.timing_proxy import TimingProxy


@pytest.fixture(scope="session")
def shared_server() -> str:
    """The shared server's API root (`http://127.0.0.1:8765/v1`)."""
    url = running_server()
    if url is None:
        if os.environ.get("PETRI_BT_REQUIRE_LOCAL_MODEL"):
            pytest.fail("the local model is down: scripts/local-model status")
        pytest.skip("no local model (start one: scripts/local-model start)")
    return url


@pytest.fixture
def local_model(shared_server: str) -> str:
    """The shared server, free: an answer an earlier test gave up on (its timeout) keeps
    the server computing, and the next test's calls would wait behind it."""
    wait_idle(shared_server)
    return shared_server


@pytest.fixture
def proxy(local_model: str) -> Iterator[TimingProxy]:
    """A timing proxy in front of the shared server, for one test."""
    with TimingProxy(local_model) as started:
        yield started


@pytest.fixture
def own_server(local_model: str, tmp_path: Path) -> Iterator[OwnServer]:
    """A second server from the same install, on its own port, stopped after the test."""
    server = OwnServer(tmp_path / "own-server", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_VARIABLE, "INSPECT_EVAL_MODEL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
