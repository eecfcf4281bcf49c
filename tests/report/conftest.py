"""The runs every report test reads (tests/support/report_runs.py), made once per test
session: with pytest-xdist the workers share one set (the first makes it under a lock, the
others wait and read it) instead of each running it again."""

from __future__ import annotations

import fcntl
import pickle

import pytest
from support.report_runs import Folders, make_runs


@pytest.fixture(scope="session")
def folders(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Folders:
    if not hasattr(request.config, "workerinput"):  # no xdist: this process is the session
        return make_runs(tmp_path_factory.mktemp("report-runs"))
    shared = tmp_path_factory.getbasetemp().parent  # this session's, the same for every worker
    made = shared / "report-runs.pickle"
    with (shared / "report-runs.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if made.is_file():
            return pickle.loads(made.read_bytes())
        folders = make_runs(tmp_path_factory.mktemp("report-runs"))
        made.write_bytes(pickle.dumps(folders))
        return folders
