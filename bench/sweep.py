"""Sweep benchmark: 8 jobs at once vs one job vs the same 8 jobs one after another, and on Ray.

    python bench/sweep.py                       # 1.0 s per model call, 6 turns, 8 jobs
    python bench/sweep.py --latency 2 --turns 10
    python bench/sweep.py --skip-sequential     # the two fast measurements only
    python bench/sweep.py --skip-ray            # without the Ray launcher

Every run is offline (`preset=offline`: scripted auditor, target and judge) with a
fixed simulated latency on every model call (`PETRI_BT_SCRIPTED_LATENCY`), so the
jobs are I/O bound like real audits. Each command runs as a user would run it, in
a fresh folder (nothing to resume), and its wall time includes Python startup:

1. one job: `python -m petri_bt preset=offline limit=1 max_turns=T`
2. the sweep: the same plus `-m repeat=1,...,8` (default launcher: one Inspect eval set)
3. the same sweep with `hydra/launcher=basic` (one job after another)
4. the same sweep with `hydra/launcher=ray` on a local cluster of two workers
   (`hydra.launcher.ray.init.num_cpus=2`; its wall time includes starting the cluster)

Prints seconds and the ratios. Goal: the sweep takes at most 1.5x the single job
(one after another takes about 8x). The Ray sweep is printed as a ratio to the
default launcher's sweep (no goal: Ray pays for its cluster and one process per worker).
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

GOAL = 1.5


def _run(args: list[str], cwd: Path, latency: float) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PETRI_BT_", "BRAINTRUST_"))}
    env.update(PETRI_BT_SCRIPTED_LATENCY=str(latency), NO_COLOR="1")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "petri_bt", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: `petri_bt {' '.join(args)}` failed:\n{result.stderr[-2000:]}")
    return elapsed


def _sweep_samples(cwd: Path) -> int:
    summaries = list((cwd / "outputs" / "sweeps").glob("*/sweep_summary.json"))
    return sum(json.loads(p.read_text())["samples"] for p in summaries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model call")
    parser.add_argument("--turns", type=int, default=6, help="max_turns of each audit")
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--skip-sequential", action="store_true")
    parser.add_argument("--skip-ray", action="store_true", help="skip the Ray launcher")
    args = parser.parse_args()

    common = ["preset=offline", "limit=1", f"max_turns={args.turns}", "export=none", "display=log"]
    repeats = "repeat=" + ",".join(str(i) for i in range(1, args.jobs + 1))
    runs: list[tuple[str, list[str]]] = [
        ("single job", common),
        (f"{args.jobs}-job sweep (inspect launcher)", ["-m", *common, repeats]),
    ]
    sequential = f"{args.jobs} jobs one after another (basic)"
    if not args.skip_sequential:
        runs.append((sequential, ["-m", *common, repeats, "hydra/launcher=basic"]))
    ray_label = f"{args.jobs}-job sweep (ray, 2 local workers)"
    if not args.skip_ray:
        ray = ["hydra/launcher=ray", "hydra.launcher.ray.init.num_cpus=2"]
        runs.append((ray_label, ["-m", *common, repeats, *ray]))
    print(
        f"latency {args.latency:g} s per model call, max_turns={args.turns}, limit=1, "
        f"{os.cpu_count()} CPUs"
    )
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="petri_bt-sweep-bench-") as tmp:
        for label, argv in runs:
            cwd = Path(tmp) / str(len(seconds))
            cwd.mkdir()
            seconds[label] = _run(argv, cwd, args.latency)
            if argv[0] == "-m" and _sweep_samples(cwd) != args.jobs:
                sys.exit(f"bench: {label} did not produce {args.jobs} samples")
            print(f"  {label:<40} {seconds[label]:7.1f} s", flush=True)
    single = seconds["single job"]
    sweep = seconds[runs[1][0]]
    print(f"sweep / single job:       {sweep / single:5.2f}x  (goal <= {GOAL}x)")
    if sequential in seconds:
        print(f"one after another / single: {seconds[sequential] / single:5.2f}x")
        print(f"one after another / sweep:  {seconds[sequential] / sweep:5.2f}x")
    if ray_label in seconds:
        print(f"ray sweep / sweep:          {seconds[ray_label] / sweep:5.2f}x")
    if sweep / single > GOAL:
        sys.exit(1)


if __name__ == "__main__":
    main()
