"""Logs for the export tests, made once per session by real offline Petri audits.

`scripted_log`: `inspect_petri.audit` with petri_bt's scripted provider (auditor,
compliant target, judge), two seeds (one carrying study metadata) x two epochs.
`refusal_log`: the same with a judge that refuses to score. Bad logs are derived
from these by rewriting single members (see `support.petri_logs.rewrite_log`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.petri_logs import PLAIN_SEED, STUDY_SEED, run_scripted_audit


@pytest.fixture(scope="session")
def scripted_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_scripted_audit(
        tmp_path_factory.mktemp("scripted"), [STUDY_SEED, PLAIN_SEED], epochs=2
    )


@pytest.fixture(scope="session")
def refusal_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_scripted_audit(tmp_path_factory.mktemp("refusal"), [PLAIN_SEED], refuse=True)


@pytest.fixture
def settings() -> dict[str, Any]:
    """Export settings for tests: Braintrust sink, fast retries, no progress bar."""
    return {
        "sink": "braintrust",
        "project": "petri-tests",
        "progress": False,
        "retry_backoff": 0.01,
        "timeout": 5.0,
        "max_retries": 3,
    }
