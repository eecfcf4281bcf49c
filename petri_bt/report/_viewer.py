"""Inspect's static log viewer bundled beside the report (`inspect view bundle`), and the
address of one sample in it.

The bundle is Inspect's viewer app plus copies of the logs. Browsers refuse its scripts
and its log reads from `file://` (CORS: "Cross origin requests are only supported for
protocol schemes: ... http, https"), so it opens only when the folder is served
(`python -m http.server -d <folder>`, or any static host); the report's own transcript
pages are what opens from `file://`. The viewer routes by the URL's hash:
`#/logs/<log file>/samples/sample/<sample id>/<epoch>/` opens one sample.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path
from urllib.parse import quote

VIEWER_FOLDER = "viewer"


def sample_address(name: str, sample_id: str, epoch: int) -> str:
    """A sample's address inside the viewer, relative to the viewer's folder.

    Args:
        name: Its log's file name in the viewer (`bundle_viewer`).
        sample_id: The sample's id.
        epoch: Its epoch.
    """
    parts = (quote(name, safe=""), quote(str(sample_id), safe=""), str(epoch))
    return f"index.html#/logs/{parts[0]}/samples/sample/{parts[1]}/{parts[2]}/"


def _stage(logs: list[Path], staging: Path) -> dict[Path, str]:
    """Put the logs in one flat folder (hard links where possible, else copies); two logs
    of the same name get a number in front of the second's name."""
    staging.mkdir(parents=True)
    names: dict[Path, str] = {}
    for log in logs:
        name = log.name
        while (staging / name).exists():
            name = f"{len(names)}-{name}"
        try:
            os.link(log, staging / name)
        except OSError:
            shutil.copy2(log, staging / name)
        names[log] = name
    return names


def bundle_viewer(logs: list[Path], folder: Path) -> dict[Path, str]:
    """Write Inspect's static viewer of the logs into `<folder>/viewer/` (replacing it).

    Args:
        logs: The log files.
        folder: The report's files folder.

    Returns:
        Each log -> its file name in the viewer (for `sample_address`).
    """
    from inspect_ai.log import bundle_log_dir

    out = folder / VIEWER_FOLDER
    staging = folder / ".viewer-logs"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        names = _stage(logs, staging)
        quiet = io.StringIO()  # Inspect prints a progress bar and two lines
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            bundle_log_dir(log_dir=str(staging), output_dir=str(out), overwrite=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names
