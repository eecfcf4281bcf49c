"""Judge panels: the panel's score per sample and how far its judges agree.

Pure functions on plain data (sample -> judge -> dimension -> raw 1-10 score), so the
run summary, the export and the study report read agreement from one place. Only the
standard library is imported here; `krippendorff` and numpy load on the first alpha.
"""

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
    dimension_agreement,
    interval_alpha,
    panel_agreement,
    spread,
)

__all__ = [
    "AGGREGATES",
    "DEFAULT_AGGREGATE",
    "DEFAULT_DISAGREEMENT",
    "Panel",
    "aggregate",
    "check_aggregate",
    "dimension_agreement",
    "interval_alpha",
    "panel_aggregate",
    "panel_agreement",
    "spread",
]
