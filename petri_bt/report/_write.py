"""Writing `report.html`: the page, its transcript pages and the bundled Inspect viewer.

`<folder>/report.html` is one self-contained page (inline style, no script, the forest
plot as a data URI). Beside it, `<folder>/report_files/` holds a page per linked sample
(`samples/`) and Inspect's static viewer with copies of the logs (`viewer/`).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petri_bt._paths import REPORT_FILES
from petri_bt.report._audits import Audit, Sample, read_audits
from petri_bt.report._dimension_means import seed_set_notes
from petri_bt.report._heatmap import heatmap
from petri_bt.report._html import esc, page, section
from petri_bt.report._sections import (
    agreement_section,
    cost_section,
    samples_section,
    study_section,
    top_samples,
)
from petri_bt.report._transcripts import write_transcripts
from petri_bt.report._viewer import VIEWER_FOLDER, bundle_viewer, sample_address

REPORT_HTML = "report.html"
STUDY_JSON = "report.json"
FOREST_PNG = "forest.png"


@dataclass
class Written:
    """What `write_report` wrote and how long it took.

    Args:
        page: `report.html`.
        audits: The audits on the page.
        seconds: The whole write, viewer included.
        viewer_seconds: Bundling Inspect's viewer alone.
    """

    page: Path
    audits: list[Audit]
    seconds: float
    viewer_seconds: float


def _viewer_links(
    chosen: list[tuple[str, list[tuple[Audit, Sample]]]], files: Path, names: dict[Path, str]
) -> dict[int, str]:
    links = {}
    for _, pairs in chosen:
        for _, sample in pairs:
            if sample.log in names:
                address = sample_address(names[sample.log], sample.seed_id, sample.epoch)
                links[id(sample)] = f"{files.name}/{VIEWER_FOLDER}/{address}"
    return links


def _bundle(logs: list[Path], files: Path) -> dict[Path, str]:
    """Inspect's viewer beside the page; without it (a warning) the page still links each
    sample's transcript page."""
    try:
        return bundle_viewer(logs, files)
    except Exception as exc:  # noqa: BLE001 (Inspect's own errors: the page goes on without)
        print(f"petri_bt: warning: Inspect's viewer not bundled: {exc}", file=sys.stderr)
        return {}


def _audit_list(audits: list[Audit]) -> str:
    items = []
    for audit in audits:
        logs = ", ".join(p.name for p in audit.logs)
        status = "" if audit.status == "success" else f" &middot; <b>status {esc(audit.status)}</b>"
        items.append(
            f"<li><b>#{audit.number} {esc(audit.name)}</b>: target {esc(audit.models.get('target'))}, "
            f"auditor {esc(audit.models.get('auditor'))}, judge {esc(audit.judge)} &middot; "
            f"{len(audit.samples)} sample(s), {audit.errors} error(s){status}"
            f'<div class="small muted">{esc(logs)}</div></li>'
        )
    notes = "".join(f"<li>{esc(note)}</li>" for note in seed_set_notes(audits))
    return f'<ol>{"".join(items)}</ol><p class="small">Seed sets:</p><ul class="small">{notes}</ul>'


def study_files(folder: Path) -> tuple[dict[str, Any] | None, Path | None]:
    """A study's report and forest plot kept in a run folder, if it holds them.

    Args:
        folder: A run folder (a study's writes `report.json` and `forest.png`).
    """
    path = folder / STUDY_JSON
    try:
        report = json.loads(path.read_text()) if path.is_file() else None
    except (OSError, ValueError):
        return None, None
    if not isinstance(report, dict) or "study" not in report:
        return None, None
    forest = folder / FOREST_PNG
    return report, forest if forest.is_file() else None


def _body(
    audits: list[Audit],
    files: Path,
    names: dict[Path, str],
    study: dict[str, Any] | None,
    forest: Path | None,
) -> str:
    """The page's sections; writes the transcript pages they link to."""
    chosen = top_samples(audits)
    viewer_links = _viewer_links(chosen, files, names)
    pages = write_transcripts(files, [pair for _, pairs in chosen for pair in pairs], viewer_links)
    body = [section("heatmap", "Dimension means", heatmap(audits))]
    if study is not None:
        body.append(section("study", "Study", study_section(study, forest)))
    agreement = agreement_section(audits)
    if agreement:
        body.append(section("agreement", "Judge panel agreement", agreement))
    body.append(section("cost", "Cost and tokens per role", cost_section(audits)))
    body.append(
        section(
            "samples",
            "Highest-scoring samples per concern dimension",
            '<p class="small muted">Each links to its transcript (a page beside this one) and to '
            "the sample in Inspect's viewer bundled in report_files/viewer/, which opens when the "
            "folder is served over HTTP (python -m http.server).</p>"
            + samples_section(chosen, pages, viewer_links),
        )
    )
    body.append(section("audits", "Audits", _audit_list(audits)))
    return "".join(body)


def write_report(
    folder: Path,
    logs: list[Path],
    *,
    title: str,
    settings: Any = None,
    study: dict[str, Any] | None = None,
    forest: Path | None = None,
) -> Written:
    """Read the logs and write `<folder>/report.html` with its files.

    Args:
        folder: Where `report.html` goes.
        logs: The log files.
        title: What the page is about (a run, a sweep, a study, a comparison).
        settings: The export settings (dimension directions; pricing prices the calls).
        study: A study's analysed report, shown with its forest plot.
        forest: The study's forest plot.

    Raises:
        UserError: A log cannot be read at all.
    """
    started = time.perf_counter()
    audits = read_audits(logs, settings)
    folder.mkdir(parents=True, exist_ok=True)
    files = folder / REPORT_FILES
    read = list(dict.fromkeys(log for audit in audits for log in audit.logs))
    viewer_started = time.perf_counter()
    names = _bundle(read, files)
    viewer_seconds = time.perf_counter() - viewer_started
    body = _body(audits, files, names, study, forest)
    subtitle = f"{len(audits)} audit(s), {sum(len(a.samples) for a in audits)} sample(s)"
    path = folder / REPORT_HTML
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page(title, subtitle, body), encoding="utf-8")
    tmp.replace(path)
    return Written(path, audits, time.perf_counter() - started, viewer_seconds)
