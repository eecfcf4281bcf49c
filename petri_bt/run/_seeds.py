"""Seed selection: turn the `seeds` config into what Petri's seeds_dataset accepts, checked."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from petri_bt.errors import UserError

_DATASET_SUFFIXES = {".md", ".json", ".jsonl", ".csv", ".txt"}


def _looks_like_path(source: str) -> bool:
    if source.startswith(("/", "./", "../", "~")):
        return True
    if Path(source).suffix in _DATASET_SUFFIXES:
        return True
    return " " not in source and "/" in source


def seed_source(seeds: DictConfig) -> str | list[str] | None:
    """The value for `inspect_petri.audit(seed_instructions=...)`.

    Args:
        seeds: The `seeds` config node.

    Raises:
        UserError: A path that does not exist (Petri would read it as a literal seed).
    """
    if seeds.instructions:
        return [str(s) for s in seeds.instructions]
    source = seeds.source
    if source is None or source.startswith(("tags:", "id:")):
        return source
    if _looks_like_path(source):
        path = Path(source).expanduser()
        if not path.exists():
            raise UserError(
                f"seeds={source}: no such seed file or folder; give an existing path, "
                "tags:<tag>, id:<seed id>, or seeds=default"
            )
        return str(path.resolve())
    return source


def check_seeds(source: str | list[str] | None, limit: int) -> int:
    """Load the selection once so a bad tag or id fails before any model call.

    Returns:
        The number of seeds the run will audit (before epochs).
    """
    from inspect_petri import seeds_dataset

    try:
        dataset = seeds_dataset(source)
    except (ValueError, FileNotFoundError) as exc:
        raise UserError(f"seeds: {exc}") from None
    if len(dataset) == 0:
        raise UserError(f"seeds: the selection {source!r} matched no seed")
    return len(dataset) if limit == 0 else min(limit, len(dataset))
