"""Where petri_bt reaches past other packages' public API, one module per package.

Each function here wraps one private use, so an upstream change breaks one place,
and `tests/test_adapters.py` fails when it does. Nothing heavy is imported here:
each function imports what it wraps when called.
"""

from petri_bt.adapters._braintrust_internals import (
    current_http_adapter,
    retrying_http_adapter,
    send_rows,
    synchronous_logger,
)
from petri_bt.adapters._hydra_internals import (
    command_line_parser,
    describe_job,
    job_outcome,
    overrides_dirname,
    split_sweep,
)
from petri_bt.adapters._inspect_internals import (
    active_sample_log,
    cancel_sample_before_start,
    model_api_factory,
    read_multi_frame_zip_members,
)
from petri_bt.adapters._petri_layout import builtin_dimension_folder

__all__ = [
    "active_sample_log",
    "builtin_dimension_folder",
    "cancel_sample_before_start",
    "command_line_parser",
    "current_http_adapter",
    "describe_job",
    "job_outcome",
    "model_api_factory",
    "overrides_dirname",
    "read_multi_frame_zip_members",
    "retrying_http_adapter",
    "send_rows",
    "split_sweep",
    "synchronous_logger",
]
