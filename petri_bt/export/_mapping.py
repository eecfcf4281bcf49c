"""One stored Petri sample -> the Braintrust rows of its trace (pure: dicts in, dicts out).

The root row (span type `task`) carries the seed, the target transcript, one
score per judge dimension and the metadata; with traces on, every ModelEvent
becomes an `llm` child span and every ToolEvent a `tool` span (nested under the
model call that asked for it). The same rows go to an experiment, to project
logs, into a local bundle, and out of the live hook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.export._actions import failed_actions, judge_problem
from petri_bt.export._context import SOURCE, LogContext
from petri_bt.export._ids import ROOT_PART, row_id
from petri_bt.export._scores import (
    direction_of,
    inverted,
    raw_score,
    split_justification,
    unit_score,
)
from petri_bt.export._transcript import SampleText, message_text, output_message
from petri_bt.export._usage import (
    account_call,
    role_of,
    round_usage,
    sample_cost,
    usage_from_summary,
)
from petri_bt.judging import DEFAULT_DISAGREEMENT, EXPLANATIONS_KEY, spread, stored_panel

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


def _ts(value: Any) -> float | None:
    if isinstance(value, str):  # Inspect's timestamps; "Z" too, since Python 3.11
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _first_line(text: Any, limit: int = 300) -> str:
    line = str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""
    return line[:limit]


def _wall_clock(sample: dict[str, Any]) -> float | None:
    started, completed = _ts(sample.get("started_at")), _ts(sample.get("completed_at"))
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
        raise SkipSample(f"the sample errored during the run: {_first_line(message)}")
    sample_id, epoch = sample["id"], sample.get("epoch", 1)
    text = SampleText(sample)
    root = row_id(ctx.identity or ctx.eval_id, sample_id, epoch, ROOT_PART)

    children, usage, counts = _child_spans(sample, ctx, text, root)
    transcript = [text.chat(m) for m in sample.get("messages") or [] if isinstance(m, dict)]
    scores, judge, dimensions = _judge_scores(sample, ctx)
    actions = failed_actions(sample)
    problem = judge_problem(actions) if judge.get("status") == "failed" else None
    if problem:
        judge["reason"] = f"{judge['reason']}: {problem}"
    counts["failed_actions"] = len(actions)
    target_turns = sum(1 for m in transcript if m["role"] == "assistant")
    counts.update({"messages": len(transcript), "target_turns": target_turns})
    seed, seed_meta, extra = _seed(sample, text)
    started, completed = _ts(sample.get("started_at")), _ts(sample.get("completed_at"))
    metadata: dict[str, Any] = {
        "source": SOURCE,
        "task": ctx.task,
        "eval_id": ctx.eval_id,
        "run_id": ctx.run_id,
        "sample_id": sample_id,
        "epoch": epoch,
        "sample_uuid": sample.get("uuid"),
        "source_log": ctx.log_path,
        "model_roles": dict(ctx.model_roles),
        "versions": dict(ctx.versions),
        **extra,
        "dimensions": dimensions,
        "judge": judge,
        "failed_actions": actions[:_MAX_ACTIONS],
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
    if sample.get("limit"):
        metadata["limit"] = sample["limit"]
    if ctx.include_events:
        metadata["events"] = _raw_events(sample, text)
    metrics: dict[str, Any] = {}
    if started is not None:
        metrics["start"] = started
    if completed is not None:
        metrics["end"] = completed
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
        "metrics": metrics,
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


# -- scores -----------------------------------------------------------------------


def _judge_score(scores: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    if isinstance(scores.get(JUDGE_SCORER), dict):
        return JUDGE_SCORER, scores[JUDGE_SCORER]
    for name, score in scores.items():
        if isinstance(score, dict) and isinstance(score.get("value"), dict):
            return name, score
    return None, None


def _judge_scores(
    sample: dict[str, Any], ctx: LogContext
) -> tuple[dict[str, float], dict[str, Any], dict[str, Any]]:
    scorer, score = _judge_score(sample.get("scores") or {})
    judge: dict[str, Any] = {"scorer": scorer}
    if score is None:
        judge.update(status="missing", reason="the log has no judge score for this sample")
        return {}, judge, {}
    meta = score.get("metadata") or {}
    judge.update(
        {
            "summary": meta.get("summary"),
            "highlights": meta.get("highlights"),
            "references": meta.get("scanner_references") or [],
            "justification": score.get("explanation"),
            "stop_reason": meta.get("stop_reason"),
        }
    )
    value = score.get("value")
    if not isinstance(value, dict):
        if meta.get("refusal"):
            judge.update(
                status="refused",
                reason=f"the judge refused: {_first_line(score.get('explanation'))}",
            )
        elif isinstance(value, float) and math.isnan(value):
            judge.update(status="failed", reason="the judge gave no valid answer (score is NaN)")
        else:
            judge.update(
                status="failed", reason=f"the judge score is not a dimension dict ({value!r})"[:300]
            )
        return {}, judge, {}

    names = [str(n) for n in value]
    parts, preamble = split_justification(score.get("explanation"), names)
    scores: dict[str, float] = {}
    dimensions: dict[str, Any] = {}
    unscored: dict[str, str] = {}
    for name in names:
        direction, source = direction_of(ctx.dimensions, name)
        raw, why = raw_score(value[name])
        entry: dict[str, Any] = {
            "raw": _json_safe(value[name]),
            "normalized": None,
            "direction": direction,
            "direction_source": source,
            "inverted": None,
            "explanation": parts.get(name),
        }
        if raw is None:
            entry["unscored"] = why
            unscored[name] = str(why)
        else:
            norm = unit_score(raw)
            entry["normalized"] = norm
            entry["inverted"] = inverted(norm, direction)
            scores[name] = norm
            if ctx.keep_inverted_scores and direction == "good-low":
                scores[f"{name}__inverted"] = entry["inverted"]
        dimensions[name] = entry
    for name in ctx.expected_dimensions or ():
        if name not in value:
            unscored[name] = "absent"
    judge["justification_preamble"] = preamble or None
    judge["unscored_dimensions"] = unscored
    panel = stored_panel(score)
    if panel is not None:
        judge["panel"] = _panel(panel, meta, ctx)
    if scores:
        judge["status"] = "scored"
    else:
        judge.update(status="failed", reason="the judge scored no dimension")
    return scores, judge, dimensions


def _panel(panel: dict[str, Any], meta: dict[str, Any], ctx: LogContext) -> dict[str, Any]:
    """Each panel judge's raw scores and explanation, and how far apart they are."""
    settings = ctx.judge_panel or {}
    threshold = settings.get("disagreement", DEFAULT_DISAGREEMENT)
    scored = {judge: raw for judge, raw in panel.items() if isinstance(raw, dict)}
    spreads = {}
    for dim in dict.fromkeys(d for raw in scored.values() for d in raw):
        value = spread([raw.get(dim) for raw in scored.values()])
        if value is not None:
            spreads[dim] = value
    return {
        "judges": panel,
        "explanations": meta.get(EXPLANATIONS_KEY) or {},
        "failures": meta.get("judge_failures") or {},
        "aggregate": settings.get("aggregate") or meta.get("judge_aggregate"),
        "spread": spreads,
        "flagged": sorted(dim for dim, value in spreads.items() if value >= threshold),
        "disagreement": threshold,
    }


