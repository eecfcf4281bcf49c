"""`action=compare`, `action=report`, and the report written when a run, sweep or study ends."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from petri_bt.report._audits import read_audits
from petri_bt.report._tables import markdown, write_tables
from petri_bt.report._write import REPORT_HTML, study_files, write_report


def compare_logs(
    logs: list[Path], from_logs: list[str], settings: Any, run_dir: Path
) -> dict[str, Any]:
    """Compare the audits in the logs: print the Markdown table, write the tables.

    Args:
        logs: The log files (resolved from `from_logs`).
        from_logs: What the user named (for the printout).
        settings: The export settings (`dimension_directions`).
        run_dir: The command's run folder (the tables go here).

    Returns:
        ok, the number of audits and the files written.
    """
    audits = read_audits(logs, settings)
    files = write_tables(audits, run_dir)
    print(f"{len(audits)} audit(s) in {len(logs)} log(s) from {', '.join(from_logs)}")
    print(markdown(audits, all_dimensions=False))
    print(f"Table (every dimension): {files['markdown']}")
    print(f"  CSV and Parquet: {files['csv'].name}, {files['parquet'].name}")
    print(
        f"  one row per sample and dimension: {files['samples_csv'].name}, "
        f"{files['samples_parquet'].name}"
    )
    return {"ok": True, "audits": len(audits), "files": {k: str(v) for k, v in files.items()}}


def report_logs(
    logs: list[Path], from_logs: list[str], settings: Any, run_dir: Path
) -> dict[str, Any]:
    """Write `report.html` for the logs (a study folder among them brings its report).

    Args:
        logs: The log files (resolved from `from_logs`).
        from_logs: What the user named (a study's run folder adds its forest plot and table).
        settings: The export settings (pricing, dimension directions).
        run_dir: The command's run folder (the page goes here).
    """
    study, forest = None, None
    for entry in from_logs:
        if Path(entry).is_dir():
            study, forest = study_files(Path(entry))
            if study is not None:
                break
    title = f"petri_bt report: {', '.join(from_logs)}"
    written = write_report(
        run_dir, logs, title=title, settings=settings, study=study, forest=forest
    )
    print(f"{len(written.audits)} audit(s) in {len(logs)} log(s)")
    print(f"Report: {written.page}")
    return {"ok": True, "audits": len(written.audits), "report": str(written.page)}


def page_after(folder: Path, logs: list[Path], **page: Any) -> Path | None:
    """Write the page at the end of a run, sweep or study, and say where it is.

    The audit is done by then: a page that cannot be written is a warning, never a
    failed run.

    Args:
        folder: The run, sweep or study folder.
        logs: Its logs (those that exist are read).
        **page: `write_report`'s keywords: title, settings, study, forest.

    Returns:
        The page, or None when it was not written.
    """
    existing = list(dict.fromkeys(Path(p) for p in logs if p and Path(p).is_file()))
    if not existing:
        return None
    try:
        written = write_report(folder, existing, **page)
    except Exception as exc:  # noqa: BLE001 (the run's results stand; say why there is no page)
        print(f"petri_bt: warning: {folder / REPORT_HTML} not written: {exc}", file=sys.stderr)
        return None
    print(f"Report page: {written.page}  (written in {written.seconds:.1f} s)", flush=True)
    return written.page


def study_page(folder: Path, settings: Any = None) -> Path | None:
    """The page of a study's run folder, from the report it holds (`report.json`: its arms'
    logs, the paired statistics) and its forest plot.

    Args:
        folder: The folder the study report was written to.
        settings: The export settings.
    """
    study, forest = study_files(folder)
    if study is None:
        return None
    logs = [Path(log) for arm in study.get("arms", {}).values() for log in arm.get("logs", [])]
    name = study["study"]["name"]
    return page_after(
        folder, logs, title=f"study {name}", settings=settings, study=study, forest=forest
    )


def sweep_pages(summary: dict[str, Any], studies: list[Path], settings: Any = None) -> None:
    """The pages at the end of a sweep: its root (every job's audits side by side) and each
    study reported from its shards.

    Wired into the sweep's end by `conf/config.yaml` (the `pages` of the sweep callback).

    Args:
        summary: The sweep summary (`petri_bt.sweep.build_sweep_summary`).
        studies: The folders of the studies reported from their shards.
        settings: The export settings (the sweep config's `export` node).
    """
    sweep_dir = Path(summary["sweep_dir"])
    logs = [Path(log) for job in summary.get("jobs", []) for log in job.get("logs", []) if log]
    page_after(sweep_dir, logs, title=f"sweep {sweep_dir.name}", settings=settings)
    for folder in studies:
        study_page(folder, settings)
