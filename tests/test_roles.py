"""Role precedence: command line > PETRI_BT_<ROLE> > preset."""

from __future__ import annotations

import pytest

from petri_bt import UserError, compose
from petri_bt.roles import all_local, resolve_roles


@pytest.fixture(autouse=True)
def _no_role_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for role in ("TARGET", "AUDITOR", "JUDGE"):
        monkeypatch.delenv(f"PETRI_BT_{role}", raising=False)


def test_preset_supplies_every_role() -> None:
    roles = resolve_roles(compose(["preset=offline"]))
    assert roles["target"].model == "scripted/oversight-sensitive"
    assert roles["auditor"].model == "scripted/auditor"
    assert roles["judge"].source == "preset offline"


def test_env_beats_preset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETRI_BT_JUDGE", "openai/gpt-5")
    roles = resolve_roles(compose(["preset=offline"]))
    assert roles["judge"].model == "openai/gpt-5"
    assert roles["judge"].source == "PETRI_BT_JUDGE"
    assert roles["auditor"].model == "scripted/auditor"


def test_command_line_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETRI_BT_TARGET", "ollama/mistral")
    roles = resolve_roles(compose(["preset=offline", "target=scripted/cautious"]))
    assert roles["target"].model == "scripted/cautious"
    assert roles["target"].source == "command line"


def test_malformed_model_string_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UserError, match="not a model string"):
        resolve_roles(compose(["target=gpt4"]))
    monkeypatch.setenv("PETRI_BT_AUDITOR", "no-provider")
    with pytest.raises(UserError, match="PETRI_BT_AUDITOR"):
        resolve_roles(compose([]))


def test_all_local_detection() -> None:
    assert all_local(resolve_roles(compose(["preset=fully-local"])))
    assert not all_local(resolve_roles(compose(["preset=local-target"])))
    local = ["target=vllm/x/y", "auditor=sglang/m", "judge=hf/org/model"]
    assert all_local(resolve_roles(compose(local)))


@pytest.mark.parametrize(
    ("env", "source"),
    [({}, "preset offline"), ({"PETRI_BT_TARGET": "scripted/compliant"}, "PETRI_BT_TARGET")],
)
def test_a_role_from_the_preset_or_env_takes_its_own_settings(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], source: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    roles = resolve_roles(
        compose(["preset=offline", "+target.config.attempt_timeout=99", "target.max_connections=3"])
    )
    assert roles["target"].source == source
    assert roles["target"].config == {"attempt_timeout": 99}
    assert roles["target"].max_connections == 3
    assert roles["auditor"].config == {}
