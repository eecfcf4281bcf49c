"""The Braintrust SDK in a helper process: rows arrive, failures are named, nothing is
left running, and the command line starts the helper early only for log exports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from petri_bt.export import export_logs

HELPER = "petri_bt.export.sinks._process"


def _helpers(parent: int) -> list[int]:
    """The sender helpers that `parent` started (and that are still running)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and HELPER in cmdline and " Z " not in stat[stat.rfind(")") :]:
            found.append(int(entry.name))
    return found


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_the_exporting_process_never_imports_the_sdk(scripted_log, bt_server, settings, tmp_path):
    script = textwrap.dedent(
        f"""
        import json, sys
        from petri_bt.export import export_logs
        summary = export_logs([{str(scripted_log)!r}], {settings!r}, out_dir={str(tmp_path)!r})
        print(json.dumps({{"ok": summary["ok"], "rows": summary["totals"]["rows"],
                          "sdk": "braintrust" in sys.modules}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ok"] and result["sdk"] is False
    assert result["rows"] == bt_server.unique_row_count() > 0


def test_a_helper_killed_mid_export_names_the_samples_and_a_rerun_completes(
    scripted_log, bt_server, settings, tmp_path
):
    expected = export_logs([scripted_log], {**settings, "sink": "local"}, out_dir=tmp_path / "n")
    bt_server.delay_next(1, 3.0)  # the first batch hangs in the helper
    killed: list[int] = []

    def kill_the_helper() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not killed:
            if bt_server.faults_taken:
                for pid in _helpers(os.getpid()):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.02)

    killer = threading.Thread(target=kill_the_helper)
    killer.start()
    summary = export_logs([scripted_log], {**settings, "batch_size": 1}, out_dir=tmp_path)
    killer.join()
    assert killed, "the helper was never seen sending"
    assert summary["ok"] is False
    failed = summary["logs"][0]["failed"]
    assert failed and all("ended unexpectedly" in f["error"] for f in failed)
    assert summary["totals"]["failed"] + summary["logs"][0]["exported"] == 4

    bt_server.clear_faults()
    again = export_logs([scripted_log], settings, out_dir=tmp_path)
    assert again["ok"] and bt_server.unique_row_count() == expected["totals"]["rows"]


def test_the_helper_ends_when_the_exporting_process_is_killed(
    scripted_log, bt_server, settings, tmp_path
):
    bt_server.delay_next(1, 2.0)
    script = textwrap.dedent(
        f"""
        from petri_bt.export import export_logs
        export_logs([{str(scripted_log)!r}], {settings!r}, out_dir={str(tmp_path)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        helpers: list[int] = []
        while time.monotonic() < deadline and not helpers:
            if bt_server.faults_taken:
                helpers = _helpers(proc.pid)
            time.sleep(0.02)
        assert helpers, "the helper was never seen sending"
        proc.kill()
        proc.wait()
        assert all(_gone(pid, within=10) for pid in helpers)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_helper_started_early_that_no_export_takes_ends_with_the_block():
    from petri_bt.export import sender_started_early
    from petri_bt.export.sinks import _process

    with sender_started_early():
        started = _process._started
        assert started is not None and started.proc.poll() is None
    assert _process._started is None and _gone(started.proc.pid, within=10)
    # ended at once, not after finishing the SDK's import it had just begun
    assert started.proc.returncode == -signal.SIGKILL


def test_an_export_takes_over_the_helper_started_early(scripted_log, bt_server, settings, tmp_path):
    from petri_bt.export import sender_started_early
    from petri_bt.export.sinks import _process

    with sender_started_early():
        started = _process._started
        assert started is not None
        summary = export_logs([scripted_log], settings, out_dir=tmp_path)
        assert summary["ok"] and _process._started is None
        assert started.proc.poll() is not None  # used, then ended with the export
    assert bt_server.unique_row_count() == summary["totals"]["rows"]


def test_a_helper_started_before_the_environment_changed_logs_in_with_the_new_one(
    scripted_log, bt_server, settings, tmp_path, monkeypatch
):
    from petri_bt.export import sender_started_early

    monkeypatch.setenv("BRAINTRUST_APP_URL", "http://127.0.0.1:9")  # stale when it starts
    with sender_started_early():
        monkeypatch.setenv("BRAINTRUST_APP_URL", bt_server.url)
        summary = export_logs([scripted_log], settings, out_dir=tmp_path)
    assert summary["ok"] and bt_server.unique_row_count() == summary["totals"]["rows"]


def test_a_login_the_helper_cannot_make_is_one_clear_error(
    scripted_log, settings, tmp_path, monkeypatch
):
    from petri_bt.errors import UserError

    monkeypatch.setenv("BRAINTRUST_APP_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("BRAINTRUST_API_KEY", "test-key")
    with pytest.raises(UserError) as caught:
        export_logs([scripted_log], {**settings, "max_retries": 0}, out_dir=tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "127.0.0.1:9" in message
    assert _helpers(os.getpid()) == []


@pytest.mark.parametrize(
    ("args", "key", "expected"),
    [
        (["from_logs=outputs/runs/x"], "k", True),
        (["from_logs=[a.eval]", "export=braintrust", "action=export"], "k", True),
        (["from_logs=a.eval", "export=local"], "k", False),
        (["from_logs=a.eval", "export.sink=none"], "k", False),
        (["from_logs=a.eval", "action=reprice"], "k", False),
        (["from_logs=a.eval"], None, False),
        (["preset=offline"], "k", False),
        (["from_logs=a.eval", "--cfg", "job"], "k", False),
        (["from_logs=a.eval", "--help"], "k", False),
        (["-m", "from_logs=a.eval,b.eval"], "k", True),
    ],
)
def test_the_helper_starts_early_only_for_an_export_of_logs_to_braintrust(
    args: list[str], key: str | None, expected: bool, monkeypatch: Any
):
    from petri_bt.__main__ import exports_logs_now

    if key:
        monkeypatch.setenv("BRAINTRUST_API_KEY", key)
    else:
        monkeypatch.delenv("BRAINTRUST_API_KEY", raising=False)
    assert exports_logs_now(args) is expected


def test_the_helper_starts_before_hydra_is_imported(tmp_path: Path):
    # The entry point decides and starts the helper with no Hydra (or OmegaConf) loaded,
    # so the SDK's import overlaps Hydra's instead of following it.
    probe = textwrap.dedent(
        """
        import sys
        sys.argv = ["petri_bt", "from_logs=a.eval"]
        import petri_bt.__main__ as entry
        from petri_bt.export import sender_started_early
        assert entry.exports_logs_now(sys.argv[1:])
        with sender_started_early():
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("hydra", "omegaconf"))
        print(loaded)
        """
    )
    env = {**os.environ, "BRAINTRUST_API_KEY": "test-key"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
