"""Where a judge panel's scores sit in an Inspect log (read without importing Inspect)."""

from __future__ import annotations

from typing import Any

PANEL_METADATA_KEY = "judges"
"""Key of the judge score's metadata holding each judge's raw scores (judge -> dim -> raw)."""

EXPLANATIONS_KEY = "judge_explanations"
"""Key of the judge score's metadata holding each judge's justification text."""


def stored_panel(score: Any) -> dict[str, Any] | None:
    """Each judge's raw scores from a stored judge score (None: one judge, no panel).

    Args:
        score: The sample's `audit_judge` score as the log stores it (a dict).
    """
    metadata = score.get("metadata") if isinstance(score, dict) else None
    panel = metadata.get(PANEL_METADATA_KEY) if isinstance(metadata, dict) else None
    return panel if isinstance(panel, dict) else None
