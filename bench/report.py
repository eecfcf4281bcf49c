"""Report benchmark: what writing `report.html` adds at the end of a run.

    python bench/report.py                  # 100 samples x 20 turns, 3 runs
    python bench/report.py --samples 20 --runs 5

What it does, offline:
1. Makes the log (cached in the temp folder, shared with bench/export.py): one real Petri
   audit with scripted mockllm roles, its sample copied N times with its own text and ids.
2. In one process that has imported what a run's end has (Inspect, scipy.stats), in turn
   `--runs` times: the baseline, decompressing and json-parsing every sample of the log
   (the least any reader of it does), then `petri_bt.report.write_report` on the log: the
   page, the transcript pages and Inspect's viewer bundle (timed apart).
3. Prints medians, the ratio of the whole write to the baseline, and the size of what is
   written (the page, the viewer with its copy of the log).
4. In a fresh process, the one-off import a run's end pays for the intervals when nothing
   before needed it: `scipy.stats` (`petri_bt.study.mean_delta_interval`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from export import make_log  # the same cached log as the export benchmark


def parse_all(log: Path) -> float:
    import inspect_ai._util.zipfile  # noqa: F401  (zstd members)

    started = time.perf_counter()
    with zipfile.ZipFile(log) as zf:
        for name in zf.namelist():
            if name.startswith("samples/"):
                json.loads(zf.read(name))
    return time.perf_counter() - started


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def scipy_import() -> float:
    code = "import time, numpy; t = time.perf_counter(); import scipy.stats; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    log = make_log(args.samples, args.turns, args.chars)
    import inspect_ai.log  # noqa: F401  (a run's end has Inspect loaded)
    import scipy.stats  # noqa: F401  (and, once it has written a page, scipy.stats)

    from petri_bt.report import write_report

    out = Path(tempfile.mkdtemp(prefix="petri_bt-bench-report-"))
    baseline, whole, viewer = [], [], []
    try:
        for _ in range(args.runs):
            baseline.append(parse_all(log))
            written = write_report(out, [log], title="bench")
            whole.append(written.seconds)
            viewer.append(written.viewer_seconds)
        page = size_mb(out / "report.html")
        files = size_mb(out / "report_files")
        bundle = size_mb(out / "report_files" / "viewer")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    median = statistics.median
    print(f"log: {args.samples} samples x {args.turns} turns, {size_mb(log):.1f} MB ({log.name})")
    print(f"baseline, decompress + json-parse every sample: {median(baseline):.2f} s")
    print(
        f"write_report: {median(whole):.2f} s ({median(whole) / median(baseline):.2f}x the baseline), "
        f"of which Inspect's viewer bundle {median(viewer):.2f} s"
    )
    print(
        f"  runs: {', '.join(f'{w:.2f}' for w in whole)} s; baseline runs: {', '.join(f'{b:.2f}' for b in baseline)} s"
    )
    print(
        f"written: report.html {page:.2f} MB; report_files/ {files:.1f} MB, the viewer {bundle:.1f} MB of it"
    )
    print(f"one-off at a run's end: import scipy.stats {scipy_import():.2f} s (fresh process)")


if __name__ == "__main__":
    main()
