"""Where the shipped config and studies live, in a checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

REPORT_FILES = "report_files"
"""The folder beside a `report.html` holding its transcript pages and Inspect's viewer with
copies of the logs: searches for logs in a folder skip it, so no log is read twice."""


def _shipped(name: str) -> Path:
    # A wheel carries the folder inside the package; an editable install or a
    # checkout has it at the repository root.
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def conf_dir() -> Path:
    """The folder holding `config.yaml` and the config groups."""
    return _shipped("conf")


def shipped_studies_dir() -> Path:
    """The folder of studies committed with petri_bt."""
    return _shipped("studies")


def study_dirs() -> list[Path]:
    """Folders searched for `study=<name>`, first match wins: `PETRI_BT_STUDIES_DIR`
    (os.pathsep-separated), then `./studies`, then the studies shipped with petri_bt."""
    dirs: list[Path] = []
    env = os.environ.get("PETRI_BT_STUDIES_DIR")
    if env:
        dirs.extend(Path(p).expanduser() for p in env.split(os.pathsep) if p)
    dirs.append(Path.cwd() / "studies")
    dirs.append(shipped_studies_dir())
    unique: dict[Path, Path] = {}
    for folder in dirs:
        unique.setdefault(folder.resolve(), folder)
    return list(unique.values())


def find_study(name: str) -> Path | None:
    """The study file for a name (`observer-effect`) or a path to a YAML file."""
    candidate = Path(name).expanduser()
    if candidate.suffix in {".yaml", ".yml"} and candidate.is_file():
        return candidate.resolve()
    for folder in study_dirs():
        for suffix in (".yaml", ".yml"):
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path.resolve()
    return None


def list_studies() -> list[str]:
    """Names of every study found in the study folders."""
    names: set[str] = set()
    for folder in study_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.yaml"))
    return sorted(names)
