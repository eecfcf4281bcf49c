"""Studies: a baseline and one or more treatments declared in YAML, with a paired report.

Only the standard library, PyYAML and omegaconf are imported here; Inspect,
scipy and matplotlib load when a study actually runs or is analysed.
"""

from petri_bt.study._analysis import analyse
from petri_bt.study._arms import (
    arm_experiment_name,
    arm_judge_dimensions,
    arm_rows,
    planned_forecast,
    study_samples,
    write_arms,
)
from petri_bt.study._copy import write_study_copy
from petri_bt.study._custom_dimensions import CustomDimension, builtin_palettes
from petri_bt.study._fingerprint import canonical_spec, fingerprint
from petri_bt.study._interval import (
    DELTA_BOUNDS,
    effect_size,
    mean_delta_interval,
    mean_delta_test,
)
from petri_bt.study._logs import PROBE_TOOL, ArmSample, LogInfo, panel_scores, read_arm_log
from petri_bt.study._overlay import overlay_seed
from petri_bt.study._panel_agreement import judge_agreement
from petri_bt.study._parse import load_study, parse_study
from petri_bt.study._planning import write_study_plan
from petri_bt.study._power import format_power_plan, power_plan, seeds_needed
from petri_bt.study._report import format_table, render_markdown, table_rows, write_report
from petri_bt.study._runner import group_logs, run_study, study_spec
from petri_bt.study._show import describe_study, show_study
from petri_bt.study._spec import DEFAULT_SMALLEST_EFFECT, Condition, Seed, StudySpec
from petri_bt.study._stats import holm, sign_test, spearman, wilcoxon_test

__all__ = [
    "PROBE_TOOL",
    "ArmSample",
    "LogInfo",
    "arm_judge_dimensions",
    "builtin_palettes",
    "planned_forecast",
    "arm_experiment_name",
    "write_study_plan",
    "study_samples",
    "DEFAULT_SMALLEST_EFFECT",
    "DELTA_BOUNDS",
    "Condition",
    "CustomDimension",
    "Seed",
    "StudySpec",
    "analyse",
    "arm_rows",
    "canonical_spec",
    "describe_study",
    "effect_size",
    "fingerprint",
    "format_power_plan",
    "format_table",
    "group_logs",
    "holm",
    "judge_agreement",
    "load_study",
    "mean_delta_interval",
    "mean_delta_test",
    "overlay_seed",
    "panel_scores",
    "parse_study",
    "power_plan",
    "read_arm_log",
    "render_markdown",
    "run_study",
    "seeds_needed",
    "show_study",
    "sign_test",
    "spearman",
    "study_spec",
    "table_rows",
    "wilcoxon_test",
    "write_study_copy",
    "write_arms",
    "write_report",
]
