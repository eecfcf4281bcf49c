"""A study file: YAML -> a validated, frozen `StudySpec`.

Validation is explicit rather than a structured-config merge so that every
problem becomes one line naming the file and the field (`conditions[1].name`),
with what to do about it. Seeds and conditions are parsed by their own modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from petri_bt._yaml import load_yaml
from petri_bt.errors import UserError
from petri_bt.study._custom_dimensions import (
    CustomDimension,
    builtin_palettes,
    load_custom_dimension,
)
from petri_bt.study._parse_conditions import arm_name, parse_conditions, treatments
from petri_bt.study._parse_fields import SLUG, Problem, dimension_names, text_field
from petri_bt.study._parse_seeds import parse_base_seeds, seed_path
from petri_bt.study._probe import probe_text
from petri_bt.study._spec import DEFAULT_MODERATORS, DEFAULT_SMALLEST_EFFECT, Seed, StudySpec

_TOP_KEYS = {
    "name",
    "title",
    "description",
    "hypothesis",
    "base_seeds",
    "conditions",
    "baseline",
    "treatment",
    "treatments",
    "focus_dimensions",
    "moderator_dimensions",
    "custom_dimensions",
    "probe",
    "smallest_effect",
}
_SEED_FILE_SUFFIXES = (".md", ".txt")


def _customs(data: dict[str, Any], base: Path) -> tuple[CustomDimension, ...]:
    entries = data.get("custom_dimensions") or []
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list):
        raise Problem("custom_dimensions", "must be a list of rubric .md files")
    builtins = builtin_palettes()
    customs: list[CustomDimension] = []
    for i, entry in enumerate(entries):
        where = f"custom_dimensions[{i}]"
        if not isinstance(entry, str):
            raise Problem(where, "must be a path to a rubric .md file")
        try:
            custom = load_custom_dimension(seed_path(base, entry))
        except ValueError as exc:
            raise Problem(where, str(exc)) from None
        if custom.name in builtins:
            raise Problem(where, f"{custom.name!r} is a built-in Petri dimension; rename the file")
        if custom.name in {c.name for c in customs}:
            raise Problem(where, f"{custom.name!r} is listed twice")
        customs.append(custom)
    return tuple(customs)


def _check_dimensions(names: tuple[str, ...], key: str, known: set[str]) -> None:
    for i, name in enumerate(names):
        if name not in known:
            raise Problem(
                f"{key}[{i}]",
                f"unknown dimension {name!r}; use a built-in Petri dimension or add a rubric under custom_dimensions",
            )


def _smallest_effect(data: dict[str, Any]) -> float:
    value = data.get("smallest_effect", DEFAULT_SMALLEST_EFFECT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise Problem(
            "smallest_effect", f"must be a positive number of raw judge points (got {value!r})"
        )
    if value >= 9:
        raise Problem("smallest_effect", "must be below 9: judge scores run from 1 to 10")
    return float(value)


def _probe(data: dict[str, Any], seeds: tuple[Seed, ...]) -> str | None:
    probe = data.get("probe")
    if probe is None:
        return None
    if not isinstance(probe, str) or not probe.strip():
        raise Problem("probe", "must be the non-empty text of the pinned message")

    for seed in seeds:
        if probe_text(probe) not in probe_text(seed.text):
            raise Problem(
                "probe",
                f"seed {seed.id!r} does not contain the probe text; every seed must pin the same probe",
            )
    return probe.strip()


def parse_study(data: Any, path: Path) -> StudySpec:
    """Validate a study's parsed YAML.

    Args:
        data: The parsed YAML document.
        path: The study file (relative seed and rubric paths resolve against its folder).

    Raises:
        UserError: One line naming the file and the field at fault.
    """
    try:
        if not isinstance(data, dict):
            raise Problem("top level", "a study file must be a YAML mapping")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise Problem(unknown[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
        name = text_field(data, "name", "", required=True)
        if not SLUG.match(name):
            raise Problem("name", f"{name!r} must be letters, digits, '-', '_' or '.'")
        if name != path.stem:
            raise Problem(
                "name", f"{name!r} differs from the file name {path.name!r}; make them match"
            )
        base = path.parent
        seeds = parse_base_seeds(data, base)
        conditions = parse_conditions(data, base)
        customs = _customs(data, base)
        known = set(builtin_palettes()) | {c.name for c in customs}
        focus = dimension_names(data, "focus_dimensions", None)
        if not focus:
            raise Problem("focus_dimensions", "is empty; list at least one dimension to test")
        _check_dimensions(focus, "focus_dimensions", known)
        moderators = dimension_names(data, "moderator_dimensions", DEFAULT_MODERATORS)
        _check_dimensions(moderators, "moderator_dimensions", known)
        baseline = arm_name(data, "baseline", conditions, conditions[0].name)
        return StudySpec(
            name=name,
            title=text_field(data, "title", "", required=True),
            description=text_field(data, "description", "", required=True),
            hypothesis=text_field(data, "hypothesis", "", required=True),
            path=path,
            base_seeds=seeds,
            conditions=conditions,
            baseline=baseline,
            treatments=treatments(data, conditions, baseline),
            focus_dimensions=focus,
            moderator_dimensions=moderators,
            custom_dimensions=customs,
            probe=_probe(data, seeds),
            smallest_effect=_smallest_effect(data),
        )
    except Problem as problem:
        raise UserError(f"study file {path}: {problem}") from None


def load_study(path: str | Path) -> StudySpec:
    """Read and validate a study file.

    Args:
        path: The study's YAML file.

    Raises:
        UserError: The file is missing, is not YAML, or fails validation (one line).
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise UserError(f"study file {path} does not exist")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserError(
            f"study file {path}: not valid YAML{where}; check indentation and quoting"
        ) from None
    spec = parse_study(data, path)
    spec.fingerprint  # noqa: B018 - hash (and read any system-message file) once, now
    return spec
