"""Sweep benchmark: petri_bt's overhead on a bare Inspect eval set, and sweeps against one job.

    python bench/sweep.py                       # all of it
    python bench/sweep.py --skip-launchers      # only the 40 jobs against a bare eval set
    python bench/sweep.py --skip-overhead       # only the launcher comparisons below
    python bench/sweep.py --rounds 3            # the overhead pair 3 times (medians compared)
    python bench/sweep.py --latency 2 --turns 10 --skip-sequential --skip-ray

Every run is offline (`preset=offline`: scripted auditor, target and judge) and runs as
a user would run it, in a fresh process and a fresh folder (nothing to resume); each
wall time includes Python startup.

1. Overhead: 40 one-sample jobs (`-m repeat=1,...,40 limit=1 max_turns=2`, default
   launcher: one Inspect eval set) against a bare Inspect `eval_set` of the same 40
   Petri tasks (`inspect_petri.audit`, the scripted models, one seed each; a process
   that imports Inspect and Petri, builds the tasks and runs them), with no simulated
   latency: what is measured is petri_bt's own work per job. Goal: within 1.1x.
   A third run builds the bare tasks as petri_bt does, Petri's seeds read once for all
   tasks (`audit` alone reads its whole seed folder for each, ~0.06 s): against it, the
   ratio is petri_bt's own work alone, without that saving (printed, no goal).
2. Launchers, with a fixed simulated latency on every model call
   (`PETRI_BT_SCRIPTED_LATENCY`), so the jobs are I/O bound like real audits:
   one job (`preset=offline limit=1 max_turns=T`); the same plus `-m repeat=1,...,8`
   (default launcher); the same sweep with `hydra/launcher=basic` (one job after
   another); and on Ray (`hydra/launcher=ray`, a local cluster of two workers; its
   wall time includes starting the cluster). Goal: the sweep takes at most 1.5x the
   single job (one after another takes about 8x); Ray's is a ratio to the default
   launcher's sweep (no goal: Ray pays for its cluster and one process per worker).

Prints seconds (wall, and CPU for the overhead runs), the ratios and PASS/FAIL; exits 1
when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _env import bench_env

SWEEP_GOAL = 1.5
OVERHEAD_GOAL = 1.1
ROLES = {"target": "scripted/oversight-sensitive", "auditor": "scripted/auditor"}
ROLES["judge"] = "scripted/judge"
BARE, SEEDS_ONCE, OURS = "bare eval_set", "bare, seeds read once", "petri_bt sweep"


def _env(latency: float) -> dict[str, str]:
    return bench_env(PETRI_BT_SCRIPTED_LATENCY=str(latency))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], cwd: Path, latency: float) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one command in a fresh process."""
    cpu, start = _cpu_seconds(), time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=_env(latency), capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    if result.returncode != 0:
        sys.exit(f"bench: `{' '.join(command)}` failed:\n{result.stderr[-2000:]}")
    return elapsed, cpu


def _petri_bt(args: list[str], cwd: Path, latency: float) -> tuple[float, float]:
    return _timed([sys.executable, "-m", "petri_bt", *args], cwd, latency)


def _sweep_samples(cwd: Path) -> int:
    summaries = list((cwd / "outputs" / "sweeps").glob("*/sweep_summary.json"))
    return sum(json.loads(p.read_text())["samples"] for p in summaries)


def bare_eval_set(jobs: int, turns: int, log_dir: str, seeds_once: bool = False) -> None:
    """The baseline, run in its own process: `jobs` Petri audits of one seed each, built
    with `inspect_petri.audit` and the scripted models, in one Inspect eval set.

    Args:
        jobs: Tasks in the eval set.
        turns: max_turns of each audit.
        log_dir: The eval set's log folder.
        seeds_once: Read Petri's seeds once and give each task its seed, as petri_bt
            does (`audit` alone reads its whole seed folder for every task).
    """
    from inspect_ai import eval_set, task_with
    from inspect_ai.model import GenerateConfig, get_model
    from inspect_petri import audit, seeds_dataset

    config = GenerateConfig(attempt_timeout=600, max_retries=6)
    seeds = seeds_dataset() if seeds_once else None
    tasks = []
    for num in range(jobs):
        task = audit(max_turns=turns, seed_instructions=["given below"] if seeds_once else None)
        models = {
            role: get_model(model, role=role, config=config, memoize=False)
            for role, model in ROLES.items()
        }
        tasks.append(
            task_with(
                task,
                dataset=(seeds or task.dataset)[:1],
                model=models["target"],
                model_roles=models,
                name=f"job{num}",
            )
        )
    ok, logs = eval_set(
        tasks,
        log_dir=log_dir,
        model=None,
        retry_attempts=2,
        retry_immediate=True,
        log_dir_allow_dirty=True,
        max_tasks=jobs,
        display="log",
        log_level="warning",
    )
    if not ok or sum(1 for log in logs if log.status == "success") != jobs:
        sys.exit("bench: the bare eval set did not finish every task")


