"""Results without Braintrust: comparison tables and a static HTML report.

- `compare_logs(plan, run_dir)`: `action=compare`: one row per audit of any mix of logs,
  runs, sweeps and studies, per dimension the mean of the per-seed scores and its
  interval; Markdown on the console, CSV and Parquet (and a long table, one row per
  sample and dimension) in the run folder.
- `report_logs(plan, run_dir)`: `action=report`: `report.html` for any logs.
- `write_report(folder, logs, *, title, settings, study, forest)`: `report.html` (a heatmap
  of dimension means, a study's forest plot and table, judge-panel agreement, cost and
  tokens per role, the highest-scoring samples with their transcripts) and its files.
- `page_after`, `study_page`, `sweep_pages`: the page written at the end of every run
  (called by `petri_bt.actions`), study and sweep (the sweep callback's `pages`, wired in
  `conf/config.yaml`); a page that cannot be written is a warning, never a failed run.
- `read_audits(paths)`: logs grouped into audits (roles, settings, samples' scores).
- `comparison_rows`, `sample_rows`, `markdown`, `write_tables`: the tables themselves.

Only the standard library loads with this package; each name loads its module on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.report._actions import (
        compare_logs,
        page_after,
        report_logs,
        study_page,
        sweep_pages,
    )
    from petri_bt.report._audits import Audit, Sample, read_audits
    from petri_bt.report._dimension_means import Figures, audit_figures
    from petri_bt.report._tables import comparison_rows, markdown, sample_rows, write_tables
    from petri_bt.report._write import REPORT_HTML, Written, study_files, write_report

_HOMES = {
    "compare_logs": "petri_bt.report._actions",
    "page_after": "petri_bt.report._actions",
    "report_logs": "petri_bt.report._actions",
    "study_page": "petri_bt.report._actions",
    "sweep_pages": "petri_bt.report._actions",
    "Audit": "petri_bt.report._audits",
    "Sample": "petri_bt.report._audits",
    "read_audits": "petri_bt.report._audits",
    "Figures": "petri_bt.report._dimension_means",
    "audit_figures": "petri_bt.report._dimension_means",
    "comparison_rows": "petri_bt.report._tables",
    "markdown": "petri_bt.report._tables",
    "sample_rows": "petri_bt.report._tables",
    "write_tables": "petri_bt.report._tables",
    "REPORT_HTML": "petri_bt.report._write",
    "Written": "petri_bt.report._write",
    "study_files": "petri_bt.report._write",
    "write_report": "petri_bt.report._write",
}

__all__ = [
    "REPORT_HTML",
    "Audit",
    "Figures",
    "Sample",
    "Written",
    "audit_figures",
    "compare_logs",
    "comparison_rows",
    "markdown",
    "read_audits",
    "page_after",
    "report_logs",
    "sample_rows",
    "study_files",
    "study_page",
    "sweep_pages",
    "write_report",
    "write_tables",
]

__getattr__ = lazy_exports(__name__, _HOMES)
