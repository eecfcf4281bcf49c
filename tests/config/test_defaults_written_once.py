"""Each default is written once, in the schema: `--help` and the README agree with it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from petri_bt.config import RunConfig, format_default, render_help

README = Path(__file__).resolve().parents[2] / "README.md"


def _schema_defaults() -> dict[str, str]:
    out = {}
    for f in dataclasses.fields(RunConfig):
        if "help" not in f.metadata:
            continue
        value = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        out[f.name] = format_default(value)
    return out


def _readme_rows() -> dict[str, str]:
    """knob -> default, from the README's configuration reference table."""
    section = README.read_text().split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([a-z_]+)`", cells[0])
        values = re.split(r"\s*/\s*|,\s*", re.sub(r"\s*\(.*?\)", "", cells[1]))
        if len(values) != len(names):
            values = [values[0]] * len(names)
        rows.update(zip(names, values, strict=True))
    return rows


def test_readme_knob_table_matches_the_schema() -> None:
    schema = _schema_defaults()
    rows = _readme_rows()
    assert rows, "the README's configuration reference table was not found"
    wrong = {k: (v, schema.get(k)) for k, v in rows.items() if schema.get(k) != v}
    assert wrong == {}, "README default (left) differs from the schema (right)"
    assert sorted(set(schema) - set(rows)) == [], "knobs missing from the README's table"


def test_help_shows_every_knob_with_its_schema_default() -> None:
    text = render_help()
    for name, default in _schema_defaults().items():
        assert f"{name}={default}" in text


def test_config_yaml_sets_no_knob_default() -> None:
    conf = yaml.safe_load((README.parent / "conf" / "config.yaml").read_text())
    assert set(conf) <= {"defaults", "hydra"}


def test_help_fits_the_terminal_and_ends_descriptions_at_a_sentence() -> None:
    text = render_help()
    assert max(len(line) for line in text.splitlines()) <= 100
    # group option descriptions are whole first sentences of the file's comment
    assert "Petri's built-in seed set (173 seeds; `limit` caps how many run)" in text
    assert "repeats, one audit (one Braintrust experiment) per job" in text