def _overhead(tmp: Path, jobs: int, turns: int, rounds: int) -> bool:
    """petri_bt's sweep of `jobs` one-sample jobs against the bare eval set of the same
    tasks, and against that eval set with its seeds read once (as petri_bt reads them)."""
    repeats = f"repeat=range(1,{jobs + 1})"
    args = ["-m", "preset=offline", "limit=1", f"max_turns={turns}", "export=none"]
    args += ["display=log", repeats]
    bare_command = [sys.executable, __file__, "--bare-child", str(jobs), "--turns", str(turns)]
    print(f"{jobs} one-sample jobs, max_turns={turns}, no latency, {os.cpu_count()} CPUs")
    runs: dict[str, list[tuple[float, float]]] = {BARE: [], SEEDS_ONCE: [], OURS: []}
    for round_ in range(rounds):
        cwd = tmp / f"overhead-{round_}"
        cwd.mkdir()
        runs[BARE].append(_timed([*bare_command, str(cwd / "bare")], cwd, 0))
        once = [*bare_command, "--seeds-once", str(cwd / "seeds-once")]
        runs[SEEDS_ONCE].append(_timed(once, cwd, 0))
        runs[OURS].append(_petri_bt(args, cwd, 0))
        if _sweep_samples(cwd) != jobs:
            sys.exit(f"bench: the petri_bt sweep did not produce {jobs} samples")
        print(
            f"  round {round_ + 1}: "
            + "   ".join(f"{label} {runs[label][-1][0]:5.1f} s" for label in runs)
            + f"   {runs[OURS][-1][0] / runs[BARE][-1][0]:5.2f}x",
            flush=True,
        )
    wall = {label: statistics.median(w for w, _ in timed) for label, timed in runs.items()}
    cpu = {label: statistics.median(c for _, c in timed) for label, timed in runs.items()}
    for label in runs:
        print(f"  {label + ' (median)':<42} {wall[label]:7.1f} s  ({cpu[label]:5.1f} s CPU)")
    for label in (BARE, SEEDS_ONCE):
        more = (wall[OURS] - wall[label]) / jobs
        print(f"  per job, against {label}: {more:.3f} s wall more")
    once = wall[OURS] / wall[SEEDS_ONCE]
    print(f"petri_bt / {SEEDS_ONCE}: {once:5.2f}x  (no goal: petri_bt's own work per job)")
    print(f"petri_bt / {BARE}, CPU: {cpu[OURS] / cpu[BARE]:5.2f}x")
    met = wall[OURS] / wall[BARE] <= OVERHEAD_GOAL
    print(
        f"petri_bt / {BARE}:      {wall[OURS] / wall[BARE]:5.2f}x  (goal <= {OVERHEAD_GOAL}x: "
        f"{'PASS' if met else 'FAIL'})"
    )
    return met


def _launchers(tmp: Path, args: argparse.Namespace) -> bool:
    """Sweeps on the launchers against one job, with simulated latency."""
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
    for label, argv in runs:
        cwd = tmp / f"launcher-{len(seconds)}"
        cwd.mkdir()
        seconds[label], _ = _petri_bt(argv, cwd, args.latency)
        if argv[0] == "-m" and _sweep_samples(cwd) != args.jobs:
            sys.exit(f"bench: {label} did not produce {args.jobs} samples")
        print(f"  {label:<40} {seconds[label]:7.1f} s", flush=True)
    single = seconds["single job"]
    sweep = seconds[runs[1][0]]
    met = sweep / single <= SWEEP_GOAL
    print(
        f"sweep / single job:         {sweep / single:5.2f}x  (goal <= {SWEEP_GOAL}x: "
        f"{'PASS' if met else 'FAIL'})"
    )
    if sequential in seconds:
        print(f"one after another / single: {seconds[sequential] / single:5.2f}x")
        print(f"one after another / sweep:  {seconds[sequential] / sweep:5.2f}x")
    if ray_label in seconds:
        print(f"ray sweep / sweep:          {seconds[ray_label] / sweep:5.2f}x")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model call")
    parser.add_argument("--turns", type=int, default=6, help="max_turns of each audit")
    parser.add_argument("--jobs", type=int, default=8, help="jobs of the launcher sweeps")
    parser.add_argument("--overhead-jobs", type=int, default=40)
    parser.add_argument("--overhead-turns", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="overhead pairs to run")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--skip-launchers", action="store_true")
    parser.add_argument("--skip-sequential", action="store_true")
    parser.add_argument("--skip-ray", action="store_true", help="skip the Ray launcher")
    parser.add_argument("--bare-child", type=int, metavar="JOBS", help=argparse.SUPPRESS)
    parser.add_argument("--seeds-once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("log_dir", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        bare_eval_set(args.bare_child, args.turns, args.log_dir, args.seeds_once)
        return
    met = True
    with tempfile.TemporaryDirectory(prefix="petri_bt-sweep-bench-") as tmp:
        if not args.skip_overhead:
            met = _overhead(Path(tmp), args.overhead_jobs, args.overhead_turns, args.rounds)
        if not args.skip_launchers:
            met = _launchers(Path(tmp), args) and met
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
