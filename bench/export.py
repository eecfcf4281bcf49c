"""Export benchmark: realistic large Petri logs -> the loopback Braintrust API.

    python bench/export.py                  # the whole command, 100 samples, then 4x the samples
    python bench/export.py --runs 3 --samples 50
    python bench/export.py --export-only    # export_logs alone in a child process (no CLI)

What it does, every step offline:
1. Makes the logs (cached in the temp folder): one real Petri audit with scripted
   mockllm roles (20 auditor turns, 1.5 KB messages: ModelEvents per role with
   usage and timings, ToolEvents, an audit_judge score dict with explanation and
   metadata), then copies its sample N times, each with its own text and ids.
2. Baseline, in fresh processes: decompress and json-parse every sample of the log
   with the standard library, nothing else (whole process, interpreter start included).
3. Whole-process mode (default): the real command `python -m petri_bt
   from_logs=[<log>] export=braintrust`, with BRAINTRUST_APP_URL at a loopback
   Braintrust API running in its own process, `--runs` times, each run right after a
   baseline run (the VM's speed drifts; the ratio compares runs of the same minutes);
   each run's wall time, then one more run for peak memory: the resident memory of the
   command's whole process tree (its Braintrust sender included), sampled every 10 ms,
   as RSS and as PSS (the sampling takes CPU, so that run is not timed). Rows arriving
   at the server are counted.
   petri_bt's bytecode is compiled first: Python writes it on a command's first run,
   except where PYTHONDONTWRITEBYTECODE is set (as on this machine), where every run
   would otherwise compile the package again.
   The share of CPU time the host took from this VM during the runs (steal, from
   /proc/stat) is printed with each row: it slows the two-process command more than the
   one-process baseline, so a high figure makes the ratio read worse than it is.
4. Prints medians, the ratio to the baseline, and the goals: at most 3x the
   baseline, under 100 MB peak RSS, and peak RSS flat (< 1.2x) for `--scale` x samples.
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
import urllib.request
from pathlib import Path

from _bytecode import compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "petri_bt-bench"


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


# -- child processes ---------------------------------------------------------------


def child_make(samples: int, turns: int, chars: int) -> None:
    print(json.dumps({"log": str(make_log(samples, turns, chars))}))


def make_log(samples: int, turns: int, chars: int) -> Path:
    """The benchmark's log (cached): one real audit's sample copied `samples` times."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.petri_logs import make_audit_log, replicate_samples

    template_dir = CACHE / f"template-t{turns}-c{chars}"
    templates = sorted(template_dir.glob("*.eval"))
    template = (
        templates[-1]
        if templates
        else make_audit_log(template_dir, turns=turns, message_chars=chars)
    )
    out = CACHE / f"log-s{samples}-t{turns}-c{chars}.eval"
    if not out.is_file():
        replicate_samples(
            template, out.with_suffix(".tmp"), samples, message_chars=chars, turns=turns
        )
        out.with_suffix(".tmp").rename(out)
    return out


def child_baseline(log: str) -> None:
    import zipfile

    import zipfile_zstd  # noqa: F401

    start = time.perf_counter()
    events = size = 0
    with zipfile.ZipFile(log) as zf:
        for name in zf.namelist():
            if name.startswith("samples/"):
                data = zf.read(name)
                size += len(data)
                events += len(json.loads(data)["events"])
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": _peak_rss_mb(),
                "json_mb": size / 1e6,
                "events": events,
            }
        )
    )


def child_export(log: str, out_dir: str, llm_input: str, sink: str) -> None:
    started = time.perf_counter()
    from petri_bt.export import export_logs
    from petri_bt.export._export import export_logs as _warm  # noqa: F401

    if sink == "braintrust":
        import braintrust  # noqa: F401
    imported = time.perf_counter()
    settings = {"sink": sink, "progress": False, "llm_input": llm_input, "project": "bench"}
    summary = export_logs([log], settings, out_dir=Path(out_dir))
    seconds = time.perf_counter() - imported
    heavy = sorted(m for m in ("inspect_ai", "inspect_petri") if m in sys.modules)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "import_seconds": imported - started,
                "peak_rss_mb": _peak_rss_mb(),
                "ok": summary["ok"],
                "samples": summary["totals"]["samples"],
                "rows": summary["totals"]["rows"],
                "heavy_imports": heavy,
            }
        )
    )


# -- orchestration -----------------------------------------------------------------


