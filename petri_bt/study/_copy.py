"""A study's self-contained copy in its run folder: what a rerun and the saved config read.

The copy is the study file with its base seeds written as seed files beside it (ids
and front matter kept, in their order), its rubrics and any file a condition names
copied in, and every path made relative to the copy. So the run folder holds the
study exactly as it ran, even after `studies/<name>.yaml` changes, and the copy has
the same fingerprint as the study it came from (the run's `limit` and shard still
pick which seeds of it were audited).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from petri_bt._yaml import dump_yaml, load_yaml
from petri_bt.study._spec import Seed, StudySpec

_FILE_KNOBS = ("auditor_system_message", "resources_dir")


def _seed_file(seed: Seed) -> str:
    front = dump_yaml({"id": seed.id, **seed.metadata}).strip()
    return f"---\n{front}\n---\n{seed.text.strip()}\n"


def _copy_files(conditions: list[dict[str, Any]], spec: StudySpec, folder: Path) -> None:
    """Copy the files a condition's run overrides name, pointing the copy at them."""
    by_name = {c.name: c for c in spec.conditions}
    for entry in conditions:
        overrides = entry.get("run_overrides") or {}
        resolved = by_name[entry["name"]].run_overrides
        for key in _FILE_KNOBS:
            source = resolved.get(key)
            if not isinstance(source, str) or not Path(source).exists():
                continue
            target = Path("files") / f"{entry['name']}-{key}{Path(source).suffix}"
            (folder / "files").mkdir(exist_ok=True)
            if Path(source).is_dir():
                shutil.copytree(source, folder / target, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, folder / target)
            overrides[key] = str(target)


def write_study_copy(spec: StudySpec, folder: Path) -> Path:
    """Write the study as it runs into `folder`; return the copy's YAML file.

    Args:
        spec: The study.
        folder: Where the copy goes (the run folder's `study/`).
    """
    seeds = spec.base_seeds
    folder.mkdir(parents=True, exist_ok=True)
    data = load_yaml(spec.path.read_text(encoding="utf-8")) or {}
    seeds_dir = folder / "seeds"
    seeds_dir.mkdir(exist_ok=True)
    width = len(str(len(seeds)))
    for i, seed in enumerate(seeds, 1):
        (seeds_dir / f"{i:0{width}d}_{seed.id}.md").write_text(_seed_file(seed), encoding="utf-8")
    data["base_seeds"] = ["seeds/"]
    if spec.custom_dimensions:
        (folder / "dimensions").mkdir(exist_ok=True)
        for custom in spec.custom_dimensions:
            shutil.copyfile(custom.path, folder / "dimensions" / custom.path.name)
        data["custom_dimensions"] = [f"dimensions/{c.path.name}" for c in spec.custom_dimensions]
    _copy_files(list(data.get("conditions") or []), spec, folder)
    copy = folder / spec.path.name
    copy.write_text(dump_yaml(data), encoding="utf-8")
    return copy
