"""Deterministic row ids.

A row's id is a hash of (log identity, sample id, epoch, part), where the part is
`sample` for the root span or the Inspect event's uuid for a child span. The
same log therefore always produces the same ids, and exporting it again (or
resuming after a crash) replaces rows instead of adding new ones. The log
identity is `petri_bt.naming.log_identity`.
"""

from __future__ import annotations

import hashlib
from typing import Any

ROOT_PART = "sample"


def row_id(eval_id: str, sample_id: Any, epoch: Any, part: str) -> str:
    """The id (and span id) of one Braintrust row.

    Args:
        eval_id: The log's identity (`petri_bt.naming.log_identity`).
        sample_id: The sample id.
        epoch: The sample's epoch.
        part: `sample` for the root span, else the event's uuid.
    """
    key = f"petri_bt\x1f{eval_id}\x1f{sample_id}\x1f{epoch}\x1f{part}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]
