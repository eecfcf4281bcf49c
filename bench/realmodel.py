"""Real-model benchmark: an audit of the local model, and who kept whom waiting.

    scripts/local-model start
    python bench/realmodel.py                 # 4 seeds, 2 turns
    python bench/realmodel.py --seeds 6 --turns 3

The audit is `preset=offline target=llama-cpp-python/smollm2`: the scripted auditor and
judge, the real SmolLM2-135M as target, served by scripts/local-model. It runs in a
child process (after a scripted warm-up audit there, so imports are done) through a
loopback proxy (tests/support/timing_proxy.py) that timestamps every request, and
prints:

- the audit's wall time, and from its first request on, the time the server was busy
  (at least one request open; it answers one at a time) and the idle gaps;
- the server's CPU (its process, /proc) and petri_bt's (the child's CPU during the
  audit: petri_bt, Inspect, Petri, the scripted auditor and judge, the export).

Goals: the server busy >= 95% of the wall time from the first request on (petri_bt
never leaves the model waiting), and petri_bt's CPU <= 5% of the server's.

The audit runs with `display=none` (no terminal); `BENCH_DISPLAY=rich` (or `plain`, ...)
measures it with one of Inspect's displays instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _env import bench_env  # noqa: E402
from support.local_model import MODEL, SCRIPT, running_server  # noqa: E402
from support.timing_proxy import TimingProxy, busy_seconds  # noqa: E402

BUSY_GOAL = 0.95
CPU_GOAL = 0.05


def child(seeds: int, turns: int, out: str) -> None:
    """Run the warm-up and the measured audit (in the child) and print figures as JSON."""
    os.environ["INSPECT_DISPLAY"] = os.environ.get("BENCH_DISPLAY", "none")
    import petri_bt

    common = ["preset=offline", f"max_turns={turns}", "export=local"]
    warm = petri_bt.execute([*common, "limit=1"], run_dir=Path(out) / "warm-up")
    if not warm.ok:
        raise SystemExit("the scripted warm-up audit failed")
    cpu, start = time.process_time(), time.monotonic()
    result = petri_bt.execute(
        [*common, f"target={MODEL}", f"limit={seeds}"], run_dir=Path(out) / "audit"
    )
    end, cpu = time.monotonic(), time.process_time() - cpu
    (log,) = result.summary["logs"]
    if not result.ok or log["samples"] != seeds:
        raise SystemExit(f"the audit did not complete: {json.dumps(log)[:800]}")
    print(json.dumps({"start": start, "end": end, "cpu": cpu, "process_cpu": time.process_time()}))


def _server_pid() -> int:
    status = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True, check=True)
    first = status.stdout.splitlines()[0]  # server: running (PID), serving ...
    return int(first.split("(", 1)[1].split(")", 1)[0])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.seeds, args.turns, args.child)
        return
    upstream = running_server()
    if upstream is None:
        raise SystemExit("no local model: start it with scripts/local-model start")
    pid = _server_pid()
    with (
        TimingProxy(upstream) as proxy,
        tempfile.TemporaryDirectory(prefix="petri_bt-bench-realmodel-") as out,
    ):
        env = bench_env(LLAMA_CPP_PYTHON_BASE_URL=proxy.api_root)
        server_cpu = _cpu_seconds(pid)
        command = [
            sys.executable,
            __file__,
            "--seeds",
            str(args.seeds),
            "--turns",
            str(args.turns),
            "--child",
            out,
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        server_cpu = _cpu_seconds(pid) - server_cpu
        if done.returncode != 0:
            raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        calls = proxy.completions()
    if not calls:
        raise SystemExit("the audit sent no request to the server")
    first = min(call.start for call in calls)
    last = max(call.end for call in calls)
    wall = figures["end"] - figures["start"]
    window = figures["end"] - first
    busy = busy_seconds(calls, since=first)
    gaps = window - busy - (figures["end"] - last)
    tokens = sum((call.usage or {}).get("total_tokens", 0) for call in calls)
    busy_share, cpu_share = busy / window, figures["cpu"] / server_cpu
    print(
        f"audit: {args.seeds} seeds x max_turns={args.turns}, target {MODEL} ({len(calls)} calls, {tokens} tokens)"
    )
    print(
        f"  wall time of the audit          : {wall:7.1f} s ({first - figures['start']:.1f} s before the first request)"
    )
    print(f"  from the first request on       : {window:7.1f} s")
    print(f"  server busy (a request open)    : {busy:7.1f} s = {busy_share:.1%} of it")
    print(f"    idle between requests         : {gaps:7.2f} s")
    print(
        f"    after the last answer         : {figures['end'] - last:7.2f} s (judge, summary, export)"
    )
    print(f"  server CPU                      : {server_cpu:7.1f} s")
    print(
        f"  petri_bt CPU during the audit   : {figures['cpu']:7.2f} s = {cpu_share:.1%} of the server's"
    )
    print(
        f"  (the child's whole CPU, startup and scripted warm-up included: {figures['process_cpu']:.2f} s)"
    )
    print(
        f"  goal: server busy >= {BUSY_GOAL:.0%} of the time from the first request: {_verdict(busy_share >= BUSY_GOAL)}"
    )
    print(
        f"  goal: petri_bt CPU <= {CPU_GOAL:.0%} of the server's: {_verdict(cpu_share <= CPU_GOAL)}"
    )


if __name__ == "__main__":
    main()
