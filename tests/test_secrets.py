"""Secrets never reach disk, and nothing that is not a secret gets redacted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support.cli import files_containing, run_cli, run_folders

from petri_bt._secrets import (
    REDACTED,
    is_secret_key,
    override_secrets,
    redact_override,
    scrub,
    scrub_yaml_file,
)
from petri_bt.naming import job_name

SECRET = "sk-live-0123456789abcdef"


@pytest.mark.parametrize(
    "key",
    [
        "api_key",
        "target.args.api_key",
        "+judge.args.apikey",
        "hf_token",
        "client_secret",
        "password",
        "authorization",
        "export.access_key",
    ],
)
def test_credential_keys_are_secret(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "max_tokens",
        "target.config.max_tokens",
        "reasoning_tokens",
        "limit",
        "keep_inverted_scores",
        "tokenizer",
        "secretary",
    ],
)
def test_ordinary_keys_are_not(key: str) -> None:
    assert not is_secret_key(key)


def test_overrides_are_redacted_by_key_and_inside_dict_values() -> None:
    assert redact_override(f"target.args.api_key={SECRET}") == f"target.args.api_key={REDACTED}"
    nested = redact_override(f"+target.args={{api_key:{SECRET},timeout:30}}")
    assert SECRET not in nested and "timeout:30" in nested
    assert redact_override("target.config.max_tokens=5") == "target.config.max_tokens=5"
    assert override_secrets([f"+a.args={{token:{SECRET}}}", "max_tokens=512"]) == [SECRET]


def test_scrub_replaces_whole_secret_values_only() -> None:
    data = {"limit": 5, "max_turns": 15, "note": f"key {SECRET} here", "args": {"api_key": "x"}}
    cleaned = scrub(data, [SECRET])
    assert cleaned == {
        "limit": 5,
        "max_turns": 15,
        "note": f"key {REDACTED} here",
        "args": {"api_key": REDACTED},
    }


def test_scrub_yaml_file_keeps_ordinary_numbers(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"limit": 5, "max_turns": 15, "config": {"max_tokens": 5}}))
    scrub_yaml_file(path, override_secrets(["target.config.max_tokens=5"]))
    assert yaml.safe_load(path.read_text()) == {
        "limit": 5,
        "max_turns": 15,
        "config": {"max_tokens": 5},
    }


def test_sweep_job_names_never_carry_a_secret() -> None:
    name = job_name([f"+target.args={{api_key:{SECRET}}}", "target=ollama/gemma4", "max_turns=10"])
    assert SECRET.lower() not in name.lower() and "gemma4" in name


def test_run_folder_keeps_max_tokens_and_drops_a_nested_key(tmp_path: Path) -> None:
    result = run_cli(
        "preset=offline",
        "target=scripted/cautious",
        "+target.config.max_tokens=512",
        f"+target.args={{api_key:{SECRET}}}",
        "limit=1",
        "max_turns=3",
        "export=local",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (run_dir,) = run_folders(tmp_path)
    saved = yaml.safe_load((run_dir / ".hydra" / "config.yaml").read_text())
    assert saved["limit"] == 1 and saved["max_turns"] == 3
    assert saved["target"]["config"]["max_tokens"] == 512
    assert files_containing(tmp_path, SECRET) == []
