"""Logs -> audits: what was audited, with which roles and settings, and every sample's scores.

An *audit* is one measurement: one task (a study arm is one) run with one set of roles
and settings. Usually that is one log; the shards of one audit (`shards=N`) are several
logs of one audit, and a re-judged copy of a log is an audit of its own (another judge).
Logs are read through `petri_bt.logs` as plain JSON (no Inspect import), one sample at
a time; each sample keeps only what the tables and the page show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt._secrets import redact_override
from petri_bt._yaml import load_yaml
from petri_bt.errors import UserError

SHARD_KEYS = ("shard", "shards")
_HYDRA_LEVELS = 3  # a log sits in <run>/logs/, or deeper when log_dir was set below the run


@dataclass
class Sample:
    """One scored (or failed) sample of an audit.

    Args:
        seed_id: The seed's id (Petri's sample id; the same across a study's arms).
        epoch: Inspect epoch (1-based).
        scores: Dimension -> usable raw 1-10 score (absent, NaN and 0 are left out).
        explanation: The judge's justification.
        summary: The judge's summary of the transcript.
        error: Why the sample failed, when it did.
        panel: Each judge's raw scores (judge -> dimension -> score) when a panel judged.
        log: The log holding the sample.
    """

    seed_id: str
    epoch: int
    scores: dict[str, float]
    explanation: str
    summary: str
    error: str | None
    panel: dict[str, dict[str, float]] | None
    log: Path


@dataclass
class Audit:
    """One audit: its logs, roles, settings and samples.

    Args:
        number: Its position among the audits read (1-based).
        name: A readable name (the job name from its overrides, plus its study arm).
        task: Inspect's task name.
        models: Role -> model string, as the log records them.
        judges: A judge panel's judges (empty for a single judge).
        overrides: The run's command-line overrides (key -> value), when its run folder
            kept them (`.hydra/overrides.yaml`); shard keys left out.
        condition: The study arm its samples belong to, if any.
        logs: Its log files.
        status: `success` when every log succeeded, else the first other status.
        samples: Every sample read.
        directions: Dimension -> `good-low`, `good-high` or `neutral`.
        panel_settings: A panel's judges, aggregate and disagreement threshold.
        usage: Per log it came from, the calls, tokens, cost and compute time per role
            (`petri_bt.logs.LogUsage`).
    """

    number: int
    name: str
    task: str
    models: dict[str, str]
    judges: list[str]
    overrides: dict[str, str]
    condition: str | None
    logs: list[Path] = field(default_factory=list)
    status: str = "success"
    samples: list[Sample] = field(default_factory=list)
    directions: dict[str, str] = field(default_factory=dict)
    panel_settings: dict[str, Any] | None = None
    usage: list[dict[str, Any]] = field(default_factory=list)

    @property
    def judge(self) -> str:
        """The judge's model, or the panel's judges joined with `+`."""
        return "+".join(self.judges) if self.judges else self.models.get("judge", "")

    @property
    def dimensions(self) -> list[str]:
        """Every dimension any of its samples was scored on, sorted."""
        return sorted({dim for sample in self.samples for dim in sample.scores})

    @property
    def seeds(self) -> frozenset[str]:
        """The ids of the seeds it audited."""
        return frozenset(sample.seed_id for sample in self.samples)

    @property
    def errors(self) -> int:
        """Samples that failed."""
        return sum(1 for sample in self.samples if sample.error)


def _saved_overrides(folder: Path) -> list[str]:
    try:
        overrides = load_yaml((folder / ".hydra" / "overrides.yaml").read_text()) or []
    except Exception:  # a damaged file: the log still counts, without its settings
        overrides = []
    return [redact_override(str(o)) for o in overrides]


def _jobs_by_log(folder: Path) -> dict[Path, Path]:
    """Each log a sweep job's run summary lists -> that job's folder (the jobs below
    `folder`): the inspect launcher writes every job's log in the sweep's `logs/`, apart
    from the job folders."""
    jobs: dict[Path, Path] = {}
    for summary in folder.glob("*/summary.json"):
        if not (summary.parent / ".hydra").is_dir():
            continue
        try:
            entries = json.loads(summary.read_text()).get("logs") or []
        except (OSError, ValueError, AttributeError):
            continue
        for entry in entries:
            if isinstance(entry, dict):
                jobs.setdefault(Path(str(entry.get("log"))).resolve(), summary.parent)
    return jobs


def run_overrides(
    log: Path, sweeps: dict[Path, dict[Path, Path]] | None = None
) -> tuple[Path | None, list[str]]:
    """The run (or sweep job) folder a log was written for, and its overrides.

    Args:
        log: A log file.
        sweeps: Folders already indexed (`_jobs_by_log`), kept across the calls of one
            read so a sweep's job summaries are read once, not once per log.

    Returns:
        (the folder, its `.hydra/overrides.yaml` with secrets redacted); (None, []) for a
        log outside any run folder.
    """
    sweeps = {} if sweeps is None else sweeps
    log = log.resolve()
    folder = log.parent
    for _ in range(_HYDRA_LEVELS):
        if (folder / ".hydra" / "overrides.yaml").is_file():
            return folder, _saved_overrides(folder)
        if folder not in sweeps:
            sweeps[folder] = _jobs_by_log(folder)
        job = sweeps[folder].get(log)
        if job is not None:
            return job, _saved_overrides(job)
        folder = folder.parent
    return None, []


def _split(overrides: list[str]) -> dict[str, str]:
    pairs = (o.partition("=") for o in overrides)
    return {key.lstrip("+~"): value for key, _, value in pairs}


def _is_shard(override: str) -> bool:
    return override.partition("=")[0].lstrip("+~") in SHARD_KEYS


def _numbers(values: dict[Any, Any]) -> dict[str, float]:
    """The usable 1-10 scores of a dimension -> value mapping (absent, NaN and 0 dropped)."""
    from petri_bt.logs import raw_score

    return {str(d): n for d, v in values.items() if (n := raw_score(v)[0]) is not None}


def _sample(raw: dict[str, Any], log: Path) -> Sample:
    from petri_bt.judging import stored_panel

    score = (raw.get("scores") or {}).get(JUDGE_SCORER)
    score = score if isinstance(score, dict) else {}
    value = score.get("value")
    scores = _numbers(value) if isinstance(value, dict) else {}
    metadata = score.get("metadata") if isinstance(score.get("metadata"), dict) else {}
    panel = stored_panel(score)
    judged = {
        str(judge): _numbers(dims)
        for judge, dims in (panel or {}).items()
        if isinstance(dims, dict)
    }
    error = raw.get("error")
    message = None
    if isinstance(error, dict):
        message = (str(error.get("message") or "").strip().splitlines() or ["error"])[0]
    elif error:
        message = str(error)
    return Sample(
        seed_id=str(raw.get("id")),
        epoch=int(raw.get("epoch") or 1),
        scores=scores,
        explanation=str(score.get("explanation") or ""),
        summary=str(metadata.get("summary") or ""),
        error=message,
        panel=judged or None,
        log=log,
    )


@dataclass
class _LogRead:
    path: Path
    spec: dict[str, Any]
    status: str
    by_condition: dict[str | None, list[Sample]]
    usage: dict[str | None, dict[str, Any]]


def _read_log(path: Path, prices: Any) -> _LogRead:
    """A log's samples by study arm, with each arm's usage (calls, tokens, cost per role)."""
    from petri_bt.logs import LogFile, LogReadError, LogUsage, sample_name_key

    try:
        log = LogFile(path)
    except LogReadError as exc:
        raise UserError(f"from_logs: {exc}") from None
    groups: dict[str | None, list[Sample]] = {}
    usage: dict[str | None, Any] = {}
    unreadable: list[Sample] = []
    with log:
        for name, raw in log.samples():
            if isinstance(raw, Exception):
                seed, _, epoch = sample_name_key(name).rpartition("/")
                error = f"unreadable: {raw}"
                unreadable.append(Sample(seed, int(epoch or 1), {}, "", "", error, None, path))
                continue
            condition = (raw.get("metadata") or {}).get("condition")
            condition = str(condition) if condition else None
            groups.setdefault(condition, []).append(_sample(raw, path))
            usage.setdefault(condition, LogUsage(log.eval_spec, prices)).add(raw)
        # a log of one arm keeps its unreadable samples in that arm
        home = next(iter(groups)) if len(groups) == 1 else None
        if unreadable or not groups:
            groups.setdefault(home, []).extend(unreadable)
        figures = {condition: counted.figures() for condition, counted in usage.items()}
        return _LogRead(path, log.eval_spec, log.status, groups, figures)


def _audit_name(overrides: list[str], condition: str | None, log: Path) -> str:
    from petri_bt.naming import job_name

    base = job_name(overrides) if overrides else log.stem.split("_", 1)[-1]
    return f"{base} / {condition}" if condition else base


def read_audits(paths: list[Path], settings: Any = None) -> list[Audit]:
    """Read logs into audits, in the order the logs are given, each log once.

    Args:
        paths: The log files.
        settings: The export settings: `dimension_directions` overrides what the logs and
            Petri say; `pricing` prices the calls.

    Raises:
        UserError: A log cannot be read at all (missing, corrupt, not an Inspect log).
    """
    from petri_bt.export import load_settings
    from petri_bt.judging import stored_panel_settings
    from petri_bt.logs import PriceTable, dimension_table, direction_of, roles_in_spec

    loaded = load_settings(settings)
    prices = PriceTable(loaded.pricing)
    directions = dict(loaded.dimension_directions)
    audits: dict[tuple[Any, ...], Audit] = {}
    sweeps: dict[Path, dict[Path, Path]] = {}
    for path in paths:
        read = _read_log(Path(path).resolve(), prices)
        folder, overrides = run_overrides(read.path, sweeps)
        sharded = any(_is_shard(o) for o in overrides)
        kept = [o for o in overrides if not _is_shard(o)]
        models = roles_in_spec(read.spec)
        task = str(read.spec.get("task") or "")
        panel = stored_panel_settings(read.spec)
        where = (folder.parent if sharded else folder) if folder else read.path.resolve()
        table = dimension_table(read.spec, directions)
        for condition, samples in read.by_condition.items():
            key = (str(where), tuple(sorted(kept)), task, tuple(sorted(models.items())), condition)
            audit = audits.get(key)
            if audit is None:
                audit = audits[key] = Audit(
                    number=len(audits) + 1,
                    name=_audit_name(kept, condition, read.path),
                    task=task,
                    models=models,
                    judges=[str(j) for j in (panel or {}).get("judges") or []],
                    overrides=_split(kept),
                    condition=condition,
                    panel_settings=panel,
                )
            if read.path not in audit.logs:
                audit.logs.append(read.path)
            if read.status != "success" and audit.status == "success":
                audit.status = read.status
            audit.samples.extend(samples)
            if condition in read.usage:
                audit.usage.append(read.usage[condition])
            for sample in samples:
                for dim in sample.scores:
                    audit.directions.setdefault(dim, direction_of(table, dim)[0])
    return list(audits.values())
