"""Fixtures shared by every test folder.

`bt_server`: a loopback Braintrust API (tests/support/braintrust_api.py) running
for one test, with `BRAINTRUST_APP_URL` and `BRAINTRUST_API_KEY` pointing the
real `braintrust` SDK at it. Read what arrived with `bt_server.rows(...)`,
`bt_server.experiment(name)`, `bt_server.rows_received`; inject faults with
`bt_server.fail_next(...)`, `fail_always(...)`, `delay_next(...)`.

This file also puts `tests/` on `sys.path`, so test modules import helpers as
`from support.braintrust_api import LoopbackBraintrust`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.braintrust_api import LoopbackBraintrust


@pytest.fixture
def bt_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackBraintrust]:
    """A fresh loopback Braintrust for one test, with the SDK pointed at it."""
    server = LoopbackBraintrust().start()
    with server.environment(monkeypatch):
        yield server
    server.stop()