# -- child spans ------------------------------------------------------------------


def _child_spans(
    sample: dict[str, Any], ctx: LogContext, text: SampleText, root: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any]]:
    sample_id, epoch = sample["id"], sample.get("epoch", 1)
    identity = ctx.identity or ctx.eval_id
    rows: list[dict[str, Any]] = []
    usage: dict[str, dict[str, Any]] = {}
    span_roles: dict[str, str] = {}
    call_parent: dict[str, str] = {}  # tool call id -> the llm span that asked for it
    history: dict[str, tuple[list[str], str]] = {}  # role -> (its conversation so far, last span)
    counts = {"model_calls": 0, "tool_calls": 0, "tool_errors": 0}
    for index, event in enumerate(sample.get("events") or []):
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind != "model" and kind != "tool":
            continue
        span = row_id(identity, sample_id, epoch, str(event.get("uuid") or f"event-{index}"))
        start = _ts(event.get("timestamp"))
        end = _ts(event.get("completed"))
        working = event.get("working_time")
        if end is None and start is not None and isinstance(working, (int, float)):
            end = start + float(working)
        if kind == "model":
            counts["model_calls"] += 1
            role = role_of(event, ctx.model_roles, span_roles)
            span_roles.setdefault(str(event.get("span_id")), role)
            row = _llm_row(event, ctx, text, role, usage, history, span)
            for call in (row["output"] or {}).get("tool_calls") or []:
                if call.get("id"):
                    call_parent[str(call["id"])] = span
            parents = [root]
        else:
            counts["tool_calls"] += 1
            role = span_roles.get(str(event.get("span_id")), "auditor")
            row = _tool_row(event, text, role)
            if row.get("error"):
                counts["tool_errors"] += 1
            parents = [call_parent.get(str(event.get("id")), root)]
        metrics = row["metrics"]
        if start is not None:
            metrics["start"] = start
        if end is not None:
            metrics["end"] = end
        row["id"] = row["span_id"] = span
        row["root_span_id"] = root
        row["span_parents"] = parents
        row["created"] = event.get("timestamp") or ctx.created
        rows.append(row)
    counts["auditor_turns"] = usage.get("auditor", {}).get("calls", 0)
    if not usage:
        usage = usage_from_summary(sample, ctx.model_roles, ctx.prices)
    return rows, round_usage(usage), counts


