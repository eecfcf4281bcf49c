"""One run plan: the composed config resolved once, read by every path after.

`make_plan(cfg)` works out, in one place, everything a run needs: the model of each
role and where it came from, the seed selection, Petri's task arguments, the
Inspect eval arguments, the experiment name and the export settings. The single
run, studies, sweeps (every launcher), `action=show` and the Python API all
read the plan; none of them goes back to the config for these facts.

Planning imports no Inspect code, so it is as cheap as composing the config.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from omegaconf import DictConfig, OmegaConf

from petri_bt._secrets import redact, redact_override
from petri_bt.config import Action, Sink, check_known_keys
from petri_bt.errors import UserError
from petri_bt.judging import check_aggregate, check_disagreement
from petri_bt.naming import SweepJobName, new_run_stamp, run_experiment
from petri_bt.roles import ROLES, RoleModel, resolve_panel, resolve_roles
from petri_bt.run._knobs import TASK_KNOBS, check_knobs, task_args
from petri_bt.run._seeds import SeedSource, seed_source

T = TypeVar("T")


@dataclass(frozen=True)
class RunPlan:
    """Everything a run needs, resolved once from the composed config.

    Args:
        action: What the run does.
        roles: Role -> resolved model (target, auditor, judge, and realism when set),
            each with the place it came from.
        judges: The judge panel (`judges=[...]`, two or more), else empty; the first
            judge is also `roles["judge"]`.
        judge_aggregate: How the panel's scores become one per dimension.
        judge_disagreement: Raw points apart at which a panel's scores flag a sample.
        budget_usd: The most the run may cost by its forecast (None: no limit).
        shards: Jobs one audit's seeds are split across (1: not split).
        shard: The share this job audits (0 .. shards-1), when split.
        pilot: Logs of a small run to forecast tokens from (as given).
        seeds: What Petri's `seeds_dataset` gets (None: the built-in set).
        limit: Seeds to audit (None: every selected seed).
        epochs: Inspect epochs.
        fail_on_error: Inspect's sample error policy (None: stop at the first error).
        task_args: `inspect_petri.audit` arguments from the knobs (plain data).
        eval_args: Inspect eval arguments that apply to the whole eval.
        max_connections: Connection limit per model, unless a role sets its own.
        call_limits: Per-call timeout and retries for every role (`timeout`,
            `max_retries`), unless a role's own generate config sets them.
        experiment: The Braintrust experiment this run's logs go to, recorded in each
            log's header (`petri_bt.naming`): the user's name (`export.experiment`), the
            sweep job's, or `<task>-<target>-<date>-<run id>`. A study's arms derive theirs
            from it (`given`, `run_stamp`); logs read with `from_logs` keep their own.
        given_experiment: The user's or the sweep job's experiment name, if any.
        run_stamp: `<date>-<id>`, drawn once per plan: tells this run's experiments
            from another run's.
        export: The export settings (`petri_bt.export.ExportSettings`), `auto` resolved
            into the sink actually used.
        export_note: The line saying where the export goes (None: no export).
        run_config: The composed config as plain data, secrets redacted (for metadata).
        log_dir: Where the logs go (None: the run folder's `logs/`).
        job: The sweep job's names when the run is one job of a sweep.
        from_logs: Existing logs to read instead of running (as given).
        study: The study file when the run is a study.
        show_seeds: `action=show` also prints each seed's text (a study's: every overlaid
            seed).
        explicit: Top-level keys the user set (command-line overrides), as opposed to
            defaults; a study refuses a knob its conditions set per arm.
        overrides: The overrides the config was composed with, secrets redacted (a
            rerun composes them again).
    """

    action: Action
    roles: Mapping[str, RoleModel]
    judges: tuple[RoleModel, ...]
    judge_aggregate: str
    judge_disagreement: float
    budget_usd: float | None
    pilot: tuple[str, ...]
    shards: int
    shard: int | None
    seeds: SeedSource
    limit: int | None
    epochs: int
    fail_on_error: float | None
    task_args: Mapping[str, Any]
    eval_args: Mapping[str, Any]
    max_connections: int | None
    experiment: str
    export: Any
    export_note: str | None
    run_config: Mapping[str, Any]
    log_dir: Path | None = None
    call_limits: Mapping[str, int | None] = field(default_factory=dict)
    job: SweepJobName | None = None
    from_logs: tuple[str, ...] = ()
    study: Path | None = None
    show_seeds: bool = False
    explicit: frozenset[str] = frozenset()
    overrides: tuple[str, ...] = ()
    given_experiment: str | None = None
    run_stamp: str = ""
    _knobs: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def target(self) -> RoleModel:
        """The target role."""
        return self.roles["target"]

    @property
    def saved_roles(self) -> dict[str, dict[str, Any]]:
        """Each role's model and where it was chosen, as the run's saved config records
        them (a role chosen by a preset or an environment variable is null when composed)."""
        return {
            role: {"model": spec.model, "source": spec.source}
            for role, spec in self.roles.items()
            if role in ROLES
        }

    @property
    def exporting(self) -> bool:
        """True unless `export=none`."""
        return str(self.export.sink) != Sink.none

    @property
    def resumable(self) -> bool:
        """A sweep job writing to its own folder: the folder is the same when the sweep
        command runs again, so its eval can resume there (an Inspect eval set)."""
        return self.job is not None and self.log_dir is None

    @property
    def written_experiment(self) -> str | None:
        """The one experiment this run's own logs go to (None: a study, whose arms have
        one each, or logs read with `from_logs`, which keep their own)."""
        if self.from_logs or self.study is not None:
            return self.export.experiment or None
        return self.experiment

    def logs_in(self, run_dir: Path) -> Path:
        """The folder the run's logs go to."""
        return self.log_dir if self.log_dir is not None else run_dir / "logs"

    def with_knobs(self, overrides: Mapping[str, Any]) -> RunPlan:
        """This plan with some task knobs changed (a study condition's run overrides).

        Args:
            overrides: Knob -> value, each one of `TASK_KNOBS`.
        """
        unknown = sorted(set(overrides) - set(TASK_KNOBS))
        if unknown:
            raise UserError(f"{', '.join(unknown)}: not a knob a condition may change")
        knobs = {**self._knobs, **overrides}
        check_knobs(knobs)
        return dataclasses.replace(
            self,
            task_args=_frozen(task_args(knobs, self.roles)),
            _knobs=_frozen(knobs),
        )

    def seed_share(self, seeds: Sequence[T]) -> Sequence[T]:
        """The seeds this run audits of a selection: the first `limit`, then this shard's
        share of them (every `shards`-th, from the `shard`-th), so shards never overlap.

        Args:
            seeds: The selected seeds, in their stable order (a dataset or a tuple).
        """
        chosen = seeds[: self.limit] if self.limit else seeds
        return chosen[self.shard :: self.shards] if self.shard is not None else chosen

    def with_seeds(self, seeds: SeedSource) -> RunPlan:
        """This plan auditing exactly other seeds (a study arm's dataset, already this
        run's share: no limit or shard applies to it again).

        Args:
            seeds: Anything Petri's `seeds_dataset` accepts.
        """
        return dataclasses.replace(self, seeds=seeds, limit=None, shard=None, shards=1)

    @property
    def checked_models(self) -> dict[str, RoleModel]:
        """Every model the run calls, labelled for messages (roles, then panel judges)."""
        panel = {f"judges[{i}]": spec for i, spec in enumerate(self.judges) if i}
        return {**self.roles, **panel}

    def summary(self) -> dict[str, Any]:
        """The plan as `summary.json` records it: roles with their sources, experiment."""
        return {
            "roles": {
                role: {"model": spec.model, "source": spec.source}
                for role, spec in self.roles.items()
            },
            "judges": [spec.model for spec in self.judges],
            "shard": None if self.shard is None else [self.shard, self.shards],
            "experiment": self.written_experiment if self.exporting else None,
            "job": self.job.name if self.job else None,
        }


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _limit(cfg: DictConfig, study: bool, explicit: frozenset[str]) -> int | None:
    # A study's seed set is deliberate: only a limit the user sets trims it.
    if study and "limit" not in explicit:
        return None
    return int(cfg.limit) or None


