"""inspect-petri's layout, where petri_bt reads it without importing the package."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def builtin_dimension_folder() -> Path | None:
    """The folder of Petri's built-in judge dimensions (`<name>.md` with front matter),
    found without importing inspect-petri (seconds and hundreds of MB); None when the
    package keeps them elsewhere (then ask `inspect_petri.judge_dimensions()`)."""
    spec = importlib.util.find_spec("inspect_petri")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location) / "_judge" / "dimensions"
        if folder.is_dir():
            return folder
    return None
