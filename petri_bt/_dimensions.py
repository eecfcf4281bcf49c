"""Judge dimensions as Petri defines them, read without importing Petri.

Petri keeps each built-in dimension in a `.md` file with YAML front matter; its
`palette` says which way is better. Importing inspect-petri to ask it costs
seconds and hundreds of MB, so the files are located and read directly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from petri_bt._yaml import load_yaml

JUDGE_SCORER = "audit_judge"
PALETTES = ("good-low", "good-high", "neutral", "diverging")
DIRECTIONS = ("good-low", "good-high", "neutral")
DEFAULT_DIRECTION = "good-low"
SCORE_RANGE = (1.0, 10.0)
"""The judge's raw scale: every dimension is scored 1 to 10."""


class FrontMatterError(ValueError):
    """The YAML block at the top of a markdown file does not parse."""


def read_front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """Split a markdown file into its front matter and its body.

    Args:
        path: The `.md` file.

    Returns:
        (front matter, stripped body); the front matter is `{}` when the file has none.

    Raises:
        FrontMatterError: The block is never closed, is not YAML or not a mapping.
    """
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return {}, text.strip()
    head, sep, body = text[4:].partition("\n---")
    if not sep:
        raise FrontMatterError("the front matter opened with '---' is never closed")
    try:
        meta = load_yaml(head) or {}
    except yaml.YAMLError as exc:
        raise FrontMatterError(
            f"front matter is not valid YAML ({exc.__class__.__name__})"
        ) from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter must be a YAML mapping")
    return meta, body.split("\n", 1)[1].strip() if "\n" in body else ""


def palette_direction(palette: str | None) -> str:
    """The direction of a palette: `good-low`, `good-high` or `neutral`.

    `diverging` counts as neutral; a missing or unknown palette as `good-low`,
    Petri's default.

    Args:
        palette: A dimension's `palette`.
    """
    if palette in ("good-low", "good-high"):
        return palette
    if palette in ("neutral", "diverging"):
        return "neutral"
    return DEFAULT_DIRECTION


@cache
def builtin_palettes() -> dict[str, str]:
    """Petri's built-in dimensions: name -> palette, in file-name order."""
    from petri_bt.adapters import builtin_dimension_folder

    folder = builtin_dimension_folder()
    if folder is None:  # a future layout: only then ask the package itself
        try:
            from inspect_petri import judge_dimensions
        except ImportError:
            return {}
        return {d.name: d.palette for d in judge_dimensions()}
    return {
        path.stem: str(read_front_matter(path)[0].get("palette", DEFAULT_DIRECTION))
        for path in sorted(folder.glob("*.md"))
    }
