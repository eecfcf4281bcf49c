"""Judge dimensions a study can name: Petri's built-ins and the study's own rubric files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petri_bt._dimensions import (
    PALETTES,
    FrontMatterError,
    builtin_palettes,
    palette_direction,
    read_front_matter,
)

__all__ = ["PALETTES", "CustomDimension", "builtin_palettes", "direction", "load_custom_dimension"]
_RUBRIC_KEYS = {"description", "display_name", "display_order", "tags", "palette"}


@dataclass(frozen=True)
class CustomDimension:
    """A judge dimension shipped with a study, in Petri's `.md` rubric format.

    Args:
        name: The file's stem; the score's key in the judge's answer.
        description: One-sentence description (front matter `description`).
        palette: Direction: `good-low` (higher is worse), `good-high`, `neutral`, `diverging`.
        rubric: The body: guidance the judge reads when scoring.
        path: The rubric file.
        text: The file's full text (part of the study fingerprint).
        display_name: Column header, when set.
        display_order: Sort key, when set.
        tags: Petri tags.
    """

    name: str
    description: str
    palette: str
    rubric: str | None
    path: Path
    text: str
    display_name: str | None = None
    display_order: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    def judge_dimension(self) -> Any:
        """This dimension as an `inspect_petri.JudgeDimension` for the audit's judge."""
        from inspect_petri import JudgeDimension

        return JudgeDimension(
            name=self.name,
            description=self.description,
            palette=self.palette,  # type: ignore[arg-type]
            rubric=self.rubric,
            display_name=self.display_name,
            display_order=self.display_order,
            tags=list(self.tags),
        )


def load_custom_dimension(path: Path) -> CustomDimension:
    """Read one rubric file.

    Args:
        path: A `.md` file with YAML front matter (`description` required).

    Raises:
        ValueError: The file is not a valid rubric; the message says which part.
    """
    if path.suffix != ".md":
        raise ValueError(f"{path.name} is not a .md rubric file")
    if not path.is_file():
        raise ValueError(f"{path} does not exist")
    try:
        meta, body = read_front_matter(path)
    except FrontMatterError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    if not meta:
        raise ValueError(f"{path.name} has no YAML front matter (needs at least `description`)")
    unknown = sorted(set(meta) - _RUBRIC_KEYS)
    if unknown:
        raise ValueError(
            f"{path.name}: unknown front-matter key(s) {unknown}; allowed: {sorted(_RUBRIC_KEYS)}"
        )
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"{path.name}: front matter needs a non-empty `description`")
    palette = str(meta.get("palette", "good-low"))
    if palette not in PALETTES:
        raise ValueError(f"{path.name}: palette {palette!r} is not one of {list(PALETTES)}")
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise ValueError(f"{path.name}: `tags` must be a list")
    order = meta.get("display_order")
    if order is not None and not isinstance(order, int):
        raise ValueError(f"{path.name}: `display_order` must be an integer")
    return CustomDimension(
        name=path.stem,
        description=description.strip(),
        palette=palette,
        rubric=body or None,
        path=path,
        text=path.read_text(encoding="utf-8").replace("\r\n", "\n"),
        display_name=meta.get("display_name"),
        display_order=order,
        tags=tuple(str(t) for t in tags),
    )


_PHRASES = {
    "good-low": "higher is worse",
    "good-high": "higher is better",
    "neutral": "no direction",
}


def direction(palette: str) -> str:
    """A reader's phrase for a palette: which way is better."""
    return _PHRASES[palette_direction(palette)]
