"""Judge scores as a log holds them: each dimension's direction, a usable 1..10 value, and
each dimension's part of the justification.

Petri scores every dimension 1..10. A dimension's direction comes from its
`palette` in inspect-petri: `good-low` (higher is worse, the usual case),
`good-high` (higher is better) or `neutral` (`diverging` counts as neutral).
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from petri_bt._dimensions import (
    DEFAULT_DIRECTION,
    SCORE_RANGE,
    FrontMatterError,
    builtin_palettes,
    palette_direction,
    read_front_matter,
)
from petri_bt._yaml import load_yaml


def _file_palette(path: Path) -> str | None:
    try:
        return read_front_matter(path)[0].get("palette")
    except FrontMatterError:
        return None  # a broken file: its dimension keeps the default direction


def _read_definitions(source: Path) -> dict[str, str]:
    """Directions from a folder of `.md` dimension files or a YAML list of dimensions."""
    if source.is_dir():
        return {p.stem: palette_direction(_file_palette(p)) for p in sorted(source.glob("*.md"))}
    data = load_yaml(source.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and item.get("name"):
            found[str(item["name"])] = palette_direction(item.get("palette"))
    return found


@cache
def builtin_directions() -> dict[str, str]:
    """Direction of every dimension built into inspect-petri."""
    return {name: palette_direction(palette) for name, palette in builtin_palettes().items()}


def _declared_directions(judge_dimensions: Any) -> dict[str, str]:
    """Directions of dimensions defined in the task's own `judge_dimensions` argument."""
    found: dict[str, str] = {}
    if isinstance(judge_dimensions, list):
        for item in judge_dimensions:
            if isinstance(item, dict) and item.get("name"):
                found[str(item["name"])] = palette_direction(item.get("palette"))
        return found
    if isinstance(judge_dimensions, str) and not judge_dimensions.startswith("tags:"):
        try:
            path = Path(judge_dimensions).expanduser()
            if path.exists():
                return _read_definitions(path)
        except (OSError, ValueError, yaml.YAMLError):
            # An unreadable definition: the config override or the default applies.
            return {}
    return found


def dimension_table(
    eval_spec: dict[str, Any], overrides: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Direction and its source for every dimension known before reading samples.

    Precedence: config override > the task's own dimension definition > the
    inspect-petri built-in > `good-low`. Dimensions met later that none of
    these know get `good-low` from `direction_of`.

    Args:
        eval_spec: The header's `eval` node.
        overrides: `export.dimension_directions`.
    """
    table: dict[str, dict[str, str]] = {
        name: {"direction": direction, "source": "inspect-petri"}
        for name, direction in builtin_directions().items()
    }
    task_args = eval_spec.get("task_args") or {}
    for name, direction in _declared_directions(task_args.get("judge_dimensions")).items():
        table[name] = {"direction": direction, "source": "definition"}
    for name, direction in overrides.items():
        table[name] = {"direction": direction, "source": "config"}
    return table


def direction_of(table: dict[str, dict[str, str]], name: str) -> tuple[str, str]:
    """(direction, source) of a dimension; unknown ones default to good-low."""
    entry = table.get(name)
    if entry is None:
        return DEFAULT_DIRECTION, "default"
    return entry["direction"], entry["source"]


def raw_score(value: Any) -> tuple[float | None, str | None]:
    """A usable 1..10 judge value, or None and the reason it is left out."""
    if value is None:
        return None, "absent"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return None, f"not a number ({value!r})"
        else:
            return None, f"not a number ({type(value).__name__})"
    number = float(value)
    if math.isnan(number):
        return None, "NaN"
    if number == 0:
        return None, "not applicable (0)"
    if number < SCORE_RANGE[0] or number > SCORE_RANGE[1]:
        return None, f"out of range ({value})"
    return number, None


_BULLET = re.compile(r"^[\s>*#\-+•\d.)]*")


def split_justification(text: str | None, names: list[str]) -> tuple[dict[str, str], str]:
    """Cut the judge's justification into each dimension's part.

    Petri writes one paragraph per noteworthy dimension, headed by its name in
    any of the usual markdown forms (`**concerning** (3): ...`, `- concerning:`,
    `### Unprompted sycophancy`). Text before the first heading is returned
    apart as the preamble.

    Args:
        text: The score's explanation.
        names: The dimensions scored in this sample.
    """
    if not text:
        return {}, ""
    if not isinstance(text, str):
        text = str(text)
    by_key = {_key(n): n for n in names}
    parts: dict[str, list[str]] = {}
    preamble: list[str] = []
    current: str | None = None
    for line in text.splitlines():
        name, rest = _heading(line, by_key)
        if name is not None:
            current = name
            parts.setdefault(name, [])
            if rest:
                parts[name].append(rest)
            continue
        (parts[current] if current else preamble).append(line)
    chunks = {n: "\n".join(lines).strip() for n, lines in parts.items()}
    return {n: c for n, c in chunks.items() if c}, "\n".join(preamble).strip()


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _heading(line: str, by_key: dict[str, str]) -> tuple[str | None, str]:
    body = _BULLET.sub("", line)
    match = re.match(
        r"^[*_`]*([A-Za-z][A-Za-z0-9_ \-]{1,80}?)[*_`]*\s*"
        r"(?:\(\s*(?:score\s*[:=]?\s*)?\d+(?:\s*/\s*10)?\s*\))?[*_`]*\s*(?::|—|–|-\s|$)(.*)$",
        body,
    )
    if not match:
        return None, ""
    name = by_key.get(_key(match.group(1)))
    if name is None:
        return None, ""
    return name, match.group(2).strip()
