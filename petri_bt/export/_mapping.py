"""One stored Petri sample -> the Braintrust rows of its trace (pure: dicts in, dicts out).

The root row (span type `task`) carries the seed, the target transcript, one
score per judge dimension and the metadata; with traces on, every ModelEvent
becomes an `llm` child span and every ToolEvent a `tool` span (nested under the
model call that asked for it). The same rows go to an experiment, to project
logs, into a local bundle, and out of the live hook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.export._cost import PriceTable
from petri_bt.export._dimensions import (
    direction_of,
    inverted,
    normalize,
    raw_score,
    split_justification,
)
from petri_bt.export._ids import ROOT_PART, row_id
from petri_bt.export._transcript import SampleText, message_text, output_message
from petri_bt.export._usage import empty_usage, overhead_ratio

SOURCE = "inspect-petri"
STUDY_KEYS = ("study", "condition", "study_fingerprint")
# Sample metadata that differs between the arms of a study: kept out of `input`
# so the arms' rows pair up in Braintrust's comparison view.
_NOT_INPUT = frozenset(STUDY_KEYS) | {"base_seed", "seed_original", "overlay", "arm"}


class SkipSample(Exception):
    """This sample cannot be exported; the message says why."""


@dataclass(frozen=True)
class LogContext:
    """What the mapping needs to know about the log a sample came from."""

    eval_id: str
    log_path: str
    identity: str = ""  # what row ids derive from (see _ids.log_identity)
    run_id: str | None = None
    task: str = "audit"
    created: str | None = None
    model_roles: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str | None] = field(default_factory=dict)
    dimensions: dict[str, dict[str, str]] = field(default_factory=dict)
    expected_dimensions: tuple[str, ...] | None = None
    prices: PriceTable | None = None
    traces: bool = True
    include_events: bool = False
    keep_inverted_scores: bool = False
    llm_input: str = "new"  # "new": messages added since the role's previous call; "full"


@dataclass
class SampleRows:
    """The rows of one sample and the figures the export summary adds up."""

    key: str
    rows: list[dict[str, Any]]
    scored: bool
    unscored_reason: str | None
    usage: dict[str, dict[str, Any]]


def sample_key(sample: dict[str, Any]) -> str:
    """`<id>/<epoch>`: how a sample is named in summaries."""
    return f"{sample.get('id')}/{sample.get('epoch', 1)}"


def _ts(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _num(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _first_line(text: Any, limit: int = 300) -> str:
    line = str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""
    return line[:limit]


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
    key = sample_key(sample)
    text = SampleText(sample)
    root = row_id(ctx.identity or ctx.eval_id, sample_id, epoch, ROOT_PART)

    children, usage, counts = _child_spans(sample, ctx, text, root)
    transcript = [text.chat(m) for m in sample.get("messages") or [] if isinstance(m, dict)]
    scores, judge, dimensions = _scores(sample, ctx)
    cost = _cost_summary(usage)
    counts.update(
        {
            "messages": len(transcript),
            "target_turns": sum(1 for m in transcript if m["role"] == "assistant"),
        }
    )
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
        "usage": usage,
        "cost": cost,
        "counts": counts,
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
        "input": {"seed": seed, "metadata": seed_meta},
        "output": {
            "transcript": transcript,
            "final_target_response": _final_response(transcript, sample),
        },
        "scores": scores,
        "metadata": metadata,
        "metrics": metrics,
        "created": sample.get("completed_at") or sample.get("started_at") or ctx.created,
    }
    rows = [root_row, *children] if ctx.traces else [root_row]
    return SampleRows(
        key=key,
        rows=rows,
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


def _scores(
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
            norm = normalize(raw)
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
    if scores:
        judge["status"] = "scored"
    else:
        judge.update(status="failed", reason="the judge scored no dimension")
    return scores, judge, dimensions


# -- child spans ------------------------------------------------------------------


def _role_of(event: dict[str, Any], ctx: LogContext, span_roles: dict[str, str]) -> str:
    role = event.get("role")
    if role:
        return str(role)
    model = event.get("model")
    for name, configured in ctx.model_roles.items():
        if configured == model:
            return name
    return span_roles.get(str(event.get("span_id")), "other")


def _call_cost(ctx: LogContext, model: str, usage: dict[str, Any]) -> tuple[float, str]:
    if ctx.prices is None:
        return 0.0, "unpriced"
    price = ctx.prices.price(model)
    if price.source == "unpriced":
        total = usage.get("total_cost")
        if isinstance(total, (int, float)) and not isinstance(total, bool):
            return float(total), "log"
        return 0.0, "unpriced"
    return price.cost(usage), price.source


def _child_spans(
    sample: dict[str, Any], ctx: LogContext, text: SampleText, root: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any]]:
    sample_id, epoch = sample["id"], sample.get("epoch", 1)
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
        if kind not in ("model", "tool"):
            continue
        part = str(event.get("uuid") or f"event-{index}")
        span = row_id(ctx.identity or ctx.eval_id, sample_id, epoch, part)
        start = _ts(event.get("timestamp"))
        end = _ts(event.get("completed"))
        working = event.get("working_time")
        if end is None and start is not None and isinstance(working, (int, float)):
            end = start + float(working)
        if kind == "model":
            counts["model_calls"] += 1
            role = _role_of(event, ctx, span_roles)
            span_roles.setdefault(str(event.get("span_id")), role)
            row = _llm_row(event, ctx, text, role, usage, history, span)
            output = row["output"]
            for call in (output or {}).get("tool_calls") or []:
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
        metrics = row.setdefault("metrics", {})
        if start is not None:
            metrics["start"] = start
        if end is not None:
            metrics["end"] = end
        row.update(
            {
                "id": span,
                "span_id": span,
                "root_span_id": root,
                "span_parents": parents,
                "created": event.get("timestamp") or ctx.created,
            }
        )
        rows.append(row)
    counts["auditor_turns"] = usage.get("auditor", {}).get("calls", 0)
    if not usage:
        usage = _usage_from_summary(sample, ctx)
    for entry in usage.values():
        entry["cost_usd"] = round(entry["cost_usd"], 8)
        entry["compute_s"] = round(entry["compute_s"], 4)
    return rows, usage, counts


def _account_call(
    event: dict[str, Any], ctx: LogContext, role: str, usage: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Add one ModelEvent's tokens, cost and compute time to its role's usage."""
    model = str(event.get("model") or "")
    output = event.get("output") or {}
    call_usage = output.get("usage") or {}
    cost, priced_by = _call_cost(ctx, model, call_usage)
    call = {
        "input_tokens": _num(call_usage.get("input_tokens")),
        "output_tokens": _num(call_usage.get("output_tokens")),
        "cache_read": _num(call_usage.get("input_tokens_cache_read")),
        "cache_write": _num(call_usage.get("input_tokens_cache_write")),
        "reasoning": _num(call_usage.get("reasoning_tokens")),
        "cost": cost,
        "priced_by": priced_by,
        "latency": output.get("time")
        if isinstance(output.get("time"), (int, float))
        else event.get("working_time"),
    }
    entry = usage.setdefault(role, empty_usage())
    entry["calls"] += 1
    entry["input_tokens"] += call["input_tokens"]
    entry["output_tokens"] += call["output_tokens"]
    entry["cache_read_tokens"] += call["cache_read"]
    entry["cache_write_tokens"] += call["cache_write"]
    entry["reasoning_tokens"] += call["reasoning"]
    entry["total_tokens"] += _num(call_usage.get("total_tokens")) or (
        call["input_tokens"] + call["output_tokens"] + call["cache_read"] + call["cache_write"]
    )
    entry["cost_usd"] += cost
    latency = call["latency"]
    entry["compute_s"] += float(latency) if isinstance(latency, (int, float)) else 0.0
    if model and model not in entry["models"]:
        entry["models"].append(model)
    if priced_by == "unpriced" and model and model not in entry["unpriced_models"]:
        entry["unpriced_models"].append(model)
    return call


