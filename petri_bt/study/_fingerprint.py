"""The study fingerprint: one hash for everything that shapes what the arms run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from petri_bt.study._spec import StudySpec

FORMAT = 1


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _override_value(key: str, value: Any) -> Any:
    # A file-valued knob counts by its content, so moving the study keeps its fingerprint.
    if key == "auditor_system_message" and isinstance(value, str) and Path(value).is_file():
        return {"file_text": _clean(Path(value).read_text(encoding="utf-8"))}
    return value


def canonical_spec(spec: StudySpec) -> dict[str, Any]:
    """The parts of a study that change what is run or scored, as plain data.

    Prose for people (title, description, hypothesis) and analysis choices (focus and
    moderator dimensions, which arm is the baseline) are left out: changing them does
    not change what the arms ran, so earlier logs stay comparable.
    """
    return {
        "format": FORMAT,
        "name": spec.name,
        "base_seeds": [{"id": s.id, "text": _clean(s.text)} for s in spec.base_seeds],
        "conditions": [
            {
                "name": c.name,
                "seed_prefix": _clean(c.seed_prefix),
                "seed_suffix": _clean(c.seed_suffix),
                "system_prompt_addition": _clean(c.system_prompt_addition),
                "run_overrides": {
                    k: _override_value(k, v) for k, v in sorted(c.run_overrides.items())
                },
            }
            for c in spec.conditions
        ],
        "custom_dimensions": [
            {"name": d.name, "text": _clean(d.text)} for d in spec.custom_dimensions
        ],
        "probe": _clean(spec.probe) if spec.probe else None,
    }


def fingerprint(spec: StudySpec) -> str:
    """sha256 (hex) of the canonical JSON of a study.

    Args:
        spec: The validated study.
    """
    payload = json.dumps(
        canonical_spec(spec), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