def explicit_keys(overrides: Sequence[str]) -> frozenset[str]:
    """The config keys a list of Hydra overrides sets (`+x=1`, `a.b=2` -> `x`, `a.b`)."""
    return frozenset(
        str(o).lstrip("+~").split("=", 1)[0].split("@", 1)[0] for o in overrides if "=" in str(o)
    )


def _given_experiment(cfg: DictConfig, job: SweepJobName | None) -> str | None:
    # A name the user gives wins, then the sweep job's (petri_bt.naming has the rule).
    if cfg.export.experiment:
        return str(cfg.export.experiment)
    return job.experiment if job else None


def plain_config(cfg: DictConfig) -> dict[str, Any]:
    """The run config as plain data with secrets redacted (for metadata and reports)."""
    container = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    assert isinstance(container, dict)
    container.pop("hydra", None)
    return redact(container)


def make_plan(
    cfg: DictConfig, *, job: SweepJobName | None = None, overrides: Sequence[str] = ()
) -> RunPlan:
    """Resolve a composed config into the plan every path reads.

    Args:
        cfg: The composed run config.
        job: The sweep job's names, when the run is one job of a sweep.
        overrides: The overrides the config was composed with (what the user set).

    Raises:
        UserError: A knob out of range, a malformed model string, a missing seed path.
    """
    from petri_bt.export import load_settings, sink_choice

    check_known_keys(cfg)
    action = Action(str(cfg.action))
    explicit = explicit_keys(overrides)
    knobs = {key: cfg.get(key) for key in (*TASK_KNOBS, "limit", "epochs")}
    knobs["judge_dimensions"] = list(cfg.judge_dimensions or [])
    call_limits = {"timeout": cfg.timeout, "max_retries": cfg.max_retries}
    check_knobs({**knobs, **call_limits})
    roles = resolve_roles(cfg)
    panel = resolve_panel(cfg)
    study = cfg.study if cfg.study.name is not None else None
    settings = load_settings(cfg.export)
    sink, note = sink_choice(settings)
    given = _given_experiment(cfg, job)
    run_stamp = new_run_stamp()
    return RunPlan(
        action=action,
        roles=_frozen(roles),
        judges=panel if len(panel) > 1 else (),
        judge_aggregate=check_aggregate(str(cfg.judge_aggregate)),
        judge_disagreement=check_disagreement(cfg.judge_disagreement),
        budget_usd=_budget(cfg.budget_usd),
        pilot=_paths(cfg.pilot),
        shards=int(cfg.shards),
        shard=_shard(cfg.shards, cfg.shard),
        seeds=seed_source(cfg.seeds) if study is None else None,
        limit=_limit(cfg, study is not None, explicit),
        epochs=int(cfg.epochs),
        fail_on_error=cfg.fail_on_error,
        task_args=_frozen(task_args(knobs, roles)),
        eval_args=_frozen(
            {"display": cfg.display, "max_samples": cfg.max_samples, "log_level": "warning"}
        ),
        max_connections=cfg.max_connections,
        experiment=given or run_experiment(roles["target"].model, run_stamp),
        given_experiment=given,
        run_stamp=run_stamp,
        export=dataclasses.replace(settings, sink=sink),
        export_note=note,
        run_config=_frozen(plain_config(cfg)),
        log_dir=Path(cfg.log_dir).expanduser() if cfg.log_dir else None,
        call_limits=_frozen(call_limits),
        job=job,
        from_logs=_paths(cfg.from_logs),
        study=_study_path(study),
        show_seeds=bool(cfg.study.show_seeds),
        explicit=explicit,
        overrides=tuple(redact_override(str(o)) for o in overrides),
        _knobs=_frozen(knobs),
    )


def _paths(value: Any) -> tuple[str, ...]:
    """A path knob given as one path or a list of them (`from_logs`, `pilot`)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(p) for p in value)


def _shard(shards: int, shard: int | None) -> int | None:
    if shards < 1:
        raise UserError(f"shards={shards}: must be 1 or more")
    if shards == 1:
        if shard is not None:
            raise UserError(f"shard={shard} without shards=N: give shards=N to split the seeds")
        return None
    if shard is None:
        raise UserError(
            f"shards={shards} splits the audit into {shards} sweep jobs: run it from the "
            "command line (python -m petri_bt ... shards=N adds shard=0..N-1 and -m)"
        )
    if not 0 <= shard < shards:
        raise UserError(f"shard={shard}: must be between 0 and shards-1={shards - 1}")
    return int(shard)


def _budget(value: Any) -> float | None:
    if value is None:
        return None
    if not value > 0:
        raise UserError(f"budget_usd={value}: must be a positive amount of US dollars")
    return float(value)


def _study_path(study: Any) -> Path | None:
    if study is None:
        return None
    from petri_bt._paths import find_study

    path = Path(study.path) if study.get("path") else find_study(str(study.name))
    if path is None:
        raise UserError(f"study={study.name}: no such study file in the study folders")
    return path