def sample_usage(sample: dict[str, Any], ctx: LogContext) -> dict[str, dict[str, Any]]:
    """Tokens, cost and compute time per role of one stored sample (no rows built).

    Args:
        sample: The sample as stored in the log.
        ctx: Facts about the log (prices, model roles).
    """
    usage: dict[str, dict[str, Any]] = {}
    span_roles: dict[str, str] = {}
    for event in sample.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "model":
            role = _role_of(event, ctx, span_roles)
            span_roles.setdefault(str(event.get("span_id")), role)
            _account_call(event, ctx, role, usage)
    return usage or _usage_from_summary(sample, ctx)


def _llm_row(
    event: dict[str, Any],
    ctx: LogContext,
    text: SampleText,
    role: str,
    usage: dict[str, dict[str, Any]],
    history: dict[str, tuple[list[str], str]],
    span: str,
) -> dict[str, Any]:
    model = str(event.get("model") or "")
    output = event.get("output") or {}
    call = _account_call(event, ctx, role, usage)
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
    choices = output.get("choices") or []
    messages, keys = text.keyed_input(event)
    input_info: dict[str, Any] = {"messages": len(messages)}
    previous = history.get(role)
    if (
        ctx.llm_input == "new"
        and previous
        and previous[0]
        and keys[: len(previous[0])] == previous[0]
    ):
        # Every call re-sends the role's whole conversation; repeating it in each
        # span makes a trace grow with the square of its turns. This span shows
        # what the call added; `continues` is the span holding the rest.
        messages = messages[len(previous[0]) :]
        input_info.update(omitted=len(previous[0]), continues=previous[1])
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    output_id = (
        (first.get("message") or {}).get("id") if isinstance(first.get("message"), dict) else None
    )
    history[role] = (keys + [str(output_id)] if output_id else keys, span)
    metadata: dict[str, Any] = {
        "role": role,
        "model": model,
        "stop_reason": first.get("stop_reason"),
        "cost_usd": round(call["cost"], 8),
        "priced_by": call["priced_by"],
        "latency_s": call["latency"],
        "tools": [t.get("name") for t in event.get("tools") or [] if isinstance(t, dict)],
        "input": input_info,
    }
    if event.get("cache"):
        metadata["cache"] = event["cache"]
    if event.get("retries"):
        metadata["retries"] = event["retries"]
    row: dict[str, Any] = {
        "span_attributes": {"name": role, "type": "llm"},
        "input": messages,
        "output": output_message(event, text.text),
        "metadata": metadata,
        "metrics": metrics,
    }
    if event.get("error"):
        row["error"] = text.text(str(event["error"]))
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
    row: dict[str, Any] = {
        "span_attributes": {"name": str(event.get("function") or "tool"), "type": "tool"},
        "input": text.resolve(event.get("arguments") or {}),
        "output": result,
        "metadata": {
            "role": role,
            "function": event.get("function"),
            "tool_call_id": event.get("id"),
        },
        "metrics": {},
    }
    error = event.get("error")
    if isinstance(error, dict):
        row["error"] = text.text(str(error.get("message") or error.get("type") or "tool error"))
        row["metadata"]["error_type"] = error.get("type")
    elif error:
        row["error"] = text.text(str(error))
    return row


