"""`--help`: every config group with its options, and every knob with its default.

Rendered from the conf folders and the schema's field docs rather than through Hydra's
help, which composes the whole config repository once per group and takes seconds.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from petri_bt._paths import conf_dir, list_studies
from petri_bt._yaml import load_yaml
from petri_bt.config._schema import ExportConfig, ModelConfig, RunConfig, StudyRef

_OPEN_GROUPS = {
    "target": "any Inspect model string: ollama/qwen3:8b, openai/gpt-5, vllm/meta-llama/Llama-3.1-8B",
    "auditor": "any Inspect model string (overrides the preset's auditor)",
    "judge": "any Inspect model string (overrides the preset's judge)",
    "seeds": (
        "an option below, or tags:<tag> (several: \"seeds='tags:a,b'\"), id:<seed id>[,<id>], "
        "a seed file or a folder of .md seeds"
    ),
    "grid": "grid=<name>: a committed sweep (no -m needed)",
    "study": "a study file in studies/ (or a folder in PETRI_BT_STUDIES_DIR, or study=path/to/file.yaml)",
}
WIDTH = 100
_GROUP_ORDER = (
    "preset",
    "target",
    "auditor",
    "judge",
    "seeds",
    "export",
    "study",
    "grid",
)


def _defaults(conf: Path) -> dict[str, str | None]:
    chosen: dict[str, str | None] = {}
    for entry in load_yaml((conf / "config.yaml").read_text()).get("defaults", []):
        if isinstance(entry, dict):
            for key, value in entry.items():
                if not key.startswith("override"):
                    chosen[key] = value
    return chosen


def _first_sentence(text: str) -> str:
    """The first sentence of a config file's leading comment block."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith("# @"):
            lines.append(line.lstrip("# ").strip())
    paragraph = " ".join(lines)
    match = re.match(r"(.+?\.)(\s|$)", paragraph)
    return (match.group(1) if match else paragraph).rstrip(".")


def _options(group_dir: Path) -> list[tuple[str, str]]:
    """(option, description) for each YAML file of a group, nested folders included."""
    options = []
    for path in sorted(group_dir.rglob("*.yaml")):
        name = str(path.relative_to(group_dir).with_suffix(""))
        text = path.read_text()
        description = _first_sentence(text)
        try:
            data = load_yaml(text) or {}
            if isinstance(data, dict) and data.get("description"):
                description = str(data["description"])
        except yaml.YAMLError:
            description = "(unreadable YAML)"
        options.append((name, description))
    return options


def format_default(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _fields(schema: type, prefix: str = "") -> list[tuple[str, str, str]]:
    rows = []
    for f in dataclasses.fields(schema):
        help_text = f.metadata.get("help")
        if help_text is None:
            continue
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        rows.append((prefix + f.name, format_default(default), help_text))
    return rows


def _role_rows() -> list[tuple[str, str, str]]:
    """A role's settings: its free-keyed nodes (`config`, `args`) as `+<role>.config.<field>`."""
    return [
        (f"+{key}.<field>", "<value>", text) if default == "{}" else (key, default, text)
        for key, default, text in _fields(ModelConfig, "<role>.")
    ]


def _wrapped(head: str, text: str) -> list[str]:
    """`head` then `text`, wrapped to the help's width under its own column."""
    if not text:
        return [head.rstrip()]
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    )


def _table(rows: list[tuple[str, str, str]], indent: str = "  ") -> list[str]:
    width = max(len(f"{k}={v}") for k, v, _ in rows)
    return [line for k, v, h in rows for line in _wrapped(f"{indent}{f'{k}={v}':<{width}}  ", h)]


def render_help() -> str:
    """The text printed by `python -m petri_bt --help`."""
    conf = conf_dir()
    defaults = _defaults(conf)
    lines = [
        "petri_bt: declarative Petri alignment audits, tracked in Braintrust.",
        "",
        "Usage: python -m petri_bt [group=option ...] [knob=value ...]",
        "       python -m petri_bt -m target=a,b max_turns=10,100    (a sweep: Hydra multirun)",
        "       python -m petri_bt preset=offline                     (offline, no keys)",
        "",
        "Config groups (group=option; * marks the default)",
    ]
    for group in _GROUP_ORDER:
        folder = conf / group
        options = _options(folder) if folder.is_dir() else []
        if group == "study":
            options = [(name, "") for name in list_studies()]
        default = defaults.get(group)
        lines.append(f"  {group}")
        if group in _OPEN_GROUPS:
            lines.extend(_wrapped("      ", _OPEN_GROUPS[group]))
        width = max((len(name) for name, _ in options), default=0)
        for name, description in options:
            mark = "*" if name == default else " "
            lines.extend(_wrapped(f"    {mark} {name:<{width}}  ", description))
        if group == "study":
            lines += _table(_fields(StudyRef, "study."), indent="      ")
    lines += ["", "Knobs (knob=value; Petri's defaults)"]
    lines += _table(_fields(RunConfig))
    lines += [
        "",
        "Role settings (<role> is target, auditor or judge; they apply to the role's model",
        "whoever picks it: the command line, PETRI_BT_<ROLE> or the preset)",
    ]
    lines += _table(_role_rows())
    lines += ["", "Export (export.<key>=value)"]
    lines += _table(_fields(ExportConfig, "export."))
    lines += [
        "",
        "Role precedence: command line > PETRI_BT_TARGET / PETRI_BT_AUDITOR / PETRI_BT_JUDGE > preset.",
        "Print the resolved config: --cfg job     Show roles and seeds: action=show",
        "Export existing logs: from_logs=[logs/] export=braintrust export.project=NAME",
        'Compare audits (tables): action=compare "from_logs=[a/,b/]"   A page: action=report from_logs=a/',
        "Sweep launchers: hydra/launcher=inspect (default, concurrent) | basic | joblib",
        "                 | submitit_local | slurm | ray",
        "Hydra's own options: --hydra-help",
    ]
    return "\n".join(lines)
