"""Where a judge panel's scores sit in an Inspect log (read without importing Inspect)."""

from __future__ import annotations

from typing import Any

PANEL_METADATA_KEY = "judges"
"""Key of the judge score's metadata holding each judge's raw scores (judge -> dim -> raw)."""

EXPLANATIONS_KEY = "judge_explanations"
"""Key of the judge score's metadata holding each judge's justification text."""


PANEL_SETTINGS_KEY = "petri_bt_judge_panel"
"""Key of the eval's metadata describing a judge panel: judges, aggregate, disagreement."""


def panel_settings(judges: list[str], aggregate: str, disagreement: float) -> dict[str, Any]:
    """The eval metadata recording a judge panel (read back by `stored_panel_settings`).

    Args:
        judges: Each judge's name (`judge_names`).
        aggregate: How the panel's score is made.
        disagreement: Raw points apart at which a sample is flagged.
    """
    return {
        PANEL_SETTINGS_KEY: {
            "judges": list(judges),
            "aggregate": aggregate,
            "disagreement": disagreement,
        }
    }


def stored_panel_settings(eval_spec: Any) -> dict[str, Any] | None:
    """A log's judge panel (judges, aggregate, disagreement) from its eval spec, if any.

    Args:
        eval_spec: The log header's `eval` node.
    """
    metadata = eval_spec.get("metadata") if isinstance(eval_spec, dict) else None
    found = metadata.get(PANEL_SETTINGS_KEY) if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else None


def stored_panel(score: Any) -> dict[str, Any] | None:
    """Each judge's raw scores from a stored judge score (None: one judge, no panel).

    Args:
        score: The sample's `audit_judge` score as the log stores it (a dict).
    """
    metadata = score.get("metadata") if isinstance(score, dict) else None
    panel = metadata.get(PANEL_METADATA_KEY) if isinstance(metadata, dict) else None
    return panel if isinstance(panel, dict) else None
