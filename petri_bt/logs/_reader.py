"""Reading Inspect logs one sample at a time, as plain JSON.

An `.eval` log is a zip (zstd- or deflate-compressed members): `header.json`
(or, for a run that never finished, `_journal/start.json`), and one
`samples/<id>_epoch_<n>.json` member per sample. Reading those members with the
json parser is about 20x faster than building Inspect's pydantic objects
(orjson is twice as fast again as the standard library's), and only one sample
is in memory at a time. Legacy `.json` logs are read whole.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from petri_bt.adapters import read_multi_frame_zip_members

_SAMPLE = re.compile(r"^samples/(.+)_epoch_(\d+)\.json$")


def parse_json(data: bytes | str) -> Any:
    """Parse JSON with orjson, falling back to the standard library for what orjson refuses.

    Inspect writes NaN and Infinity (a judge that gave no valid answer scores NaN),
    which are not JSON and which orjson rejects.

    Args:
        data: The JSON text.

    Raises:
        ValueError: Not JSON even to the standard library.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


class LogReadError(Exception):
    """The whole log cannot be read; the message says why and what to do."""


class SampleReadError(Exception):
    """One sample of the log cannot be read."""


def _zip(path: Path) -> zipfile.ZipFile:
    # Inspect writes zstd members. zipfile_zstd (an Inspect dependency) teaches
    # zipfile to read them without importing Inspect itself (~90 MB, 1 s).
    if sys.version_info < (3, 14):
        import zipfile_zstd  # noqa: F401

    return zipfile.ZipFile(path)


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except zipfile.BadZipFile:
        # Members above 200 MiB are written as several zstd frames, which only
        # Inspect's own zipfile patch reads; try once more with it.
        read_multi_frame_zip_members()
        return zf.read(name)


def _sort_key(name: str) -> tuple[int, Any, str]:
    match = _SAMPLE.match(name)
    if not match:
        return (0, 0, name)
    sample_id, epoch = match.group(1), int(match.group(2))
    return (epoch, (0, int(sample_id), "") if sample_id.isdigit() else (1, 0, sample_id), name)


class LogFile:
    """One Inspect log, opened for streaming.

    Args:
        path: An `.eval` (or legacy `.json`) log file.

    Raises:
        LogReadError: Missing, corrupt or truncated file, or no header.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._json_samples: list[tuple[str, dict[str, Any]]] | None = None
        if not self.path.is_file():
            raise LogReadError(f"{self.path}: no such log file")
        if self.path.suffix == ".json":
            self._open_json()
        else:
            self._open_eval()

    def _open_json(self) -> None:
        try:
            data = parse_json(self.path.read_bytes())
        except (OSError, ValueError) as ex:
            raise LogReadError(f"{self.path}: not a readable JSON log ({ex})") from None
        if not isinstance(data, dict) or not isinstance(data.get("eval"), dict):
            raise LogReadError(f"{self.path}: not an Inspect log (no eval header)")
        self._json_samples = [
            (f"{s.get('id')}_epoch_{s.get('epoch', 1)}", s)
            for s in data.pop("samples", None) or []
            if isinstance(s, dict)
        ]
        self.header = data
        self.complete = data.get("status") != "started"

    def _open_eval(self) -> None:
        try:
            self._zip = _zip(self.path)
            names = set(self._zip.namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as ex:
            raise LogReadError(
                f"{self.path}: corrupt or truncated .eval file ({ex}); re-run the audit or restore the file"
            ) from None
        try:
            self._read_eval_header(names)
        except LogReadError:
            self.close()
            raise

    def _read_eval_header(self, names: set[str]) -> None:
        assert self._zip is not None
        self._names = sorted((n for n in names if _SAMPLE.match(n)), key=_sort_key)
        header_name = "header.json" if "header.json" in names else "_journal/start.json"
        if header_name not in names:
            raise LogReadError(
                f"{self.path}: no header.json in the .eval file (not an Inspect log?)"
            )
        try:
            self.header = parse_json(self._zip.read(header_name))
        except Exception as ex:
            raise LogReadError(f"{self.path}: unreadable {header_name} ({ex})") from None
        if not isinstance(self.header, dict) or not isinstance(self.header.get("eval"), dict):
            raise LogReadError(f"{self.path}: {header_name} has no eval spec (not an Inspect log?)")
        self.complete = header_name == "header.json"

    @property
    def eval_spec(self) -> dict[str, Any]:
        return self.header["eval"]

    @property
    def status(self) -> str:
        return str(self.header.get("status") or ("started" if not self.complete else "unknown"))

    def sample_names(self) -> list[str]:
        """The samples in the log, in id order within each epoch."""
        if self._json_samples is not None:
            return [name for name, _ in self._json_samples]
        return list(self._names)

    def read_sample(self, name: str) -> dict[str, Any]:
        """One sample as stored (condensed JSON).

        Raises:
            SampleReadError: The member is damaged or not JSON.
        """
        if self._json_samples is not None:
            for stored, sample in self._json_samples:
                if stored == name:
                    return sample
            raise SampleReadError(f"no sample {name} in the log")
        assert self._zip is not None
        try:
            data = parse_json(_read_member(self._zip, name))
        except Exception as ex:
            raise SampleReadError(
                f"damaged sample data ({type(ex).__name__}: {ex})"[:300]
            ) from None
        if not isinstance(data, dict):
            raise SampleReadError("sample data is not a JSON object")
        return data

    def samples(self) -> Iterator[tuple[str, dict[str, Any] | SampleReadError]]:
        """(name, sample or the error reading it), one at a time."""
        if self._json_samples is not None:
            yield from self._json_samples
            return
        for name in self._names:
            try:
                yield name, self.read_sample(name)
            except SampleReadError as ex:
                yield name, ex

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> LogFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sample_name_key(name: str) -> str:
    """`<id>/<epoch>` from a member name (for samples that could not be read)."""
    match = _SAMPLE.match(name) or re.match(r"^(.+)_epoch_(\d+)$", name)
    return f"{match.group(1)}/{match.group(2)}" if match else name