def _llm_row(
    event: dict[str, Any],
    ctx: LogContext,
    text: SampleText,
    role: str,
    usage: dict[str, dict[str, Any]],
    history: dict[str, tuple[list[str], str]],
    span: str,
) -> dict[str, Any]:
    output = event.get("output") or {}
    call = account_call(event, ctx.prices, role, usage)
    prompt = call["input_tokens"] + call["cache_read"] + call["cache_write"]
    metrics: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": call["output_tokens"],
        "tokens": prompt + call["output_tokens"],
        "prompt_cached_tokens": call["cache_read"],
        "prompt_cache_creation_tokens": call["cache_write"],
    }
    if call["reasoning"]:
        metrics["completion_reasoning_tokens"] = call["reasoning"]
    previous = history.get(role)
    # Every call re-sends the role's whole conversation; repeating it in each span
    # makes a trace grow with the square of its turns. With llm_input=new a span
    # shows what the call added; `continues` is the span holding the rest.
    known = previous[0] if previous and ctx.llm_input == "new" else None
    messages, keys, omitted = text.keyed_input(event, known)
    input_info: dict[str, Any] = {"messages": len(keys)}
    if omitted and previous:
        input_info.update(omitted=omitted, continues=previous[1])
    choices = output.get("choices") or []
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    message = first.get("message")
    output_id = message.get("id") if isinstance(message, dict) else None
    history[role] = (keys + [str(output_id)] if output_id else keys, span)
    error = text.text(str(event["error"])) if event.get("error") else None
    row: dict[str, Any] = {
        "span_attributes": {"name": role, "type": "llm"},
        "input": messages,
        "output": output_message(event, text.text),
        "metadata": {
            "role": role,
            "model": str(event.get("model") or ""),
            "stop_reason": first.get("stop_reason"),
            "cost_usd": round(call["cost"], 8),
            "priced_by": call["priced_by"],
            "latency_s": call["latency"],
            "retries": event.get("retries") or 0,
            "cache": event.get("cache"),
            "error": error,
            "tools": [t.get("name") for t in event.get("tools") or [] if isinstance(t, dict)],
            "input": input_info,
        },
        "metrics": metrics,
    }
    if error:
        row["error"] = error
    return row


def _tool_row(event: dict[str, Any], text: SampleText, role: str) -> dict[str, Any]:
    result = event.get("result")
    if isinstance(result, list):
        parts = [text.resolve(p) for p in result]
        result = "\n".join(
            str(p.get("text", "")) if isinstance(p, dict) and p.get("type") == "text" else str(p)
            for p in parts
        )
    else:
        result = text.resolve(result)
    error = event.get("error")
    row: dict[str, Any] = {
        "span_attributes": {"name": str(event.get("function") or "tool"), "type": "tool"},
        "input": text.resolve(event.get("arguments") or {}),
        "output": result,
        "metadata": {
            "role": role,
            "function": event.get("function"),
            "tool_call_id": event.get("id"),
            "failed": bool(error),
            "truncated": event.get("truncated"),
        },
        "metrics": {},
    }
    if isinstance(error, dict):
        row["error"] = text.text(str(error.get("message") or error.get("type") or "tool error"))
        row["metadata"]["error_type"] = error.get("type")
    elif error:
        row["error"] = text.text(str(error))
    return row


def _raw_events(sample: dict[str, Any], text: SampleText) -> list[Any]:
    """The sample's event stream, with attachments and pooled model inputs restored."""
    events: list[Any] = []
    for event in sample.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "model" and event.get("input_refs"):
            event = {**event, "input": text.raw_input(event), "input_refs": None}
        events.append(text.resolve(event))
    return events
