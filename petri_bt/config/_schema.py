"""Structured-config schemas: the typed shape of every run config.

Hydra merges the YAML in `conf/` onto these dataclasses, so a misspelt key or a
value of the wrong type fails at composition time, before anything runs. Only
the standard library and omegaconf are imported here: `--help` and `--cfg job`
go through this module and must stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from omegaconf import MISSING

from petri_bt.judging import DEFAULT_AGGREGATE, DEFAULT_DISAGREEMENT


def knob(default: Any, help: str) -> Any:
    """A config field with a one-line description (shown by `--help`)."""
    if default is list or default is dict:
        return field(default_factory=default, metadata={"help": help})
    return field(default=default, metadata={"help": help})


class Action(StrEnum):
    """What the entry point does with the composed config."""

    run = "run"  # audit, then export (or export only, when from_logs is set)
    export = "export"  # export the logs named by from_logs; no model call
    show = "show"  # print the study (or the resolved roles) and exit
    topics = "topics"  # enable Braintrust Topics for the export project
    reprice = "reprice"  # cost / compute report for existing logs
    upload = "upload"  # send a local export bundle to Braintrust
    rejudge = "rejudge"  # judge saved logs again (from_logs) with judge= or judges=
    plan = "plan"  # seeds and cost a run needs, forecast from a pilot's logs
    rerun = "rerun"  # the run folder from_logs names, run again from its rerun record
    compare = "compare"  # one row per audit of from_logs: Markdown, CSV and Parquet tables
    report = "report"  # report.html (heatmap, study, agreement, cost, samples) of from_logs


class TargetTools(StrEnum):
    synthetic = "synthetic"
    fixed = "fixed"
    none = "none"


class Sink(StrEnum):
    auto = "auto"  # braintrust when BRAINTRUST_API_KEY is set, else local
    braintrust = "braintrust"
    local = "local"
    none = "none"


class ExportMode(StrEnum):
    experiment = "experiment"
    logs = "logs"
    both = "both"


@dataclass
class ModelConfig:
    """One model role: the model chosen on the command line (`target=`, `auditor=`,
    `judge=`), and the role's settings.

    Any Inspect model string is a valid option; curated files in `conf/target/`
    add settings for a particular model. With no model chosen (`model` null) the
    preset or `PETRI_BT_<ROLE>` picks it, and the settings given here
    (`+target.config.attempt_timeout=99`) still apply to it.
    """

    model: str | None = None
    base_url: str | None = knob(None, "the provider's base URL for this role")
    max_connections: int | None = knob(None, "concurrent connections to this role's model")
    display_name: str | None = knob(None, "target only: its name in the auditor's prompts")
    args: dict[str, Any] = knob(dict, "provider model_args (an api_key, a region, ...)")
    config: dict[str, Any] = knob(
        dict,
        "Inspect GenerateConfig fields, winning over the run's: attempt_timeout, "
        "max_retries, timeout, temperature, max_tokens, ...",
    )
    # Where the model came from when a run saved it (`PETRI_BT_TARGET`, `preset offline`);
    # null for a role given on the command line.
    source: str | None = None


@dataclass
class PresetConfig:
    """A named placement of the three roles (local or cloud)."""

    name: str = MISSING
    description: str = ""
    target: str = MISSING
    auditor: str = MISSING
    judge: str = MISSING
    realism: str | None = None


@dataclass
class SeedsConfig:
    """Which seed instructions to audit.

    `source` is anything `inspect_petri.seeds_dataset` accepts: null for the
    built-in set, `tags:a,b`, `id:x,y`, or a path to a seed file or a folder of
    `.md` seeds. `instructions` is an inline list and wins when non-empty.
    """

    source: str | None = None
    instructions: list[str] = field(default_factory=list)


@dataclass
class PricingOverride:
    """USD per million tokens for one model (or a `provider/*` wildcard)."""

    input: float = 0.0
    output: float = 0.0
    cache_read: float | None = None
    cache_write: float | None = None


@dataclass
class ExportConfig:
    """Where and how logs are exported (`export.<key>=value`)."""

    sink: Sink = knob(Sink.auto, "auto | braintrust | local | none (auto: braintrust with a key)")
    project: str = knob("petri-bt", "Braintrust project")
    experiment: str | None = knob(None, "experiment name (default: task, target, date of the log)")
    mode: ExportMode = knob(
        ExportMode.experiment, "experiment | logs (project logs, Topics) | both"
    )
    traces: bool = knob(True, "child spans for every model and tool call")
    include_events: bool = knob(False, "also embed the raw Inspect event stream")
    keep_inverted_scores: bool = knob(False, "add <dim>__inverted score columns (higher = better)")
    llm_input: str = knob(
        "new", "llm span input: new (messages added since that role's last call) | full"
    )
    live: bool = knob(False, "send each sample as soon as it is scored")
    pattern: str = knob("*.eval", "glob for logs inside from_logs folders")
    batch_size: int = knob(20, "samples per flush to the Braintrust SDK")
    max_retries: int = knob(6, "retries of a failed Braintrust request")
    retry_backoff: float = knob(0.5, "seconds before the first retry; doubles each time")
    timeout: float = knob(60.0, "seconds per Braintrust request before it is retried")
    topics_min_traces: int = knob(100, "warn below this many traces in project logs (Topics)")
    dimension_directions: dict[str, str] = knob(
        dict, "custom dimension -> good-low | good-high | neutral"
    )
    pricing: dict[str, PricingOverride] = knob(
        dict,
        "price overrides, USD per million tokens: "
        "'++export.pricing={acme/model-x:{input:1.0,output:2.0}}' (also cache_read, cache_write)",
    )
    bundle: str | None = knob(None, "action=upload: a local bundle (or its run folder)")
    dry_run: bool = knob(False, "action=topics: print the bt commands only")
    progress: bool = knob(True, "progress bar while exporting")


@dataclass
class StudyRef:
    """The `study` group option: a committed study file by name (`name` null: no study)."""

    name: str | None = None
    path: str | None = None
    show_seeds: bool = knob(
        False, "action=show also prints each seed's text (a study's: as each arm sees it)"
    )


@dataclass
class RunConfig:
    """The whole run: roles, seeds, Petri's knobs (with Petri's defaults), export."""

    action: Action = knob(
        Action.run,
        "run | export | show | topics | reprice | upload | rejudge | plan | rerun | compare | report",
    )
    preset: PresetConfig = MISSING
    target: ModelConfig = field(default_factory=ModelConfig)
    auditor: ModelConfig = field(default_factory=ModelConfig)
    judge: ModelConfig = field(default_factory=ModelConfig)
    realism_model: str | None = knob(
        None, "model for Petri's realism filter when realism=true (default: the auditor)"
    )
    seeds: SeedsConfig = field(default_factory=SeedsConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    study: StudyRef = field(default_factory=StudyRef)

    judges: list[str] = knob(
        list, "a judge panel: model strings, each scoring every sample (instead of judge=)"
    )
    judge_aggregate: str = knob(
        DEFAULT_AGGREGATE, "the panel's score per dimension: median | mean | min | max"
    )
    judge_disagreement: float = knob(
        DEFAULT_DISAGREEMENT, "flag samples whose judges differ by this many raw points or more"
    )

    budget_usd: float | None = knob(
        None, "refuse to start a run or sweep whose forecast cost exceeds this (needs pilot=)"
    )
    pilot: Any = knob(list, "logs of a small run to forecast cost from (budget_usd, action=plan)")

    max_turns: int = knob(30, "auditor turns per audit")
    limit: int = knob(5, "seeds to audit; 0 audits all (a study: all its seeds unless set)")
    epochs: int = knob(1, "Inspect epochs: repeats of each seed inside one job and log")
    repeat: int = knob(1, "a sweep axis (repeat=1,2,3): separate jobs and experiments")
    shards: int = knob(1, "split one audit's seeds across N sweep jobs, exported as one")
    shard: int | None = knob(None, "the share of the seeds this job audits (set by shards=N)")
    rollback: bool = knob(True, "let the auditor roll back and restart the conversation")
    prefill: bool = knob(False, "let the auditor prefill the target's replies")
    realism: bool = knob(False, "filter auditor actions through Petri's realism approver")
    realism_threshold: float = knob(0.6, "minimum realism score when realism=true")
    target_tools: TargetTools = knob(
        TargetTools.synthetic, "synthetic (auditor creates tools) | fixed | none"
    )
    judge_dimensions: list[str] = knob(
        list, "judge dimensions: names, or one path / tags:<tag>; empty = Petri's 38"
    )
    compaction: bool = knob(True, "compact long auditor contexts (Petri's default)")
    cache: bool = knob(False, "cache model responses (all roles)")
    turn_counter: bool = knob(False, "show the auditor 'turn N of M'")
    target_display_name: str | None = knob(None, "the target's name in the auditor's prompts")
    auditor_system_message: str | None = knob(
        None, "auditor system prompt: text or a .md/.txt file"
    )
    resources_dir: str | None = knob(None, "a folder the auditor can read (Petri's resource tools)")
    max_connections: int | None = knob(None, "concurrent connections per model")
    timeout: int | None = knob(
        600, "seconds one model call may take before it is abandoned and retried (null: no limit)"
    )
    max_retries: int | None = knob(
        6, "retries of a failed or timed-out model call before the sample errors (null: no limit)"
    )
    fail_on_error: float | None = knob(
        None, "null: stop at the first sample error; <1 a share of samples; >=1 a count"
    )
    max_samples: int | None = knob(None, "samples run concurrently (Inspect's default if null)")
    display: str | None = knob(
        None,
        "Inspect display: full | conversation | rich | plain | log | none (null: Inspect's choice)",
    )
    # A list or one path: `from_logs=old/run.eval` and `from_logs=[a.eval,b/]` both work.
    from_logs: Any = knob(
        list, "export these logs (files, folders, globs, run folders) instead of running"
    )
    log_dir: str | None = knob(None, "where the .eval logs go (default: <run folder>/logs)")
