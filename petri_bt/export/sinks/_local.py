"""A local bundle: exactly the rows Braintrust would receive, as JSONL, plus a manifest.

Layout (in the run folder):

    braintrust-bundle/
      manifest.json                     project, mode, and one entry per object
      experiment-<name>.jsonl           one row per line, in sending order
      logs-<eval id>.jsonl              rows for the project's logs (mode logs/both)

`action=upload export.bundle=<folder>` sends a bundle to Braintrust; the rows
are the ones a direct export sends, with the object ids of the real objects.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from petri_bt.export._settings import ExportSettings
from petri_bt.export.sinks._base import EXPERIMENT, Destination, SendError
from petri_bt.naming import url_safe_name

BUNDLE_DIR = "braintrust-bundle"
MANIFEST = "manifest.json"
FORMAT = "petri_bt/braintrust-bundle"
FORMAT_VERSION = 1


def bundle_dir(out_dir: Path) -> Path:
    return Path(out_dir) / BUNDLE_DIR


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a bundle (empty skeleton when there is none yet)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return {"format": FORMAT, "version": FORMAT_VERSION, "objects": []}
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a petri_bt bundle manifest")
    return data


class LocalSink:
    """Writes a bundle into `<out_dir>/braintrust-bundle`.

    Re-exporting a log into the same folder rewrites that log's files, so the
    bundle never holds a row twice.

    Args:
        out_dir: The run folder.
        settings: The export settings (project and mode go into the manifest).
    """

    name = "local"

    def __init__(self, out_dir: Path, settings: ExportSettings):
        self.folder = bundle_dir(out_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._settings = settings
        self._manifest = read_manifest(self.folder)
        self._manifest.update({"project": settings.project, "mode": settings.mode})
        self._opened: set[str] = set()

    def open(self, kind: str, name: str, metadata: dict[str, Any], key: str = "") -> Destination:
        file = (
            f"experiment-{url_safe_name(name)}.jsonl"
            if kind == EXPERIMENT
            else f"logs-{url_safe_name(key or name)}.jsonl"
        )
        if file not in self._opened:  # first time in this export: start the file afresh
            (self.folder / file).write_bytes(b"")
            self._opened.add(file)
            objects = [o for o in self._manifest["objects"] if o.get("file") != file]
            objects.append(
                {"kind": kind, "name": name, "metadata": metadata, "file": file, "rows": 0}
            )
            self._manifest["objects"] = objects
            self._write_manifest()
        return Destination(kind, name, metadata, url=str(self.folder / file), handle=file)

    def send(self, destination: Destination, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        try:
            lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
            with open(self.folder / destination.handle, "a", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        except (OSError, TypeError, ValueError) as ex:
            raise SendError(f"cannot write the bundle: {ex}") from None
        for entry in self._manifest["objects"]:
            if entry["file"] == destination.handle:
                entry["rows"] += len(rows)
        self._write_manifest()

    def trace_count(self, destination: Destination) -> int | None:
        return None

    def _write_manifest(self) -> None:
        path = self.folder / MANIFEST
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self._manifest, indent=2, default=str))
        os.replace(tmp, path)

    def close(self) -> dict[str, Any]:
        self._write_manifest()
        return {"bundle": str(self.folder)}
