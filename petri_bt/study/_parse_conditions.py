"""A study file's `conditions`, its baseline and its treatments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from petri_bt.errors import UserError
from petri_bt.run import check_knobs
from petri_bt.study._parse_fields import SLUG, Problem, text_field
from petri_bt.study._spec import RUN_OVERRIDE_KEYS, Condition

_CONDITION_KEYS = {
    "name",
    "description",
    "seed_prefix",
    "seed_suffix",
    "system_prompt_addition",
    "run_overrides",
}


def _run_overrides(value: Any, where: str, base: Path) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Problem(where, "must be a mapping of run knobs, e.g. {max_turns: 10}")
    unknown = sorted(set(value) - set(RUN_OVERRIDE_KEYS))
    if unknown:
        raise Problem(
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
        raise Problem(f"{where}.{key}", f"invalid value ({str(exc).splitlines()[0]})") from None
    plain = OmegaConf.to_container(merged, enum_to_str=True)
    assert isinstance(plain, dict)
    checked = {key: plain[key] for key in overrides}
    try:
        check_knobs(checked)
    except UserError as exc:
        key = str(exc).split("=", 1)[0]
        raise Problem(f"{where}.{key}", str(exc).split(": ", 1)[-1]) from None
    return checked


def parse_conditions(data: dict[str, Any], base: Path) -> tuple[Condition, ...]:
    entries = data.get("conditions")
    if entries is None:
        raise Problem("conditions", "missing; a study compares two or more conditions")
    if not isinstance(entries, list) or len(entries) < 2:
        raise Problem(
            "conditions",
            "must list at least two conditions (a baseline and one or more treatments)",
        )
    conditions = []
    for i, entry in enumerate(entries):
        where = f"conditions[{i}]"
        if not isinstance(entry, dict):
            raise Problem(where, "must be a mapping with at least a `name`")
        unknown = sorted(set(entry) - _CONDITION_KEYS)
        if unknown:
            raise Problem(
                f"{where}.{unknown[0]}",
                f"unknown key; allowed: {', '.join(sorted(_CONDITION_KEYS))}",
            )
        name = entry.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            raise Problem(f"{where}.name", "missing; every condition needs a name")
        if not isinstance(name, str) or not SLUG.match(name):
            raise Problem(f"{where}.name", f"{name!r} must be letters, digits, '-', '_' or '.'")
        conditions.append(
            Condition(
                name=name,
                description=text_field(entry, "description", f"{where}.", required=False),
                seed_prefix=text_field(entry, "seed_prefix", f"{where}.", required=False),
                seed_suffix=text_field(entry, "seed_suffix", f"{where}.", required=False),
                system_prompt_addition=text_field(
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
                raise Problem(
                    f"conditions[{j}].name",
                    f"{second.name!r} is used twice; name each arm differently",
                )
            if _manipulation(first) == _manipulation(second):
                raise Problem(
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


def arm_name(
    data: dict[str, Any], key: str, conditions: tuple[Condition, ...], default: str
) -> str:
    value = data.get(key, default)
    if value not in [c.name for c in conditions]:
        raise Problem(
            key, f"{value!r} is not one of the conditions ({', '.join(c.name for c in conditions)})"
        )
    return value


def treatments(
    data: dict[str, Any], conditions: tuple[Condition, ...], baseline: str
) -> tuple[str, ...]:
    if "treatment" in data and "treatments" in data:
        raise Problem("treatments", "give `treatment` (one) or `treatments` (a list), not both")
    names = [c.name for c in conditions]
    key = "treatments"
    if "treatment" in data:
        key, value = "treatment", [data["treatment"]]
    elif "treatments" in data:
        value = data["treatments"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise Problem(key, "must be a non-empty list of condition names")
    else:
        value = [name for name in names if name != baseline]
    for i, name in enumerate(value):
        where = key if key == "treatment" else f"{key}[{i}]"
        if not isinstance(name, str) or name not in names:
            raise Problem(where, f"{name!r} is not one of the conditions ({', '.join(names)})")
        if name == baseline:
            raise Problem(where, "names the same condition as baseline")
    if len(set(value)) != len(value):
        raise Problem(key, "lists a condition twice")
    for i, name in enumerate(names):
        if name != baseline and name not in value:
            raise Problem(
                f"conditions[{i}]",
                f"{name!r} is neither the baseline nor a treatment; add it to `treatments` or remove it",
            )
    return tuple(value)
