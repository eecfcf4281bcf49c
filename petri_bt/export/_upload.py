"""Sending a local bundle to Braintrust after the fact.

The bundle holds the exact rows a direct export sends (see `sinks/_local.py`);
upload opens the same experiments (by name) or project logs and sends the rows
in bounded batches through the same sink, so the result in Braintrust is the
same as if the export had gone there directly. Uploading twice replaces rows.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from petri_bt.errors import UserError
from petri_bt.export._messages import print_destinations
from petri_bt.export._settings import ExportSettings, load_settings, require_api_key
from petri_bt.export.sinks import SendError
from petri_bt.export.sinks._local import BUNDLE_DIR, MANIFEST, read_manifest

UPLOAD_BATCH_ROWS = 1000


def _bundle_folder(path: Path) -> Path:
    path = Path(path).expanduser()
    for candidate in (path, path / BUNDLE_DIR):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise UserError(
        f"{path} is not a petri_bt bundle (no {MANIFEST}); pass the run folder or its {BUNDLE_DIR}/ folder"
    )


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    raise UserError(
                        f"{path}:{number} is not a JSON row (damaged bundle?)"
                    ) from None


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        # keep a sample's spans together: cut only before a root row
        if len(batch) >= size and row.get("span_parents") is None:
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def _sample_keys(rows: list[dict[str, Any]]) -> list[str]:
    keys = []
    for row in rows:
        if row.get("span_parents") is None:
            meta = row.get("metadata") or {}
            keys.append(f"{meta.get('sample_id')}/{meta.get('epoch', 1)}")
    return keys


def upload_bundle(bundle_dir: Path | str, settings: Any) -> dict[str, Any]:
    """Send a local bundle's rows to Braintrust.

    Args:
        bundle_dir: The bundle folder, or the run folder that holds it.
        settings: The export settings; `export.project` replaces the bundle's
            project when it is not the default.

    Returns:
        {sink, project, bundle, objects: [{kind, name, id, url, rows, failed_samples, error}],
        destinations, totals, ok}
    """
    bundle_dir = Path(bundle_dir)
    from petri_bt.export.sinks._braintrust import BraintrustSink

    s: ExportSettings = load_settings(settings)
    folder = _bundle_folder(bundle_dir)
    try:
        manifest = read_manifest(folder)
    except ValueError as ex:
        raise UserError(str(ex)) from None
    project = manifest.get("project") or s.project
    if s.project != ExportSettings().project:
        project = s.project
    s = dataclasses.replace(s, project=project, sink="braintrust")
    require_api_key("uploading a bundle")
    print(f"petri_bt: uploading {folder} to Braintrust project {project!r}")
    sink = BraintrustSink(s)
    summary: dict[str, Any] = {
        "sink": "braintrust",
        "project": project,
        "bundle": str(folder),
        "objects": [],
        "destinations": [],
    }
    total_rows = failed_rows = 0
    try:
        for entry in manifest.get("objects", []):
            destination = sink.open(entry["kind"], entry["name"], entry.get("metadata") or {})
            result = {
                "kind": entry["kind"],
                "name": destination.name,
                "id": destination.id,
                "url": destination.url,
                "rows": 0,
                "failed_samples": [],
                "error": None,
            }
            path = folder / entry["file"]
            if not path.is_file():
                result["error"] = f"missing file {entry['file']}"
                summary["objects"].append(result)
                failed_rows += int(entry.get("rows") or 0)
                continue
            for batch in _batches(_rows(path), UPLOAD_BATCH_ROWS):
                try:
                    sink.send(destination, batch)
                    result["rows"] += len(batch)
                except SendError as ex:
                    result["error"] = str(ex)
                    result["failed_samples"].extend(_sample_keys(batch))
                    failed_rows += len(batch)
            total_rows += result["rows"]
            destination.rows = result["rows"]
            summary["objects"].append(result)
            summary["destinations"].append(destination.describe())
    finally:
        sink.close()
    summary["totals"] = {"rows": total_rows, "failed_rows": failed_rows}
    summary["ok"] = failed_rows == 0
    print_destinations(summary)
    if failed_rows:
        print(
            f"petri_bt: {failed_rows} row(s) were not uploaded; rerun the upload to complete it "
            "(rows already uploaded are replaced, never duplicated)",
            file=sys.stderr,
        )
    return summary
