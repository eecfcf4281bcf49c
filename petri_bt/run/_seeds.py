"""Seed selection: the `seeds` config -> what Petri audits, checked before any model call.

What a selection means:
- null: Petri's built-in set; `tags:a,b` / `id:x,y`: built-in seeds by tag or id;
- a folder: every `.md` seed in it (id from the file name, front matter as metadata);
- a `.md` file: that one seed, read exactly as it would be inside a folder;
- a `.txt` file: one seed per non-empty line;
- a `.json` / `.jsonl` / `.csv` file: an Inspect dataset (one seed per record);
- an inline list (`seeds.instructions=[...]`): one seed per entry.
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from petri_bt.errors import UserError

SeedSource = str | tuple[str, ...] | None
"""A seed selection as Petri's `seeds_dataset` takes it (a tuple for an inline list)."""

_DATASET_SUFFIXES = {".md", ".json", ".jsonl", ".csv", ".txt"}


def _is_seed_path(source: str) -> bool:
    if source.startswith(("/", "./", "../", "~")):
        return True
    if Path(source).suffix in _DATASET_SUFFIXES:
        return True
    return " " not in source and "/" in source


def seed_source(seeds: DictConfig) -> SeedSource:
    """The seed selection of a run config, with existing paths made absolute (a missing
    one is kept as typed: `missing_seed_path` names it when the run is checked).

    Args:
        seeds: The `seeds` config node.
    """
    if seeds.instructions:
        return tuple(str(s) for s in seeds.instructions)
    source = seeds.source
    if source is None or source.startswith(("tags:", "id:")) or not _is_seed_path(source):
        return source
    path = Path(source).expanduser()
    return str(path.resolve()) if path.exists() else source


def missing_seed_path(source: SeedSource) -> str | None:
    """The problem with a selection naming a seed path that does not exist (Petri would
    read it as a literal seed), else None.

    Args:
        source: A seed selection (`seed_source`).
    """
    if not isinstance(source, str) or source.startswith(("tags:", "id:")):
        return None
    if not _is_seed_path(source) or Path(source).expanduser().exists():
        return None
    return (
        f"seeds={source}: no such seed file or folder; give an existing path, "
        "tags:<tag>, id:<seed id>, or seeds=default"
    )


LIST_SEEDS = "python -m petri_bt action=show seeds=default limit=0"
"""The command that lists every built-in seed with its id and tags."""


def _closest(names: list[str], known: list[str]) -> str:
    close = [m for n in names for m in difflib.get_close_matches(n, known, n=3, cutoff=0.5)]
    return f" (closest: {', '.join(dict.fromkeys(close))})" if close else ""


def _unknown_builtin(source: SeedSource) -> str | None:
    """The problem with an `id:` or `tags:` selection that names no built-in seed or tag
    (said in one short line, with the nearest names and how to list them), else None."""
    if not isinstance(source, str) or not source.startswith(("id:", "tags:")):
        return None
    kind, _, listed = source.partition(":")
    names = [n.strip() for n in listed.split(",") if n.strip()]
    builtin = list(_builtin_seeds(None))
    if kind == "id":
        known = [str(seed.id) for seed in builtin]
        unknown = [n for n in names if n not in known]
        what = f"no built-in seed has the id {', '.join(unknown)}"
    else:
        known = sorted({str(t) for seed in builtin for t in (seed.metadata or {}).get("tags", [])})
        unknown = names if not set(names) & set(known) else []
        what = f"no built-in seed has the tag {', '.join(unknown)}"
    if not names or not unknown:
        return None
    return f"seeds={source}: {what}{_closest(unknown, known)}; {LIST_SEEDS} lists them all"


@functools.cache
def _builtin_seeds(selection: str | None) -> Any:
    """A selection of Petri's built-in seeds (None: all, `tags:...`, `id:...`), read once
    per process: they ship with the installed package, and a sweep checks every job's
    selection (Petri reads its whole seed folder each time, ~0.1 s).

    Args:
        selection: None, `tags:<tag>,...` or `id:<id>,...`.
    """
    from inspect_petri import seeds_dataset

    return seeds_dataset(selection)


def _is_seed_file(source: SeedSource) -> bool:
    """True for a single `.md` seed file (one seed, front matter as metadata)."""
    return isinstance(source, str) and source.endswith(".md") and Path(source).is_file()


def seed_dataset(source: SeedSource) -> Any:
    """The Inspect dataset of a seed selection.

    Args:
        source: A seed selection (see the module docstring).

    Raises:
        UserError: A missing path, a tag, id or file Petri cannot read, or a selection
            with no seed.
    """
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_petri import seeds_dataset

    problem = missing_seed_path(source) or _unknown_builtin(source)
    if problem:
        raise UserError(problem)
    try:
        if _is_seed_file(source):
            from inspect_petri.util import parse_markdown_file

            doc = parse_markdown_file(Path(str(source)))
            metadata = {k: v for k, v in doc.metadata.items() if k != "todo"}
            dataset = MemoryDataset(
                [Sample(id=doc.id, input=doc.body, metadata=metadata)], name="seeds"
            )
        elif source is None or (isinstance(source, str) and source.startswith(("tags:", "id:"))):
            builtin = _builtin_seeds(source)
            dataset = MemoryDataset(list(builtin), name=builtin.name)
        else:
            dataset = seeds_dataset(list(source) if isinstance(source, tuple) else source)
    except (ValueError, FileNotFoundError, OSError) as exc:
        raise UserError(f"seeds: {exc}") from None
    if len(dataset) == 0:
        raise UserError(f"seeds: the selection {source!r} matched no seed")
    return dataset


def check_seeds(source: SeedSource, limit: int | None) -> int:
    """Load the selection once so a bad tag or id fails before any model call.

    Args:
        source: The seed selection.
        limit: Seeds to audit (None: all).

    Returns:
        The number of seeds the run will audit (before epochs).
    """
    dataset = seed_dataset(source)
    return len(dataset) if limit is None else min(limit, len(dataset))
