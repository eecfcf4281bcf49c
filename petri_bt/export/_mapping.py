"""One stored Petri sample -> the Braintrust rows of its trace (pure: dicts in, dicts out).

The root row (span type `task`) carries the seed, the target transcript, one
score per judge dimension (`_judge_columns`) and the metadata; with traces on,
every ModelEvent becomes an `llm` child span and every ToolEvent a `tool` span
(`_spans`). The same rows go to an experiment, to project logs, into a local
bundle, and out of the live hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from petri_bt.export._context import SOURCE, LogContext
from petri_bt.export._ids import ROOT_PART, row_id
from petri_bt.export._judge_columns import first_line, judge_scores
from petri_bt.export._spans import child_spans, raw_events, timestamp
from petri_bt.logs import SampleText, failed_actions, judge_problem, message_text, sample_cost

STUDY_KEYS = ("study", "condition", "study_fingerprint")
_MAX_ACTIONS = 20  # failed actions listed per row (all are counted)
# Sample metadata that differs between the arms of a study: kept out of `input`
# so the arms' rows pair up in Braintrust's comparison view.
_NOT_INPUT = frozenset(STUDY_KEYS) | {"base_seed", "seed_original", "overlay", "arm"}


class SkipSample(Exception):
    """This sample cannot be exported; the message says why."""


@dataclass
class SampleRows:
    """The rows of one sample and the figures the export summary adds up."""

    key: str
    root_id: str
    rows: list[dict[str, Any]]
    scored: bool
    unscored_reason: str | None
    usage: dict[str, dict[str, Any]]


def sample_key(sample: dict[str, Any]) -> str:
    """`<id>/<epoch>`: how a sample is named in summaries."""
    return f"{sample.get('id')}/{sample.get('epoch', 1)}"


def _wall_clock(sample: dict[str, Any]) -> float | None:
    started, completed = timestamp(sample.get("started_at")), timestamp(sample.get("completed_at"))
    if started is not None and completed is not None and completed >= started:
        return completed - started
    total = sample.get("total_time")
    return float(total) if isinstance(total, (int, float)) else None


def map_sample(sample: dict[str, Any], ctx: LogContext) -> SampleRows:
    """The Braintrust rows of one stored sample.

    Args:
        sample: The sample as stored in the `.eval` log (condensed JSON).
        ctx: Facts about the log and the export options.

    Raises:
        SkipSample: The sample errored or is not shaped like an Inspect sample.
    """
    if not isinstance(sample, dict) or sample.get("id") is None:
        raise SkipSample("not an Inspect sample (no id)")
    error = sample.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        raise SkipSample(f"the sample errored during the run: {first_line(message)}")
    sample_id, epoch = sample["id"], sample.get("epoch", 1)
    text = SampleText(sample)
    root = row_id(ctx.identity or ctx.eval_id, sample_id, epoch, ROOT_PART)

    children, usage, counts = child_spans(sample, ctx, text, root)
    transcript = [text.chat(m) for m in sample.get("messages") or [] if isinstance(m, dict)]
    scores, judge, dimensions = judge_scores(sample, ctx)
    actions = failed_actions(sample)
    problem = judge_problem(actions) if judge.get("status") == "failed" else None
    if problem:
        judge["reason"] = f"{judge['reason']}: {problem}"
    counts["failed_actions"] = len(actions)
    target_turns = sum(1 for m in transcript if m["role"] == "assistant")
    counts.update({"messages": len(transcript), "target_turns": target_turns})
    seed, seed_meta, extra = _seed(sample, text)
    metadata = _metadata(sample, ctx, extra)
    metadata.update(
        {
            "dimensions": dimensions,
            "judge": judge,
            "failed_actions": actions[:_MAX_ACTIONS],
            **_usage_metadata(sample, usage, counts),
        }
    )
    if sample.get("limit"):
        metadata["limit"] = sample["limit"]
    if ctx.include_events:
        metadata["events"] = raw_events(sample, text)
    root_row: dict[str, Any] = {
        "id": root,
        "span_id": root,
        "root_span_id": root,
        "span_parents": None,
        "span_attributes": {"name": f"sample {sample_id} (epoch {epoch})", "type": "task"},
        # Only what is the same in every arm of a study goes into `input`: rows pair on it.
        "input": {"seed": seed, "metadata": seed_meta, "sample_id": sample_id, "epoch": epoch},
        "output": {
            "transcript": transcript,
            "final_target_response": _final_response(transcript, sample),
            "turn_count": target_turns,
        },
        "scores": scores,
        "metadata": metadata,
        "metrics": _metrics(sample),
        "created": sample.get("completed_at") or sample.get("started_at") or ctx.created,
    }
    return SampleRows(
        key=sample_key(sample),
        root_id=root,
        rows=[root_row, *children] if ctx.traces else [root_row],
        scored=bool(scores),
        unscored_reason=None if scores else judge.get("reason"),
        usage=usage,
    )


def _metadata(sample: dict[str, Any], ctx: LogContext, extra: dict[str, Any]) -> dict[str, Any]:
    """The root row's metadata that says where the sample came from (`extra`: study keys)."""
    return {
        "source": SOURCE,
        "task": ctx.task,
        "eval_id": ctx.eval_id,
        "run_id": ctx.run_id,
        "sample_id": sample["id"],
        "epoch": sample.get("epoch", 1),
        "sample_uuid": sample.get("uuid"),
        "source_log": ctx.log_path,
        "model_roles": dict(ctx.model_roles),
        "versions": dict(ctx.versions),
        **extra,
    }


