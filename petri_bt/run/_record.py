"""The rerun record: what a run folder keeps so the run can be repeated exactly.

`<run>/rerun/` holds the seed texts the run audited (`seeds.jsonl`; a study keeps a
self-contained copy of itself in `<run>/study/` instead), the judge dimensions with
their rubrics (`dimensions.yaml`), the pricing table (`pricing.yaml`), and
`record.json`: the command's overrides (secrets redacted), each role's model, the
package versions and where those files are. `action=rerun` reads it back
(`_rerun`), so a rerun no longer depends on Petri's built-in seeds or rubrics, the
shipped pricing table, or the study file as they are today.
"""

from __future__ import annotations

import functools
import json
import platform
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from petri_bt._yaml import dump_yaml, load_yaml
from petri_bt.errors import UserError
from petri_bt.run._plan import RunPlan

RECORD_FOLDER = "rerun"
RECORD_FILE = "record.json"
FORMAT = 1
PACKAGES = (
    "petri-bt",
    "inspect-ai",
    "inspect-petri",
    "inspect-scout",
    "braintrust",
    "hydra-core",
    "omegaconf",
    "openai",
    "anthropic",
)


def package_versions() -> dict[str, str | None]:
    """The versions of Python and of the packages a run's results depend on."""
    return dict(_installed_versions())


@functools.cache
def _installed_versions() -> tuple[tuple[str, str | None], ...]:
    """Read once per process (each is a search of the installed distributions; a sweep
    writes one record per job)."""
    found: list[tuple[str, str | None]] = [("python", platform.python_version())]
    for package in PACKAGES:
        try:
            found.append((package, version(package)))
        except PackageNotFoundError:
            found.append((package, None))
    return tuple(found)


@dataclass(frozen=True)
class Record:
    """A run's rerun record, read back.

    Args:
        run_dir: The original run folder.
        overrides: The command's overrides (secrets redacted).
        roles: Role -> the model that ran.
        versions: Package versions at the time.
        seeds: The audited seeds (`seeds.jsonl`), None for a study.
        dimensions: The judge dimensions with their rubrics (`dimensions.yaml`).
        pricing: The pricing table used.
        study: The study's self-contained copy, for a study.
    """

    run_dir: Path
    overrides: tuple[str, ...]
    roles: dict[str, str]
    versions: dict[str, str | None]
    seeds: Path | None
    dimensions: Path | None
    pricing: dict[str, dict[str, Any]]
    study: Path | None


def _sample_row(sample: Any) -> dict[str, Any]:
    return {"id": sample.id, "input": sample.input, "metadata": dict(sample.metadata or {})}


def write_record(
    plan: RunPlan,
    run_dir: Path,
    *,
    dataset: Iterable[Any] | None = None,
    dimensions: Any = None,
    study_file: Path | None = None,
) -> Path:
    """Write `<run_dir>/rerun/`, before the run's first model call.

    Args:
        plan: The run plan.
        run_dir: The run folder.
        dataset: The samples the run audits (a study: None, its copy has them).
        dimensions: The judge dimensions as Petri takes them (None: the plan's).
        study_file: The study's self-contained copy, for a study.

    Returns:
        The record folder.
    """

    from petri_bt.logs import PriceTable
    from petri_bt.run._task import judge_dimensions_value

    folder = run_dir / RECORD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    if dimensions is None:
        dimensions = judge_dimensions_value(plan.task_args["judge_dimensions"])
    text = _builtin_dimensions() if dimensions is None else _dimensions_yaml(dimensions)
    (folder / "dimensions.yaml").write_text(text)
    (folder / "pricing.yaml").write_text(dump_yaml(PriceTable(dict(plan.export.pricing)).entries()))
    if dataset is not None:
        with (folder / "seeds.jsonl").open("w", encoding="utf-8") as out:
            for sample in dataset:
                out.write(json.dumps(_sample_row(sample), ensure_ascii=False) + "\n")
    record = {
        "format": FORMAT,
        "overrides": list(plan.overrides),
        "roles": {role: spec.model for role, spec in plan.roles.items()},
        "versions": package_versions(),
        "seeds": "seeds.jsonl" if dataset is not None else None,
        "dimensions": "dimensions.yaml",
        "pricing": "pricing.yaml",
        "study": str(study_file.relative_to(run_dir)) if study_file is not None else None,
    }
    (folder / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n")
    return folder


def _dimensions_yaml(dimensions: Any) -> str:
    """Judge dimensions as Petri takes them -> each one with its rubric, as YAML."""
    from inspect_petri import judge_dimensions

    resolved = judge_dimensions(dimensions)
    return dump_yaml([d.model_dump(mode="json", exclude_none=True) for d in resolved])


@functools.cache
def _builtin_dimensions() -> str:
    """Petri's built-in dimensions as YAML, read once per process: they ship with the
    installed package, and a sweep writes one record per job."""
    return _dimensions_yaml(None)


def read_record(run_dir: Path) -> Record:
    """Read a run folder's rerun record.

    Raises:
        UserError: The folder holds no record (not a run folder, or made before records).
    """
    path = run_dir / RECORD_FOLDER / RECORD_FILE
    if not path.is_file():
        raise UserError(
            f"from_logs={run_dir}: no rerun record ({RECORD_FOLDER}/{RECORD_FILE}): give the "
            "folder of one run or study (runs made before petri_bt kept records cannot be rerun)"
        )
    data = json.loads(path.read_text())
    folder = path.parent

    def _file(key: str) -> Path | None:
        return folder / data[key] if data.get(key) else None

    return Record(
        run_dir=run_dir,
        overrides=tuple(data.get("overrides") or ()),
        roles=dict(data.get("roles") or {}),
        versions=dict(data.get("versions") or {}),
        seeds=_file("seeds"),
        dimensions=_file("dimensions"),
        pricing=load_yaml((folder / data["pricing"]).read_text()) or {},
        study=run_dir / data["study"] if data.get("study") else None,
    )


def version_differences(record: Record) -> list[str]:
    """One line per package whose version differs from the original run's."""
    now = package_versions()
    return [
        f"{package} {now.get(package)} here, {then} in the original run"
        for package, then in sorted(record.versions.items())
        if now.get(package) != then
    ]
