"""A study file: YAML -> a validated, frozen `StudySpec`.

Validation is explicit rather than a structured-config merge so that every
problem becomes one line naming the file and the field (`conditions[1].name`),
with what to do about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from petri_bt._dimensions import FrontMatterError, read_front_matter
from petri_bt._yaml import load_yaml
from petri_bt.errors import UserError
from petri_bt.run import TASK_KNOBS, check_knobs
from petri_bt.study._dimensions import CustomDimension, builtin_palettes, load_custom_dimension

DEFAULT_MODERATORS = ("eval_awareness", "audit_situational_awareness")
DEFAULT_SMALLEST_EFFECT = 1.0
"""The smallest effect of interest when a study names none: one raw judge point (1-10 scale)."""

# Run knobs a condition may change: the task knobs, except the judge's dimensions,
# which must be the same in every arm for the scores to compare. Everything else
# (models, seeds, limits, export) must stay identical too, or the comparison is no
# longer paired.
RUN_OVERRIDE_KEYS = tuple(knob for knob in TASK_KNOBS if knob != "judge_dimensions")

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
_CONDITION_KEYS = {
    "name",
    "description",
    "seed_prefix",
    "seed_suffix",
    "system_prompt_addition",
    "run_overrides",
}
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SEED_FILE_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True)
class Seed:
    """One base seed: the scenario before any condition's overlay.

    Args:
        id: Stable id, the same in every arm (pairs rows across arms).
        text: The seed instruction.
        source: `inline` or the file it came from (relative to the study file).
        metadata: The seed file's front matter (tags, ...), the same in every arm.
    """

    id: str
    text: str
    source: str = "inline"
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Condition:
    """One arm's manipulation.

    Args:
        name: Arm name (used in task and experiment names).
        description: What the arm changes, for people.
        seed_prefix: Text placed before every base seed.
        seed_suffix: Text placed after every base seed.
        system_prompt_addition: Text the auditor must put in the target's system prompt.
        run_overrides: Run knobs for this arm only (e.g. `max_turns`).
    """

    name: str
    description: str = ""
    seed_prefix: str = ""
    seed_suffix: str = ""
    system_prompt_addition: str = ""
    run_overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StudySpec:
    """A validated study.

    Args:
        name: The study's name (equals the file's stem).
        title: One-line title.
        description: What the study does.
        hypothesis: What the study expects to find.
        path: The study file.
        base_seeds: The seeds every arm audits.
        conditions: The arms (two or more), in file order.
        baseline: Name of the baseline condition.
        treatments: Names of the treatment conditions; each is compared with the
            baseline (deltas are treatment - baseline).
        focus_dimensions: Dimensions the paired report tests.
        moderator_dimensions: Dimensions correlated with the per-seed delta.
        custom_dimensions: The study's own rubrics, scored by the judge too.
        probe: A pinned message the auditor must deliver in every audit, when set.
        smallest_effect: The smallest mean delta worth detecting, in raw judge points
            (what `action=plan` sizes the study for).
    """

    name: str
    title: str
    description: str
    hypothesis: str
    path: Path
    base_seeds: tuple[Seed, ...]
    conditions: tuple[Condition, ...]
    baseline: str
    treatments: tuple[str, ...]
    focus_dimensions: tuple[str, ...]
    moderator_dimensions: tuple[str, ...] = DEFAULT_MODERATORS
    custom_dimensions: tuple[CustomDimension, ...] = ()
    probe: str | None = None
    smallest_effect: float = DEFAULT_SMALLEST_EFFECT

    def condition(self, name: str) -> Condition:
        """The condition called `name`."""
        for condition in self.conditions:
            if condition.name == name:
                return condition
        raise KeyError(name)

    @property
    def arms(self) -> tuple[Condition, ...]:
        """The baseline, then every treatment in order."""
        return tuple(self.condition(name) for name in (self.baseline, *self.treatments))

    def role(self, name: str) -> str:
        """`baseline` or `treatment`: the part condition `name` plays."""
        return "baseline" if name == self.baseline else "treatment"

    def delta(self, treatment: str) -> str:
        """How a treatment's delta is read, e.g. `unobserved - observed`."""
        return f"{treatment} - {self.baseline}"

    def palette(self, dimension: str) -> str:
        """The direction palette of a built-in or custom dimension."""
        for custom in self.custom_dimensions:
            if custom.name == dimension:
                return custom.palette
        return builtin_palettes().get(dimension, "good-low")

    # cached_property writes to the instance __dict__ directly, so it works on a
    # frozen dataclass; load_study fills it, so file contents count as they were then.
    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the canonical spec (seeds, overlays, overrides, rubrics)."""
        from petri_bt.study._fingerprint import fingerprint

        return fingerprint(self)


class _Problem(Exception):
    """One validation failure: the field and what is wrong with it."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


