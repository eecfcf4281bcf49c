"""Log paths, reprice, Topics and the export settings as the command line gives them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from petri_bt.errors import UserError
from petri_bt.export import export_logs, load_settings, reprice_logs, topics_init
from petri_bt.logs import resolve_log_paths

PRICED = {"scripted/*": {"input": 2.0, "output": 10.0}}


def test_log_paths_from_files_folders_and_globs(scripted_log, tmp_path):
    folder = Path(scripted_log).parent
    assert resolve_log_paths([str(scripted_log)]) == [Path(scripted_log)]
    assert resolve_log_paths([str(folder)]) == [Path(scripted_log)]
    assert resolve_log_paths([str(folder / "*.eval"), str(scripted_log)]) == [Path(scripted_log)]
    (tmp_path / "a.json").write_text("{}")
    assert resolve_log_paths([str(tmp_path)], "*.json") == [tmp_path / "a.json"]


def test_log_paths_from_one_string_and_from_run_and_study_folders(scripted_log, tmp_path):
    import shutil

    assert resolve_log_paths(str(scripted_log)) == [Path(scripted_log)]
    assert resolve_log_paths(str(Path(scripted_log).parent)) == [Path(scripted_log)]
    run = tmp_path / "outputs" / "runs" / "2026-11-24" / "10-00-00"
    (run / "logs").mkdir(parents=True)
    (run / ".hydra").mkdir()
    shutil.copy(scripted_log, run / "logs" / "a.eval")
    assert resolve_log_paths(str(run)) == [run / "logs" / "a.eval"]
    study = tmp_path / "study-run"
    (study / "study").mkdir(parents=True)
    (study / "logs").mkdir()
    for name in ("observed.eval", "unobserved.eval"):
        shutil.copy(scripted_log, study / "logs" / name)
    assert resolve_log_paths([str(study)]) == [
        study / "logs" / "observed.eval",
        study / "logs" / "unobserved.eval",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("missing.eval", "does not exist"),
        ("empty", "no \\*.eval logs in folder .*empty or any folder below it"),
        ("nothing-*.eval", "matches no log"),
    ],
)
def test_log_paths_that_name_nothing_are_one_clear_error(tmp_path, entry, message):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match=message):
        resolve_log_paths([str(tmp_path / entry)])


def test_reprice_matches_the_export_and_prints_a_table(scripted_log, tmp_path, capsys):
    result = reprice_logs([scripted_log], {"pricing": PRICED})
    table = capsys.readouterr().out
    exported = export_logs(
        [scripted_log], {"sink": "local", "pricing": PRICED, "progress": False}, out_dir=tmp_path
    )
    totals = exported["totals"]
    roles = result["totals"]["roles"]
    assert set(roles) == {"auditor", "target", "judge"}
    for role, figures in roles.items():
        assert figures["cost_usd"] == pytest.approx(totals["cost_usd"]["by_role"][role], abs=1e-6)
        assert figures["output_tokens"] == totals["tokens"]["by_role"][role]["output"]
        assert figures["compute_s"] > 0
        assert figures["output_tokens_per_s"] == pytest.approx(
            figures["output_tokens"] / figures["compute_s"], rel=0.01
        )
        assert figures["cost_usd"] == pytest.approx(
            (figures["input_tokens"] * 2.0 + figures["output_tokens"] * 10.0) / 1e6, abs=1e-6
        )
    assert result["totals"]["auditing_overhead_ratio"] == pytest.approx(
        totals["auditing_overhead_ratio"], abs=1e-3
    )
    assert "out tok/s" in table and "auditing overhead" in table
    assert all(role in table for role in roles)


def test_reprice_without_prices_says_local_models_are_free(scripted_log, capsys):
    result = reprice_logs([scripted_log], {})
    assert result["totals"]["cost_usd"] == 0 and result["totals"]["auditing_overhead_ratio"] is None
    assert "n/a (no priced calls)" in capsys.readouterr().out


def test_reprice_names_an_unreadable_log_once(scripted_log, tmp_path, capsys):
    bad = tmp_path / "bad.eval"
    bad.write_bytes(b"not a zip")
    result = reprice_logs([bad, scripted_log], {})
    line = next(x for x in capsys.readouterr().out.splitlines() if "bad.eval" in x)
    assert line.count("bad.eval") == 1 and "corrupt" in line
    assert result["logs"][0]["error"] and result["logs"][1]["samples"] > 0


def test_topics_dry_run_prints_the_exact_bt_commands(capsys):
    commands = topics_init("petri-audits", dry_run=True)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("bt topics config enable --project petri-audits")
    assert "--filter 'metadata.source = '\"'\"'inspect-petri'\"'\"''" in out[0]
    assert out[1] == "bt topics poke --project petri-audits --no-input"
    assert [c[:3] for c in commands] == [["bt", "topics", "config"], ["bt", "topics", "poke"]]
    facet = Path(out[2].split("patterns: ")[1].split(" ")[0])
    assert facet.name == "sycophancy_pattern.md" and facet.is_file()
    assert "## Prompt" in facet.read_text()


def test_topics_without_bt_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="`bt` CLI is not installed"):
        topics_init("petri-audits", dry_run=False)


def test_topics_runs_bt_and_reports_its_failure(monkeypatch, tmp_path):
    calls = tmp_path / "calls.txt"
    fake = tmp_path / "bt"
    fake.write_text(
        f'#!/bin/sh\necho "$@" >> {calls}\n[ "$2" = poke ] && {{ echo "not logged in" >&2; exit 3; }}\nexit 0\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(UserError, match="bt topics poke.*exit 3.*not logged in"):
        topics_init("petri-audits")
    lines = calls.read_text().splitlines()
    assert lines[0].startswith("topics config enable --project petri-audits --no-input")
    assert "--facet Task --facet Sentiment --facet Issues" in lines[0]


def test_settings_from_the_composed_config_with_the_shipped_pricing():
    import petri_bt

    cfg = petri_bt.compose(["export=local", "++export.pricing={acme/big:{input:1.0,output:4.0}}"])
    settings = load_settings(cfg.export)
    assert settings.sink == "local" and settings.llm_input == "new"
    from petri_bt.logs import PriceTable

    table = PriceTable(settings.pricing)
    assert table.price("acme/big").output == 4.0
    assert table.price("anthropic/claude-haiku-4-5").cache_read == pytest.approx(0.1)
    assert table.price("ollama/gemma4").cost({"input_tokens": 10**6, "output_tokens": 10**6}) == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"mode": "everything"}, "export.mode"),
        ({"sink": "s3"}, "export.sink"),
        ({"llm_input": "some"}, "export.llm_input"),
        ({"batch_size": 0}, "export.batch_size"),
    ],
)
def test_bad_settings_are_one_clear_error(settings, message):
    with pytest.raises(UserError, match=message):
        load_settings(settings)


def test_export_package_is_import_light_and_exporting_never_loads_inspect(scripted_log, tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import petri_bt.export as e\n"
        "heavy = ('braintrust', 'inspect_ai', 'inspect_petri', 'tqdm')\n"
        "assert not [m for m in heavy if m in sys.modules], 'import pulled SDKs'\n"
        f"s = e.export_logs([{str(scripted_log)!r}], {{'sink': 'local', 'progress': False}}, out_dir={str(tmp_path)!r})\n"
        "assert s['ok'] and s['totals']['samples'] == 4\n"
        "print(sorted(m for m in ('inspect_ai', 'inspect_petri') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"  # ~300 MB and 3 s saved per export


def test_settings_accept_the_schema_dataclass():
    from petri_bt.config import ExportConfig, ExportMode, Sink

    settings = load_settings(ExportConfig(sink=Sink.local, mode=ExportMode.both))
    assert (settings.sink, settings.mode, settings.to_experiment, settings.to_logs) == (
        "local",
        "both",
        True,
        True,
    )


def test_legacy_json_logs_export_like_eval_logs(scripted_log, tmp_path):
    import json

    from inspect_ai.log import read_eval_log, write_eval_log

    json_log = tmp_path / "audit.json"
    write_eval_log(read_eval_log(str(scripted_log)), str(json_log), format="json")
    from_json = export_logs(
        [json_log], {"sink": "local", "progress": False}, out_dir=tmp_path / "j"
    )
    from_eval = export_logs(
        [scripted_log], {"sink": "local", "progress": False}, out_dir=tmp_path / "e"
    )
    assert from_json["ok"] and from_json["totals"]["samples"] == 4
    assert from_json["totals"]["rows"] == from_eval["totals"]["rows"]
    json.dumps(from_json, allow_nan=False)  # the summary goes into summary.json as is
