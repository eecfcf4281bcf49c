"""Where petri_bt reaches past other packages' public API, one module per package.

Each function here wraps one private use, so an upstream change breaks one place,
and `tests/test_adapters.py` fails when it does. Nothing heavy is imported here:
each function imports what it wraps when called.
"""

from petri_bt.adapters._hydra import job_outcome, split_sweep
from petri_bt.adapters._inspect import active_sample_log, cancel_sample_before_start

__all__ = ["active_sample_log", "cancel_sample_before_start", "job_outcome", "split_sweep"]
