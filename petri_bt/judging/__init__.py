"""Judge panels: the panel's score per sample and how far its judges agree.

Pure functions on plain data (sample -> judge -> dimension -> raw 1-10 score), so the
run summary, the export and the study report read agreement from one place. Only the
standard library is imported here; `krippendorff` and numpy load on the first alpha,
and the panel scorer (`judge_panel`, Inspect and Petri) on first use.
"""

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports
from petri_bt.judging._aggregate import (
    AGGREGATES,
    DEFAULT_AGGREGATE,
    Panel,
    aggregate,
    check_aggregate,
    panel_aggregate,
)
from petri_bt.judging._agreement import (
    DEFAULT_DISAGREEMENT,
    check_disagreement,
    dimension_agreement,
    interval_alpha,
    panel_agreement,
    spread,
)
from petri_bt.judging._stored import (
    EXPLANATIONS_KEY,
    PANEL_METADATA_KEY,
    PANEL_SETTINGS_KEY,
    panel_settings,
    stored_panel,
    stored_panel_settings,
)

if TYPE_CHECKING:
    from petri_bt.judging._panel import combine, judge_names, judge_panel

__all__ = [
    "AGGREGATES",
    "EXPLANATIONS_KEY",
    "PANEL_METADATA_KEY",
    "PANEL_SETTINGS_KEY",
    "DEFAULT_AGGREGATE",
    "DEFAULT_DISAGREEMENT",
    "Panel",
    "aggregate",
    "check_aggregate",
    "check_disagreement",
    "combine",
    "dimension_agreement",
    "interval_alpha",
    "judge_names",
    "judge_panel",
    "panel_aggregate",
    "panel_agreement",
    "panel_settings",
    "spread",
    "stored_panel",
    "stored_panel_settings",
]

__getattr__ = lazy_exports(
    __name__,
    {name: "petri_bt.judging._panel" for name in ("combine", "judge_names", "judge_panel")},
)