def _usage_metadata(
    sample: dict[str, Any], usage: dict[str, dict[str, Any]], counts: dict[str, Any]
) -> dict[str, Any]:
    """The root row's metadata on what the sample used: tokens, cost, counts and times."""
    return {
        "usage": usage,
        "model_usage": sample.get("model_usage") or {},
        "cost": sample_cost(usage, _wall_clock(sample)),
        "counts": counts,
        "tool_call_count": counts["tool_calls"],
        "total_time_seconds": sample.get("total_time"),
        "timings": {
            "started_at": sample.get("started_at"),
            "completed_at": sample.get("completed_at"),
            "total_time_s": sample.get("total_time"),
            "working_time_s": sample.get("working_time"),
        },
    }


def _metrics(sample: dict[str, Any]) -> dict[str, Any]:
    """The root row's start and end (seconds since the epoch), when the sample has them."""
    metrics: dict[str, Any] = {}
    started, completed = timestamp(sample.get("started_at")), timestamp(sample.get("completed_at"))
    if started is not None:
        metrics["start"] = started
    if completed is not None:
        metrics["end"] = completed
    return metrics


def promote_scores(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for project logs: the root's scores also under `metadata.scores`.

    Topics facets filter on metadata, so `metadata.scores.<dim>` makes
    "concerning > 0.5" expressible there. The input rows are not modified.
    """
    out: list[dict[str, Any]] = []
    for row in rows:
        if row.get("span_parents") is None and "scores" in row:
            row = {**row, "metadata": {**row["metadata"], "scores": dict(row["scores"])}}
        out.append(row)
    return out


# -- seed -------------------------------------------------------------------------


def _seed(sample: dict[str, Any], text: SampleText) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(seed for `input`, seed metadata for `input`, study keys for `metadata`)."""
    raw_input = sample.get("input")
    if isinstance(raw_input, list):
        users = [m for m in raw_input if isinstance(m, dict) and m.get("role") == "user"]
        full = message_text(text.chat(users[0])) if users else ""
    else:
        full = text.text(str(raw_input or ""))
    meta = sample.get("metadata") or {}
    extra: dict[str, Any] = {k: meta[k] for k in STUDY_KEYS if k in meta}
    seed = full
    if meta.get("base_seed"):
        seed = str(meta["base_seed"])
        extra["seed_original"] = full
    seed_meta = {k: v for k, v in meta.items() if k not in _NOT_INPUT}
    return seed, seed_meta, extra


def _final_response(transcript: list[dict[str, Any]], sample: dict[str, Any]) -> str | None:
    for message in reversed(transcript):
        if message["role"] == "assistant":
            content = message_text(message)
            if content:
                return content
    output = sample.get("output") or {}
    completion = output.get("completion") if isinstance(output, dict) else None
    return completion or None