def _usage_from_summary(sample: dict[str, Any], ctx: LogContext) -> dict[str, dict[str, Any]]:
    """Per-role usage from the sample's `role_usage` when it has no model events."""
    usage: dict[str, dict[str, Any]] = {}
    for role, figures in (sample.get("role_usage") or {}).items():
        if not isinstance(figures, dict):
            continue
        model = ctx.model_roles.get(role, "")
        cost, priced_by = _call_cost(ctx, model, figures)
        entry = empty_usage()
        entry.update(
            input_tokens=_num(figures.get("input_tokens")),
            output_tokens=_num(figures.get("output_tokens")),
            cache_read_tokens=_num(figures.get("input_tokens_cache_read")),
            cache_write_tokens=_num(figures.get("input_tokens_cache_write")),
            reasoning_tokens=_num(figures.get("reasoning_tokens")),
            total_tokens=_num(figures.get("total_tokens")),
            cost_usd=cost,
            models=[model] if model else [],
            unpriced_models=[model] if priced_by == "unpriced" and model else [],
        )
        usage[str(role)] = entry
    return usage


def _cost_summary(usage: dict[str, dict[str, Any]]) -> dict[str, Any]:
    by_role = {role: round(u["cost_usd"], 8) for role, u in usage.items()}
    tokens = {role: u["total_tokens"] for role, u in usage.items()}
    return {
        "by_role_usd": by_role,
        "total_usd": round(sum(by_role.values()), 8),
        "auditing_overhead_ratio": overhead_ratio(by_role, 6),
        "auditing_overhead_tokens_ratio": overhead_ratio(tokens, 6),
        "unpriced_models": sorted({m for u in usage.values() for m in u["unpriced_models"]}),
    }


def _raw_events(sample: dict[str, Any], text: SampleText) -> list[Any]:
    """The sample's event stream, with attachments and pooled model inputs restored."""
    events: list[Any] = []
    for event in sample.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "model" and event.get("input_refs"):
            event = {**event, "input": text.raw_input(event), "input_refs": None}
        events.append(text.resolve(event))
    return events
