"""Preflight for real providers: packages, per-call limits, token counting offline."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support.cli import cli_env, run_cli

from petri_bt import UserError, compose
from petri_bt.preflight import preflight, provider_api, provider_error_text
from petri_bt.roles import RoleModel, resolve_roles
from petri_bt.run import generate_config, make_plan


def _roles(*overrides: str) -> dict[str, RoleModel]:
    return resolve_roles(compose(["preset=offline", *overrides]))


def test_provider_packages_are_read_from_inspects_registry() -> None:
    assert provider_api("ollama").__name__ == "OllamaAPI"
    assert provider_api("anthropic").__name__ == "AnthropicAPI"
    assert provider_api("no-such-provider") is None


def test_a_missing_provider_package_names_the_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # `import anthropic` now fails
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with pytest.raises(UserError) as raised:
        preflight(_roles("judge=anthropic/claude-opus-4-6"))
    assert str(raised.value) == (
        "judge=anthropic/claude-opus-4-6: Anthropic API requires optional dependencies. "
        "Install with: pip install anthropic"
    )


def test_the_cli_prints_the_whole_install_line_without_markup(tmp_path: Path) -> None:
    # a broken `openai` package shadows the real one, as if it were not installed
    fake = tmp_path / "shadow" / "openai"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('openai is not installed')\n")
    env = cli_env(PYTHONPATH=str(fake.parent), OLLAMA_BASE_URL="http://127.0.0.1:9/v1")
    # a process of its own: this one has already imported the real `openai`
    result = run_cli(
        "preset=offline", "target=ollama/mistral", cwd=tmp_path, env=env, subprocess=True
    )
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("petri_bt: error:")]
    assert lines == [
        "petri_bt: error: target=ollama/mistral: Ollama API requires optional dependencies. "
        "Install with: pip install openai"
    ]
    assert "[bold]" not in result.stderr


def test_provider_error_text_keeps_every_line_and_drops_markup() -> None:
    error = RuntimeError(
        "[bold]ERROR[/bold]: X requires it. Install with:\n\n[bold]pip install x[/bold]"
    )
    assert provider_error_text(error) == "X requires it. Install with: pip install x"


def test_timeout_and_max_retries_reach_every_role_unless_it_sets_its_own() -> None:
    limits = make_plan(compose(["preset=offline"])).call_limits
    assert dict(limits) == {"timeout": 600, "max_retries": 6}
    spec = RoleModel(model="ollama/mistral", source="command line")
    assert generate_config(spec, None, {"timeout": 30, "max_retries": 2}) == {
        "attempt_timeout": 30,
        "max_retries": 2,
    }
    own = RoleModel(
        model="ollama/mistral",
        source="command line",
        config={"attempt_timeout": 900, "max_retries": 0},
    )
    assert generate_config(own, 2, {"timeout": 30, "max_retries": 2}) == {
        "attempt_timeout": 900,
        "max_retries": 0,
        "max_connections": 2,
    }
    # Inspect's `timeout` is the budget for a call and its retries: no attempt outlasts it
    budget = RoleModel(model="ollama/mistral", source="command line", config={"timeout": 45})
    assert generate_config(budget, None, {"timeout": 600, "max_retries": None}) == {
        "timeout": 45,
        "attempt_timeout": 45,
    }


def test_role_generate_config_from_the_command_line_overrides_the_knob() -> None:
    cfg = compose(
        [
            "preset=offline",
            "timeout=30",
            "target=ollama/mistral",
            "+target.config.attempt_timeout=120",
        ]
    )
    run_plan = make_plan(cfg)
    target = generate_config(run_plan.target, None, run_plan.call_limits)
    auditor = generate_config(run_plan.roles["auditor"], None, run_plan.call_limits)
    assert target["attempt_timeout"] == 120 and auditor["attempt_timeout"] == 30


@pytest.mark.parametrize(("knob", "value"), [("timeout", "0"), ("max_retries", "-1")])
def test_out_of_range_limits_are_one_line(knob: str, value: str) -> None:
    with pytest.raises(UserError, match=f"^{knob}={value}: must be"):
        make_plan(compose(["preset=offline", f"{knob}={value}"]))


def test_compaction_with_a_local_auditor_and_no_tokenizer_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tiktoken

    def offline(name: str) -> None:
        raise ConnectionError("Failed to resolve 'openaipublic.blob.core.windows.net'")

    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    monkeypatch.setattr("petri_bt.preflight._check_ollama", lambda *a, **k: None)
    roles = _roles("auditor=ollama/qwen3:32b")
    with pytest.raises(UserError) as raised:
        preflight(roles, compaction=True)
    message = str(raised.value)
    assert message.startswith("auditor=ollama/qwen3:32b: context compaction counts")
    assert "compaction=false" in message and "TIKTOKEN_CACHE_DIR" in message
    assert preflight(roles, compaction=False) == []
    # a provider that counts tokens itself (Anthropic's count_tokens API) needs no tokenizer
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    assert preflight(_roles("auditor=anthropic/claude-sonnet-4-6"), compaction=True) == []
