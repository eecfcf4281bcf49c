"""Front-matter markdown (`---` YAML block, then a body), as Petri's seeds and rubrics use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class FrontMatterError(ValueError):
    """The YAML block at the top of a markdown file does not parse."""


def read_front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """Split a markdown file into its front matter and its body.

    Args:
        path: The `.md` file.

    Returns:
        (front matter, stripped body); the front matter is `{}` when the file has none.
    """
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return {}, text.strip()
    head, sep, body = text[4:].partition("\n---")
    if not sep:
        raise FrontMatterError("the front matter opened with '---' is never closed")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise FrontMatterError(
            f"front matter is not valid YAML ({exc.__class__.__name__})"
        ) from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter must be a YAML mapping")
    return meta, body.split("\n", 1)[1].strip() if "\n" in body else ""
