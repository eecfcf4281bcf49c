"""A study file's `base_seeds`: inline texts, `{id, text}` entries, seed files and folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt._dimensions import FrontMatterError, read_front_matter
from petri_bt.study._parse_fields import SLUG, Problem, text_field
from petri_bt.study._spec import Seed

_SEED_FILE_SUFFIXES = (".md", ".txt")


def seed_path(base: Path, entry: str) -> Path:
    path = Path(entry).expanduser()
    return path if path.is_absolute() else base / path


def _looks_like_path(entry: str) -> bool:
    single = "\n" not in entry and " " not in entry.strip()
    return single and (entry.rstrip().endswith("/") or entry.strip().endswith(_SEED_FILE_SUFFIXES))


def _seeds_from_path(base: Path, entry: str, where: str) -> list[Seed]:
    path = seed_path(base, entry)
    if path.is_dir():
        files = sorted(path.glob("*.md"))
        if not files:
            raise Problem(where, f"folder {entry} holds no .md seed files")
    elif path.is_file():
        files = [path]
    else:
        raise Problem(where, f"{entry} does not exist (paths are relative to the study file)")
    seeds = []
    for file in files:
        label = str(Path(entry) / file.name) if path.is_dir() else entry
        if file.suffix == ".txt":
            lines = [ln.strip() for ln in file.read_text(encoding="utf-8").splitlines()]
            lines = [ln for ln in lines if ln]
            seeds.extend(
                Seed(id=f"{file.stem}-{i:02d}", text=ln, source=label)
                for i, ln in enumerate(lines, 1)
            )
            continue
        if file.suffix != ".md":
            raise Problem(where, f"{entry}: seed files must be .md or .txt")
        try:
            meta, body = read_front_matter(file)
        except FrontMatterError as exc:
            raise Problem(where, f"{label}: {exc}") from None
        if not body:
            raise Problem(where, f"{label} has no seed text")
        extra = {k: v for k, v in meta.items() if k not in ("id", "todo")}
        seeds.append(
            Seed(id=str(meta.get("id") or file.stem), text=body, source=label, metadata=extra)
        )
    return seeds


def parse_base_seeds(data: dict[str, Any], base: Path) -> tuple[Seed, ...]:
    entries = data.get("base_seeds")
    if entries is None:
        raise Problem("base_seeds", "missing; give seed texts or paths to seed files/folders")
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list) or not entries:
        raise Problem("base_seeds", "must be a non-empty list of seed texts or paths")
    seeds: list[Seed] = []
    for i, entry in enumerate(entries):
        where = f"base_seeds[{i}]"
        if isinstance(entry, str):
            if _looks_like_path(entry):
                seeds.extend(_seeds_from_path(base, entry.strip(), where))
            elif entry.strip():
                seeds.append(Seed(id=f"seed-{i + 1:02d}", text=entry.strip()))
            else:
                raise Problem(where, "is empty")
        elif isinstance(entry, dict):
            unknown = sorted(set(entry) - {"id", "text", "path"})
            if unknown or ("text" in entry) == ("path" in entry):
                raise Problem(
                    where, "a mapping needs exactly one of `text` or `path` (plus an optional `id`)"
                )
            if "path" in entry:
                if not isinstance(entry["path"], str):
                    raise Problem(where + ".path", "must be a path")
                seeds.extend(_seeds_from_path(base, entry["path"], where + ".path"))
                continue
            text = text_field(entry, "text", where + ".", required=True)
            seed_id = entry.get("id", f"seed-{i + 1:02d}")
            if not isinstance(seed_id, str) or not SLUG.match(seed_id):
                raise Problem(
                    where + ".id", "must be a short id of letters, digits, '-', '_' or '.'"
                )
            seeds.append(Seed(id=seed_id, text=text))
        else:
            raise Problem(where, "must be a seed text, a path, or {id, text} / {path}")
    seen: set[str] = set()
    for seed in seeds:
        if seed.id in seen:
            raise Problem(
                "base_seeds",
                f"seed id {seed.id!r} appears twice; ids pair rows across arms, so make them unique",
            )
        seen.add(seed.id)
    return tuple(seeds)
