"""Reading Inspect Petri logs: the floor that export, run, study, sweep and report stand on.

Logs are read as plain JSON, sample by sample, without importing Inspect; nothing
here sends, writes or prints. Each public name loads its module on first use, so
the command line and the packages above can import this front for free.

Finding and reading logs:

- `resolve_log_paths(from_logs, pattern)`: the log files named by a file, folder or
  glob, or a list of them (run and study folders are searched below).
- `LogFile`, `LogReadError`, `SampleReadError`, `sample_name_key`: read a log
  sample by sample as plain JSON.
- `SampleText`: a stored sample's attachments and message pool, resolved;
  `message_text(message)`, `output_message(event, text_of)`: a chat message's text, a
  model call's answer as a chat message.

What a log says:

- `roles_in_spec(eval_spec)`: role -> model string as a log header records them;
  `role_servers(eval_spec)`: role -> the base URL it was called at;
  `is_petri(eval_spec)`: whether a log is a Petri audit.
- `summarise_log(path)`: one log's run-summary figures; `LogFigures(path, header,
  status)`: the same figures added sample by sample, for a reader streaming the log
  anyway; `unreadable_figures(path, error)`: the figures of a log that cannot be read.
- `explain_call_error(text, server)`, `is_unreachable(text)`: a failed model call's
  error as one readable line with the fix; whether it says the server was not reached.
- `failed_actions(sample)`, `judge_problem(actions)`: answers a run could not act
  on, and why the judge gave no valid answer.
- `raw_score(value)`, `dimension_table(eval_spec, overrides)`, `direction_of(table,
  name)`, `builtin_directions()`, `split_justification(text, names)`: a judge value as
  a usable 1-10 score, each dimension's direction, and each dimension's part of the
  judge's justification.

Usage and cost:

- `PriceTable(pricing)`: the shipped pricing table (`pricing.yaml`) plus
  `export.pricing` overrides.
- `usage_of_logs(paths, prices)`: per-role calls, tokens, cost, compute time and
  tokens/s of logs; `LogUsage(eval_spec, prices)`: one log's figures added sample by
  sample.
- `usage_by_turn(sample, model_roles)`: a sample's tokens per role, auditor turn by turn.
- Per call and per sample, as the export's rows carry them: `role_of`, `account_call`,
  `round_usage`, `sample_cost`, `usage_from_summary`, and `UsageTotals` (usage summed
  over samples).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports

if TYPE_CHECKING:
    from petri_bt.logs._call_errors import explain_call_error, is_unreachable
    from petri_bt.logs._eval_spec import is_petri, role_servers, roles_in_spec
    from petri_bt.logs._failed_actions import failed_actions, judge_problem
    from petri_bt.logs._figures import LogFigures, summarise_log, unreadable_figures
    from petri_bt.logs._locate import resolve_log_paths
    from petri_bt.logs._log_usage import LogUsage, usage_of_logs
    from petri_bt.logs._pricing import PriceTable
    from petri_bt.logs._reader import LogFile, LogReadError, SampleReadError, sample_name_key
    from petri_bt.logs._sample_text import SampleText, message_text, output_message
    from petri_bt.logs._scores import (
        builtin_directions,
        dimension_table,
        direction_of,
        raw_score,
        split_justification,
    )
    from petri_bt.logs._usage import (
        UsageTotals,
        account_call,
        role_of,
        round_usage,
        sample_cost,
        usage_by_turn,
        usage_from_summary,
    )

_HOMES = {
    "explain_call_error": "petri_bt.logs._call_errors",
    "is_unreachable": "petri_bt.logs._call_errors",
    "is_petri": "petri_bt.logs._eval_spec",
    "role_servers": "petri_bt.logs._eval_spec",
    "roles_in_spec": "petri_bt.logs._eval_spec",
    "failed_actions": "petri_bt.logs._failed_actions",
    "judge_problem": "petri_bt.logs._failed_actions",
    "LogFigures": "petri_bt.logs._figures",
    "summarise_log": "petri_bt.logs._figures",
    "unreadable_figures": "petri_bt.logs._figures",
    "resolve_log_paths": "petri_bt.logs._locate",
    "LogUsage": "petri_bt.logs._log_usage",
    "usage_of_logs": "petri_bt.logs._log_usage",
    "PriceTable": "petri_bt.logs._pricing",
    "LogFile": "petri_bt.logs._reader",
    "LogReadError": "petri_bt.logs._reader",
    "SampleReadError": "petri_bt.logs._reader",
    "sample_name_key": "petri_bt.logs._reader",
    "SampleText": "petri_bt.logs._sample_text",
    "message_text": "petri_bt.logs._sample_text",
    "output_message": "petri_bt.logs._sample_text",
    "builtin_directions": "petri_bt.logs._scores",
    "dimension_table": "petri_bt.logs._scores",
    "direction_of": "petri_bt.logs._scores",
    "raw_score": "petri_bt.logs._scores",
    "split_justification": "petri_bt.logs._scores",
    "UsageTotals": "petri_bt.logs._usage",
    "account_call": "petri_bt.logs._usage",
    "role_of": "petri_bt.logs._usage",
    "round_usage": "petri_bt.logs._usage",
    "sample_cost": "petri_bt.logs._usage",
    "usage_by_turn": "petri_bt.logs._usage",
    "usage_from_summary": "petri_bt.logs._usage",
}

__all__ = [
    "LogFigures",
    "LogFile",
    "LogReadError",
    "LogUsage",
    "PriceTable",
    "SampleReadError",
    "SampleText",
    "UsageTotals",
    "account_call",
    "builtin_directions",
    "dimension_table",
    "direction_of",
    "explain_call_error",
    "failed_actions",
    "is_petri",
    "is_unreachable",
    "judge_problem",
    "message_text",
    "output_message",
    "raw_score",
    "resolve_log_paths",
    "role_of",
    "role_servers",
    "roles_in_spec",
    "round_usage",
    "sample_cost",
    "sample_name_key",
    "split_justification",
    "summarise_log",
    "unreadable_figures",
    "usage_by_turn",
    "usage_from_summary",
    "usage_of_logs",
]

__getattr__ = lazy_exports(__name__, _HOMES)