def _run_child(*args: str, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "support" / "braintrust_api.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    return proc, line[1]


def _stats(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/_loopback/stats") as response:
        return json.loads(response.read())


def measure(samples: int, args: argparse.Namespace) -> dict:
    made = _run_child("make", str(samples), str(args.turns), str(args.message_chars))
    log = made["log"]
    baseline = _run_child("baseline", log)
    env: dict[str, str] = {}
    proc = None
    if args.sink == "braintrust":
        proc, url = _server()
        env = {"BRAINTRUST_APP_URL": url, "BRAINTRUST_API_KEY": "bench-loopback"}
    try:
        with tempfile.TemporaryDirectory() as out_dir:
            export = _run_child("export", log, out_dir, args.llm_input, args.sink, env=env)
        arrived = _stats(url) if proc else {"unique_rows": export["rows"], "bytes_received": 0}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
    return {
        "samples": samples,
        "log_mb": Path(log).stat().st_size / 1e6,
        "baseline": baseline,
        "export": export,
        "arrived": arrived,
    }


# -- whole process ------------------------------------------------------------------


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB of a process and all its descendants, summed ((0, 0) once gone).
    RSS counts shared library pages once per process; PSS splits them between sharers."""
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        rss += sum(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
        )
        pss += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        todo.extend(int(c) for c in children)
    return rss, pss


def _run_timed(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, *, memory: bool = False
) -> dict:
    """Wall time of one child process; with `memory`, its peak memory too: the most its whole
    process tree (the command and any helper it starts) held at once, sampled every 10 ms,
    as RSS and as PSS. (Sampling takes CPU from the command, so timed runs do not sample.)"""
    import threading

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=err
        )
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss = _tree_memory_kb(proc.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                done.wait(0.01)

        sampler = threading.Thread(target=sample, daemon=True) if memory else None
        if sampler is not None:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        if sampler is not None:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(
                f"{' '.join(argv[:4])} ... failed ({proc.returncode}):\n{err.read().decode()[-3000:]}"
            )
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    # ru_maxrss is the largest single process; the sampled sum is the tree at once
    return {
        "seconds": seconds,
        "peak_rss_mb": max(peak[0] / 1024, usage.ru_maxrss / scale),
        "peak_pss_mb": peak[1] / 1024,
    }


def _cpu_ticks() -> tuple[int, int]:
    """(steal, total) CPU ticks of the machine so far (Linux /proc/stat; (0, 0) elsewhere)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure_whole_process(samples: int, args: argparse.Namespace) -> dict:
    made = _run_child("make", str(samples), str(args.turns), str(args.message_chars))
    log = made["log"]
    baseline_argv = [sys.executable, __file__, "--child", "baseline", log]
    proc, url = _server()
    env = {"BRAINTRUST_APP_URL": url, "BRAINTRUST_API_KEY": "bench-loopback"}
    baselines, runs = [], []
    ticks_before = _cpu_ticks()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for index in range(args.runs + 1):  # the last run samples memory, untimed
                run_dir = Path(tmp) / f"run{index}"
                argv = [
                    sys.executable,
                    "-m",
                    "petri_bt",
                    f"from_logs=[{log}]",
                    "export=braintrust",
                    "export.project=bench",
                    f"hydra.run.dir={run_dir}",
                ]
                timed = index < args.runs
                if timed:
                    # baseline and command in turn: the machine's speed drifts between
                    # minutes, and the ratio should compare runs of the same minutes
                    baselines.append(_run_timed(baseline_argv))
                runs.append(_run_timed(argv, env, cwd=Path(tmp), memory=not timed))
                summary = json.loads((run_dir / "summary.json").read_text())
                runs[-1]["rows"] = summary["export"]["totals"]["rows"]
                runs[-1]["ok"] = summary["ok"]
        arrived = _stats(url)
    finally:
        proc.terminate()
        proc.wait()
    (steal_after, total_after), (steal_before, total_before) = _cpu_ticks(), ticks_before
    steal, total = steal_after - steal_before, total_after - total_before
    return {
        "samples": samples,
        "log_mb": Path(log).stat().st_size / 1e6,
        "steal_pct": 100 * steal / total if total else 0.0,
        "baseline_s": _median(baselines, "seconds"),
        "seconds": _median(runs[:-1], "seconds"),
        "all_seconds": [round(r["seconds"], 2) for r in runs[:-1]],
        "peak_rss_mb": runs[-1]["peak_rss_mb"],
        "peak_pss_mb": runs[-1]["peak_pss_mb"],
        "rows": runs[0]["rows"],
        "ok": all(r["ok"] for r in runs),
        "arrived": arrived["unique_rows"],
    }


def whole_process(args: argparse.Namespace) -> None:
    compile_bytecode()
    small = measure_whole_process(args.samples, args)
    large = measure_whole_process(args.samples * args.scale, args)
    print(
        f"export benchmark, whole process: python -m petri_bt from_logs=[log] export=braintrust "
        f"({args.turns} turns x {args.message_chars} B messages; loopback Braintrust in its own "
        f"process; median of {args.runs} runs, each after a baseline run; petri_bt's bytecode "
        "compiled first)"
    )
    print(
        f"{'samples':>8} {'log MB':>7} {'baseline s':>11} {'command s':>10} {'ratio':>6} "
        f"{'peak RSS MB':>12} {'PSS MB':>7} {'rows':>7} {'arrived':>8} {'steal %':>8}  runs (s)"
    )
    print(
        "(peak memory: the command and its Braintrust sender process summed, at their highest; "
        "PSS counts shared library pages once; steal %: the machine's CPU time taken by its host "
        "during the runs, which slows the two-process command more than the one-process baseline)"
    )
    for r in (small, large):
        print(
            f"{r['samples']:>8} {r['log_mb']:>7.1f} {r['baseline_s']:>11.2f} {r['seconds']:>10.2f} "
            f"{r['seconds'] / r['baseline_s']:>6.2f} {r['peak_rss_mb']:>12.0f} {r['peak_pss_mb']:>7.0f} {r['rows']:>7} "
            f"{r['arrived']:>8} {r['steal_pct']:>8.0f}  {r['all_seconds']}"
        )
    ratio = small["seconds"] / small["baseline_s"]
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    goals = [
        (f"{args.samples} samples in at most 3x the bare parse ({ratio:.2f}x)", ratio <= 3.0),
        (
            f"{args.samples} samples under 100 MB peak RSS ({small['peak_rss_mb']:.0f} MB)",
            small["peak_rss_mb"] < 100,
        ),
        (
            f"peak RSS flat for {args.scale}x samples ({growth:.2f}x, goal < 1.2x)",
            growth < 1.2,
        ),
        (
            "every run ok and every row arrived",
            all(r["ok"] and r["arrived"] == r["rows"] for r in (small, large)),
        ),
    ]
    for label, met in goals:
        print(f"  [{'met' if met else 'not met'}] {label}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "make":
            child_make(int(rest[0]), int(rest[1]), int(rest[2]))
        elif kind == "baseline":
            child_baseline(rest[0])
        else:
            child_export(*rest)
        return
    parser = argparse.ArgumentParser(description="Export benchmark (see the module docstring).")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--message-chars", type=int, default=1500)
    parser.add_argument(
        "--scale", type=int, default=4, help="the second log has this many times the samples"
    )
    parser.add_argument("--llm-input", choices=("new", "full"), default="new")
    parser.add_argument("--sink", choices=("braintrust", "local"), default="braintrust")
    parser.add_argument("--runs", type=int, default=5, help="whole-process runs per log")
    parser.add_argument(
        "--export-only", action="store_true", help="time export_logs alone, without the CLI"
    )
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    if not args.export_only:
        whole_process(args)
        return

    results = [measure(args.samples, args), measure(args.samples * args.scale, args)]
    print(
        f"export benchmark: {args.turns} turns x {args.message_chars} B messages, llm_input={args.llm_input}, "
        f"sink={args.sink} (loopback server in its own process)"
    )
    print(
        f"{'samples':>8} {'log MB':>7} {'JSON MB':>8} {'baseline s':>11} {'export s':>9} {'ratio':>6} "
        f"{'peak RSS MB':>12} {'rows sent':>10} {'arrived':>8} {'MB sent':>8}"
    )
    for r in results:
        b, e, a = r["baseline"], r["export"], r["arrived"]
        print(
            f"{r['samples']:>8} {r['log_mb']:>7.1f} {b['json_mb']:>8.1f} {b['seconds']:>11.2f} {e['seconds']:>9.2f} "
            f"{e['seconds'] / b['seconds']:>6.1f} {e['peak_rss_mb']:>12.0f} {e['rows']:>10} {a['unique_rows']:>8} "
            f"{a.get('bytes_received', 0) / 1e6:>8.1f}"
        )
    small, large = results
    growth = large["export"]["peak_rss_mb"] / small["export"]["peak_rss_mb"]
    goals = [
        (f"{args.samples} samples exported in under 3 s", small["export"]["seconds"] < 3.0),
        (f"{args.samples} samples under 200 MB peak RSS", small["export"]["peak_rss_mb"] < 200),
        (f"peak RSS grows {growth:.2f}x for {args.scale}x samples (goal < 1.5x)", growth < 1.5),
        (
            "every row arrived",
            all(r["arrived"]["unique_rows"] == r["export"]["rows"] for r in results),
        ),
        (
            "no Inspect import in the exporter",
            not any(r["export"]["heavy_imports"] for r in results),
        ),
    ]
    print(f"(imports before the export: {small['export']['import_seconds']:.2f} s, not counted)")
    for label, met in goals:
        print(f"  [{'met' if met else 'not met'}] {label}")


if __name__ == "__main__":
    main()