def _text(data: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise _Problem(where + key, "missing; add it (a non-empty text)")
        return ""
    if not isinstance(value, str):
        raise _Problem(where + key, f"must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise _Problem(where + key, "is empty")
    return value.strip()


def _names(data: dict[str, Any], key: str, default: tuple[str, ...] | None) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if default is None:
            raise _Problem(key, "missing; list the judge dimensions to test")
        return default
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _Problem(key, "must be a list of dimension names")
    if len(set(value)) != len(value):
        raise _Problem(key, "lists a dimension twice")
    return tuple(value)


def _seed_path(base: Path, entry: str) -> Path:
    path = Path(entry).expanduser()
    return path if path.is_absolute() else base / path


def _looks_like_path(entry: str) -> bool:
    single = "\n" not in entry and " " not in entry.strip()
    return single and (entry.rstrip().endswith("/") or entry.strip().endswith(_SEED_FILE_SUFFIXES))


def _seeds_from_path(base: Path, entry: str, where: str) -> list[Seed]:
    path = _seed_path(base, entry)
    if path.is_dir():
        files = sorted(path.glob("*.md"))
        if not files:
            raise _Problem(where, f"folder {entry} holds no .md seed files")
    elif path.is_file():
        files = [path]
    else:
        raise _Problem(where, f"{entry} does not exist (paths are relative to the study file)")
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
            raise _Problem(where, f"{entry}: seed files must be .md or .txt")
        try:
            meta, body = read_front_matter(file)
        except FrontMatterError as exc:
            raise _Problem(where, f"{label}: {exc}") from None
        if not body:
            raise _Problem(where, f"{label} has no seed text")
        extra = {k: v for k, v in meta.items() if k not in ("id", "todo")}
        seeds.append(
            Seed(id=str(meta.get("id") or file.stem), text=body, source=label, metadata=extra)
        )
    return seeds


def _base_seeds(data: dict[str, Any], base: Path) -> tuple[Seed, ...]:
    entries = data.get("base_seeds")
    if entries is None:
        raise _Problem("base_seeds", "missing; give seed texts or paths to seed files/folders")
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list) or not entries:
        raise _Problem("base_seeds", "must be a non-empty list of seed texts or paths")
    seeds: list[Seed] = []
    for i, entry in enumerate(entries):
        where = f"base_seeds[{i}]"
        if isinstance(entry, str):
            if _looks_like_path(entry):
                seeds.extend(_seeds_from_path(base, entry.strip(), where))
            elif entry.strip():
                seeds.append(Seed(id=f"seed-{i + 1:02d}", text=entry.strip()))
            else:
                raise _Problem(where, "is empty")
        elif isinstance(entry, dict):
            unknown = sorted(set(entry) - {"id", "text", "path"})
            if unknown or ("text" in entry) == ("path" in entry):
                raise _Problem(
                    where, "a mapping needs exactly one of `text` or `path` (plus an optional `id`)"
                )
            if "path" in entry:
                if not isinstance(entry["path"], str):
                    raise _Problem(where + ".path", "must be a path")
                seeds.extend(_seeds_from_path(base, entry["path"], where + ".path"))
                continue
            text = _text(entry, "text", where + ".", required=True)
            seed_id = entry.get("id", f"seed-{i + 1:02d}")
            if not isinstance(seed_id, str) or not _SLUG.match(seed_id):
                raise _Problem(
                    where + ".id", "must be a short id of letters, digits, '-', '_' or '.'"
                )
            seeds.append(Seed(id=seed_id, text=text))
        else:
            raise _Problem(where, "must be a seed text, a path, or {id, text} / {path}")
    seen: set[str] = set()
    for seed in seeds:
        if seed.id in seen:
            raise _Problem(
                "base_seeds",
                f"seed id {seed.id!r} appears twice; ids pair rows across arms, so make them unique",
            )
        seen.add(seed.id)
    return tuple(seeds)


def _run_overrides(value: Any, where: str, base: Path) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Problem(where, "must be a mapping of run knobs, e.g. {max_turns: 10}")
    unknown = sorted(set(value) - set(RUN_OVERRIDE_KEYS))
    if unknown:
        raise _Problem(
            f"{where}.{unknown[0]}",
            f"not a per-arm run knob; allowed: {', '.join(RUN_OVERRIDE_KEYS)}",
        )
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from petri_bt.config import RunConfig

    overrides = dict(value)
    for key in ("auditor_system_message", "resources_dir"):
        # Files next to the study travel with it: resolve them against the study's folder.
        raw = overrides.get(key)
        if isinstance(raw, str) and "\n" not in raw and (base / raw).exists():
            overrides[key] = str((base / raw).resolve())
    try:
        merged = OmegaConf.merge(OmegaConf.structured(RunConfig), overrides)
    except OmegaConfBaseException as exc:
        key = getattr(exc, "full_key", None) or next(iter(overrides))
        raise _Problem(f"{where}.{key}", f"invalid value ({str(exc).splitlines()[0]})") from None
    plain = OmegaConf.to_container(merged, enum_to_str=True)
    assert isinstance(plain, dict)
    checked = {key: plain[key] for key in overrides}
    try:
        check_knobs(checked)
    except UserError as exc:
        key = str(exc).split("=", 1)[0]
        raise _Problem(f"{where}.{key}", str(exc).split(": ", 1)[-1]) from None
    return checked


def _conditions(data: dict[str, Any], base: Path) -> tuple[Condition, ...]:
    entries = data.get("conditions")
    if entries is None:
        raise _Problem("conditions", "missing; a study compares two or more conditions")
    if not isinstance(entries, list) or len(entries) < 2:
        raise _Problem(
            "conditions",
            "must list at least two conditions (a baseline and one or more treatments)",
        )
    conditions = []
    for i, entry in enumerate(entries):
        where = f"conditions[{i}]"
        if not isinstance(entry, dict):
            raise _Problem(where, "must be a mapping with at least a `name`")
        unknown = sorted(set(entry) - _CONDITION_KEYS)
        if unknown:
            raise _Problem(
                f"{where}.{unknown[0]}",
                f"unknown key; allowed: {', '.join(sorted(_CONDITION_KEYS))}",
            )
        name = entry.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            raise _Problem(f"{where}.name", "missing; every condition needs a name")
        if not isinstance(name, str) or not _SLUG.match(name):
            raise _Problem(f"{where}.name", f"{name!r} must be letters, digits, '-', '_' or '.'")
        conditions.append(
            Condition(
                name=name,
                description=_text(entry, "description", f"{where}.", required=False),
                seed_prefix=_text(entry, "seed_prefix", f"{where}.", required=False),
                seed_suffix=_text(entry, "seed_suffix", f"{where}.", required=False),
                system_prompt_addition=_text(
                    entry, "system_prompt_addition", f"{where}.", required=False
                ),
                run_overrides=_run_overrides(
                    entry.get("run_overrides"), f"{where}.run_overrides", base
                ),
            )
        )
    for j, second in enumerate(conditions):
        for first in conditions[:j]:
            if first.name == second.name:
                raise _Problem(
                    f"conditions[{j}].name",
                    f"{second.name!r} is used twice; name each arm differently",
                )
            if _manipulation(first) == _manipulation(second):
                raise _Problem(
                    "conditions",
                    f"{first.name!r} and {second.name!r} are identical; give them different overlays or run_overrides",
                )
    return tuple(conditions)


def _manipulation(condition: Condition) -> tuple[Any, ...]:
    return (
        condition.seed_prefix,
        condition.seed_suffix,
        condition.system_prompt_addition,
        sorted(condition.run_overrides.items()),
    )


def _customs(data: dict[str, Any], base: Path) -> tuple[CustomDimension, ...]:
    entries = data.get("custom_dimensions") or []
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list):
        raise _Problem("custom_dimensions", "must be a list of rubric .md files")
    builtins = builtin_palettes()
    customs: list[CustomDimension] = []
    for i, entry in enumerate(entries):
        where = f"custom_dimensions[{i}]"
        if not isinstance(entry, str):
            raise _Problem(where, "must be a path to a rubric .md file")
        try:
            custom = load_custom_dimension(_seed_path(base, entry))
        except ValueError as exc:
            raise _Problem(where, str(exc)) from None
        if custom.name in builtins:
            raise _Problem(where, f"{custom.name!r} is a built-in Petri dimension; rename the file")
        if custom.name in {c.name for c in customs}:
            raise _Problem(where, f"{custom.name!r} is listed twice")
        customs.append(custom)
    return tuple(customs)


