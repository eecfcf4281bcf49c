"""The `export` config node as one plain, validated object."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import field
from enum import Enum
from typing import Any

from petri_bt._dimensions import DIRECTIONS
from petri_bt.config import ExportConfig, ExportMode, Sink
from petri_bt.errors import UserError

LLM_INPUTS = ("new", "full")


class _Derived:
    """What every ExportSettings answers beyond its fields."""

    mode: str

    @property
    def to_experiment(self) -> bool:
        return self.mode in ("experiment", "both")

    @property
    def to_logs(self) -> bool:
        return self.mode in ("logs", "both")


def _settings_field(f: dataclasses.Field[Any]) -> tuple[str, Any, Any]:
    if f.default_factory is not dataclasses.MISSING:
        return f.name, f.type, field(default_factory=f.default_factory)
    return f.name, f.type, field(default=_plain(f.default))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


# ExportConfig's fields and defaults, frozen, holding plain values (enums as their
# strings, pricing overrides as dicts) whichever form the settings came in.
ExportSettings = dataclasses.make_dataclass(
    "ExportSettings",
    [_settings_field(f) for f in dataclasses.fields(ExportConfig)],
    bases=(_Derived,),
    frozen=True,
    module=__name__,
)


def load_settings(settings: Any = None) -> ExportSettings:
    """Normalise the `export` node (DictConfig, ExportConfig, dict or None).

    Args:
        settings: The export settings in any of the accepted forms.

    Raises:
        UserError: A value is out of range (one line saying which and how to fix it).
    """
    if isinstance(settings, ExportSettings):
        return settings
    raw: dict[str, Any]
    if settings is None:
        raw = {}
    elif (
        isinstance(settings, dict)
        or dataclasses.is_dataclass(settings)
        and not isinstance(settings, type)
    ):
        raw = _plain(settings)
    else:
        from omegaconf import DictConfig, OmegaConf

        if not isinstance(settings, DictConfig):
            raise TypeError(f"export settings of type {type(settings).__name__}")
        container = OmegaConf.to_container(settings, resolve=True, enum_to_str=True)
        assert isinstance(container, dict)
        raw = _plain(container)
    known = {f.name for f in dataclasses.fields(ExportSettings)}
    values = {k: v for k, v in raw.items() if k in known}
    result = ExportSettings(**values)
    _validate(result)
    return result


def _validate(s: ExportSettings) -> None:
    for key, choices in (("sink", Sink), ("mode", ExportMode)):
        value = getattr(s, key)
        if value not in list(choices):
            raise UserError(f"export.{key}={value!r} is not one of {', '.join(choices)}")
    if s.llm_input not in LLM_INPUTS:
        raise UserError(f"export.llm_input={s.llm_input!r} is not one of {', '.join(LLM_INPUTS)}")
    if s.batch_size < 1:
        raise UserError(f"export.batch_size={s.batch_size} must be at least 1")
    if s.max_retries < 0:
        raise UserError(f"export.max_retries={s.max_retries} must be 0 or more")
    if not s.project:
        raise UserError(
            "export.project is empty: name the Braintrust project, e.g. export.project=petri-audits"
        )
    for dim, direction in s.dimension_directions.items():
        if direction not in DIRECTIONS:
            raise UserError(
                f"export.dimension_directions.{dim}={direction!r}: use one of {', '.join(DIRECTIONS)}"
            )


def sink_choice(s: ExportSettings) -> tuple[str, str | None]:
    """The sink actually used (`auto` becomes braintrust when a key is set, else local),
    and the line that says where the export goes (None for `none`).

    Args:
        s: The export settings.
    """
    if s.sink != "auto":
        return s.sink, None if s.sink == "none" else f"petri_bt: export to {s.sink}"
    keyed = bool(os.environ.get("BRAINTRUST_API_KEY"))
    sink = "braintrust" if keyed else "local"
    why = "BRAINTRUST_API_KEY is set" if keyed else "BRAINTRUST_API_KEY is not set"
    return sink, f"petri_bt: export to {sink} ({why}; choose with export=braintrust|local|none)"


def resolve_sink(s: ExportSettings, *, announce: bool = True) -> str:
    """The sink actually used (see `sink_choice`), its key checked.

    Args:
        s: The export settings.
        announce: Print the one line saying where the export goes.

    Raises:
        UserError: Braintrust chosen and BRAINTRUST_API_KEY not set.
    """
    sink, line = sink_choice(s)
    if announce and line:
        print(line)
    if sink == "braintrust":
        require_api_key(
            "export=braintrust", "(or use export=local to write a bundle you can upload later)"
        )
    return sink


def require_api_key(what: str, hint: str = "") -> None:
    """Raise a UserError unless BRAINTRUST_API_KEY is set.

    Args:
        what: What needs the key (starts the message).
        hint: An alternative to offer, appended to the message.
    """
    if not os.environ.get("BRAINTRUST_API_KEY"):
        raise UserError(f"{what} needs BRAINTRUST_API_KEY in the environment {hint}".rstrip())
