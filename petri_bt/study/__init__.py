"""Studies: paired-condition experiments declared in YAML, with a paired statistical report.

Only the standard library, PyYAML and omegaconf are imported here; Inspect,
scipy and matplotlib load when a study actually runs or is analysed.
"""

from petri_bt.study._analysis import analyse
from petri_bt.study._arms import arm_rows, experiment_name, write_arms
from petri_bt.study._dimensions import CustomDimension
from petri_bt.study._fingerprint import canonical_spec, fingerprint
from petri_bt.study._logs import read_arm_log
from petri_bt.study._overlay import overlay_seed
from petri_bt.study._report import format_table, render_markdown, write_report
from petri_bt.study._runner import group_logs, run_study, study_spec
from petri_bt.study._show import describe_study, show_study
from petri_bt.study._spec import Condition, Seed, StudySpec, load_study, parse_study
from petri_bt.study._stats import bootstrap_ci, holm, sign_test, spearman, wilcoxon_test

__all__ = [
    "Condition",
    "CustomDimension",
    "Seed",
    "StudySpec",
    "analyse",
    "arm_rows",
    "bootstrap_ci",
    "canonical_spec",
    "describe_study",
    "experiment_name",
    "fingerprint",
    "format_table",
    "group_logs",
    "holm",
    "load_study",
    "overlay_seed",
    "parse_study",
    "read_arm_log",
    "render_markdown",
    "run_study",
    "show_study",
    "sign_test",
    "spearman",
    "study_spec",
    "wilcoxon_test",
    "write_arms",
    "write_report",
]
