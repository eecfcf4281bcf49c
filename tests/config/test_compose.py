"""The run config composes from the groups, validates, and accepts any model string."""

from __future__ import annotations

import pytest

from petri_bt import UserError, compose


def test_defaults_carry_petris_knobs() -> None:
    cfg = compose([])
    assert cfg.preset.name == "local-target"
    assert (cfg.max_turns, cfg.limit, cfg.epochs, cfg.realism_threshold) == (30, 5, 1, 0.6)
    assert str(cfg.target_tools) == "synthetic"
    assert cfg.target.model is None and cfg.seeds.source is None


@pytest.mark.parametrize(
    "model",
    ["ollama/qwen3:8b", "openai/gpt-5", "vllm/meta-llama/Llama-3.1-8B", "scripted/cautious"],
)
def test_any_model_string_is_a_target_option(model: str) -> None:
    cfg = compose([f"target={model}", f"judge={model}"])
    assert cfg.target.model == model
    assert cfg.judge.model == model


def test_curated_target_adds_settings() -> None:
    cfg = compose(["target=ollama/gemma4"])
    assert cfg.target.model == "ollama/gemma4"
    assert cfg.target.max_connections == 2
    assert cfg.target.display_name == "Gemma"


@pytest.mark.parametrize(
    ("option", "source"),
    [
        ("tags:sycophancy", "tags:sycophancy"),
        ("'id:a,b'", "id:a,b"),
        ("seeds/my.md", "seeds/my.md"),
    ],
)
def test_seed_selections(option: str, source: str) -> None:
    assert compose([f"seeds={option}"]).seeds.source == source


def test_inline_seed_list() -> None:
    cfg = compose(["seeds.instructions=[first seed,second seed]"])
    assert list(cfg.seeds.instructions) == ["first seed", "second seed"]


def test_every_preset_composes() -> None:
    for preset in ("local-target", "local-auditing", "fully-local", "fully-cloud", "offline"):
        cfg = compose([f"preset={preset}"])
        assert cfg.preset.name == preset
        assert all("/" in cfg.preset[role] for role in ("target", "auditor", "judge"))


@pytest.mark.parametrize(
    ("overrides", "needles"),
    [
        (["preset=offline", "max_turn=3"], ["max_turn", "did you mean max_turns"]),
        (["max_turns=many"], ["max_turns", "many"]),
        (["export.mode=exp"], ["experiment", "logs", "both"]),
        (["preset=nope"], ["preset/nope", "offline"]),
    ],
)
def test_a_config_that_does_not_compose_is_a_one_line_user_error(
    overrides: list[str], needles: list[str]
) -> None:
    with pytest.raises(UserError) as info:
        compose(overrides)
    message = str(info.value)
    assert "\n" not in message and all(needle in message for needle in needles), message
