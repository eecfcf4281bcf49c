"""Startup benchmark: `--help` and `--cfg job` must not pay for importing Inspect.

Prints the median wall time of each command over several runs, and its ratio to two
baselines measured in the same invocation: `python -c "import inspect_ai"` (the cost a
lazy CLI avoids) and a bare Hydra app with a one-key config printing `--cfg job` (the
floor any Hydra entry point pays). Goals on the reference machine (2 cores): --help
< 0.6 s, --cfg job < 0.5 s.

Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bytecode import compile_bytecode

GOALS = {"--help": 0.6, "--cfg job": 0.5}

_BARE_HYDRA_APP = """
import hydra

@hydra.main(version_base="1.3", config_path="conf", config_name="config")
def main(cfg):
    pass

main()
"""


def _time(argv: list[str], cwd: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cwd:
        compile_bytecode()
        baseline = _time([sys.executable, "-c", "import inspect_ai"], cwd, args.runs)
        print(f"baseline  python -c 'import inspect_ai'   {baseline:6.3f} s")
        bare = Path(cwd) / "bare"
        (bare / "conf").mkdir(parents=True)
        (bare / "conf" / "config.yaml").write_text("a: 1\n")
        (bare / "app.py").write_text(_BARE_HYDRA_APP)
        floor = _time([sys.executable, str(bare / "app.py"), "--cfg", "job"], cwd, args.runs)
        print(f"baseline  bare Hydra app --cfg job     {floor:6.3f} s")
        failed = False
        for label, extra in (
            ("--help", ["--help"]),
            ("--cfg job", ["preset=offline", "--cfg", "job"]),
        ):
            seconds = _time([sys.executable, "-m", "petri_bt", *extra], cwd, args.runs)
            goal = GOALS[label]
            verdict = "ok" if seconds < goal else "OVER GOAL"
            failed |= seconds >= goal
            print(
                f"petri_bt {label:<10} {seconds:6.3f} s   {seconds / baseline:4.2f}x import inspect_ai"
                f"   {seconds / floor:4.2f}x bare Hydra   goal < {goal} s: {verdict}"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