def _check_dimensions(names: tuple[str, ...], key: str, known: set[str]) -> None:
    for i, name in enumerate(names):
        if name not in known:
            raise _Problem(
                f"{key}[{i}]",
                f"unknown dimension {name!r}; use a built-in Petri dimension or add a rubric under custom_dimensions",
            )


def _arm_name(
    data: dict[str, Any], key: str, conditions: tuple[Condition, ...], default: str
) -> str:
    value = data.get(key, default)
    if value not in [c.name for c in conditions]:
        raise _Problem(
            key, f"{value!r} is not one of the conditions ({', '.join(c.name for c in conditions)})"
        )
    return value


def _treatments(
    data: dict[str, Any], conditions: tuple[Condition, ...], baseline: str
) -> tuple[str, ...]:
    if "treatment" in data and "treatments" in data:
        raise _Problem("treatments", "give `treatment` (one) or `treatments` (a list), not both")
    names = [c.name for c in conditions]
    key = "treatments"
    if "treatment" in data:
        key, value = "treatment", [data["treatment"]]
    elif "treatments" in data:
        value = data["treatments"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise _Problem(key, "must be a non-empty list of condition names")
    else:
        value = [name for name in names if name != baseline]
    for i, name in enumerate(value):
        where = key if key == "treatment" else f"{key}[{i}]"
        if not isinstance(name, str) or name not in names:
            raise _Problem(where, f"{name!r} is not one of the conditions ({', '.join(names)})")
        if name == baseline:
            raise _Problem(where, "names the same condition as baseline")
    if len(set(value)) != len(value):
        raise _Problem(key, "lists a condition twice")
    for i, name in enumerate(names):
        if name != baseline and name not in value:
            raise _Problem(
                f"conditions[{i}]",
                f"{name!r} is neither the baseline nor a treatment; add it to `treatments` or remove it",
            )
    return tuple(value)


def _smallest_effect(data: dict[str, Any]) -> float:
    value = data.get("smallest_effect", DEFAULT_SMALLEST_EFFECT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _Problem(
            "smallest_effect", f"must be a positive number of raw judge points (got {value!r})"
        )
    if value >= 9:
        raise _Problem("smallest_effect", "must be below 9: judge scores run from 1 to 10")
    return float(value)


def _probe(data: dict[str, Any], seeds: tuple[Seed, ...]) -> str | None:
    probe = data.get("probe")
    if probe is None:
        return None
    if not isinstance(probe, str) or not probe.strip():
        raise _Problem("probe", "must be the non-empty text of the pinned message")
    from petri_bt.study._probe import probe_text

    for seed in seeds:
        if probe_text(probe) not in probe_text(seed.text):
            raise _Problem(
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
            raise _Problem("top level", "a study file must be a YAML mapping")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise _Problem(unknown[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
        name = _text(data, "name", "", required=True)
        if not _SLUG.match(name):
            raise _Problem("name", f"{name!r} must be letters, digits, '-', '_' or '.'")
        if name != path.stem:
            raise _Problem(
                "name", f"{name!r} differs from the file name {path.name!r}; make them match"
            )
        base = path.parent
        seeds = _base_seeds(data, base)
        conditions = _conditions(data, base)
        customs = _customs(data, base)
        known = set(builtin_palettes()) | {c.name for c in customs}
        focus = _names(data, "focus_dimensions", None)
        if not focus:
            raise _Problem("focus_dimensions", "is empty; list at least one dimension to test")
        _check_dimensions(focus, "focus_dimensions", known)
        moderators = _names(data, "moderator_dimensions", DEFAULT_MODERATORS)
        _check_dimensions(moderators, "moderator_dimensions", known)
        baseline = _arm_name(data, "baseline", conditions, conditions[0].name)
        return StudySpec(
            name=name,
            title=_text(data, "title", "", required=True),
            description=_text(data, "description", "", required=True),
            hypothesis=_text(data, "hypothesis", "", required=True),
            path=path,
            base_seeds=seeds,
            conditions=conditions,
            baseline=baseline,
            treatments=_treatments(data, conditions, baseline),
            focus_dimensions=focus,
            moderator_dimensions=moderators,
            custom_dimensions=customs,
            probe=_probe(data, seeds),
            smallest_effect=_smallest_effect(data),
        )
    except _Problem as problem:
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
