"""Which log files `from_logs` names: files, folders (run and study folders too) and globs."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from petri_bt._paths import REPORT_FILES
from petri_bt.errors import UserError


def _not_report_copy(path: Path) -> bool:
    """False for the copy of a log that a report bundles beside itself."""
    return REPORT_FILES not in path.parts


def _in_folder(folder: Path, pattern: str) -> list[Path]:
    """The logs in a folder: at its top level, else anywhere below it.

    A run folder (`outputs/runs/<date>/<time>`) keeps its logs in `logs/`, a study's
    run folder in `logs/` too, next to `study/`; a sweep folder in its jobs' folders.
    """
    found = sorted(p for p in folder.glob(pattern) if p.is_file())
    if found or "**" in pattern:
        return [p for p in found if _not_report_copy(p.relative_to(folder))]
    return sorted(
        p
        for p in folder.glob(f"**/{pattern}")
        if p.is_file() and _not_report_copy(p.relative_to(folder))
    )


def _entries(from_logs: str | Path | Sequence[str | Path] | None) -> list[str]:
    if from_logs is None:
        return []
    if isinstance(from_logs, str | Path):
        return [str(from_logs)]
    return [str(entry) for entry in from_logs]


def resolve_log_paths(
    from_logs: str | Path | Sequence[str | Path] | None, pattern: str = "*.eval"
) -> list[Path]:
    """The log files named by one or several files, folders (searched recursively) and globs.

    Args:
        from_logs: A path or a list of paths, as given on the command line.
        pattern: Glob for log files inside folders; a folder with none at its top
            level is searched below (run, study and sweep folders).

    Returns:
        Each log once, in the order given (folders and globs sorted).

    Raises:
        UserError: A path does not exist, or matches no log (saying what was searched).
    """
    entries = _entries(from_logs)
    if not entries:
        raise UserError("no logs given: pass from_logs=<file, folder or glob>")
    found: list[Path] = []
    for entry in entries:
        path = Path(entry).expanduser()
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            matches = _in_folder(path, pattern)
            if not matches:
                raise UserError(
                    f"from_logs: no {pattern} logs in folder {path} or any folder below it "
                    "(set export.pattern to match yours)"
                )
            found.extend(matches)
        elif any(ch in entry for ch in "*?["):
            matches = sorted(
                Path(p)
                for p in glob.glob(str(path), recursive=True)
                if Path(p).is_file() and _not_report_copy(Path(p))
            )
            if not matches:
                raise UserError(f"from_logs: the pattern {entry} matches no log file")
            found.extend(matches)
        else:
            raise UserError(
                f"from_logs: {entry} does not exist (give a log file, a folder or a glob)"
            )
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique
