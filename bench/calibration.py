"""Calibration of the study report's statistics on judge-like data with a known truth.

    python bench/calibration.py                  # 1-3 minutes on 2 busy cores
    python bench/calibration.py --studies 10000  # tighter Monte Carlo error
    python bench/calibration.py --quick          # a smoke run (figures too noisy to judge)
    python bench/calibration.py --bca 1000       # add the old BCa interval (a few minutes more)

Simulated paired studies (tests/support/judge_data.py): integer 1-10 scores on three
shapes (floor-heavy, mid-scale, near the ceiling), a latent level per seed shared by both
arms, a treatment effect of none, +1.5 or -1.5 latent points (toward and away from the
pile-up: the skewed and the tame cases), 1 or 3 epochs per seed averaged (fractional
deltas), so ties and zero deltas are frequent. The true mean delta and its SD are
computed exactly, not from the simulated data. Every figure is the report's own function
(`petri_bt.study`) run on each simulated study.

Prints, each with its Monte Carlo standard error and PASS/FAIL against its goal:
1. coverage of the 95% CI of the mean delta at n = 5, 6, 10, 20, 40 (goal >= 0.93 in
   every cell), beside the plain Student t-interval on the same studies (the baseline)
   and, with --bca N, scipy's BCa bootstrap (the interval before) on N of them;
   then the coverage of the effect size's (d_z) interval, for information;
2. family-wise error of the Holm-adjusted test under a global null across 6 focus
   dimensions x 2 treatments, correlated as one transcript's scores are (goal <= 0.05);
3. the power the report's test reaches at the seeds `action=plan` asks for 80% power,
   from a pilot of --pilot seeds (goal 0.75-0.90), beside the power a plan that trusts
   the pilot's SD as exact reaches (the baseline).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.judge_data import (  # noqa: E402
    SHAPES,
    coverage,
    family_wise_error,
    paired_deltas,
    planned_power,
    true_delta,
)

SIZES = (5, 6, 10, 20, 40)
EFFECTS = (0.0, 1.5, -1.5)
EPOCHS = (1, 3)
COVERAGE_GOAL = 0.93
FWER_GOAL = 0.05
POWER_GOAL = (0.75, 0.90)
POWER_CELLS = (("floor-heavy", 1.5), ("floor-heavy", -1.5), ("mid-scale", 1.5))
POWER_CELLS += (("near-ceiling", 1.5), ("near-ceiling", -1.5))


def _se(share: float, count: int) -> float:
    return math.sqrt(max(share * (1 - share), 1e-12) / count)


def _cell(share: float, count: int) -> str:
    return f"{100 * share:5.1f}±{100 * _se(share, count):.1f}"


def _student(studies: np.ndarray, mean: float) -> tuple[float, float]:
    """Coverage and median width of the plain Student t-interval (zero width when the
    deltas are equal)."""
    from scipy import special

    n = studies.shape[1]
    centre, sd = studies.mean(1), studies.std(1, ddof=1)
    half = special.stdtrit(n - 1, 0.975) * sd / math.sqrt(n)
    covered = float(np.mean((centre - half <= mean) & (mean <= centre + half)))
    return covered, float(np.median(2 * half))


def _bca(studies: np.ndarray, mean: float) -> float:
    """Coverage of the interval the report printed before: scipy's BCa bootstrap of the
    mean (9999 resamples; percentile when BCa is undefined; zero width for equal deltas)."""
    import warnings

    from scipy import stats

    hits = 0
    for row in studies:
        if np.all(row == row[0]):
            hits += row[0] == mean
            continue
        for method in ("BCa", "percentile"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = stats.bootstrap(
                    (row,), np.mean, n_resamples=9999, method=method, rng=np.random.default_rng(0)
                ).confidence_interval
            if np.isfinite(found.low) and np.isfinite(found.high):
                hits += found.low <= mean <= found.high
                break
    return hits / len(studies)


def _coverage_tables(rng: np.random.Generator, studies: int, bca: int) -> bool:
    rows: dict[str, list[str]] = {"mean": [], "student": [], "d_z": []}
    if bca:
        rows["bca"] = []
    worst = (1.0, "")
    ratios = []
    for shape in SHAPES:
        for effect in EFFECTS:
            for epochs in EPOCHS:
                mean, sd = true_delta(shape, effect, epochs)
                label = f"{shape.name:12s} {effect:+.1f} {epochs}ep  {mean:+.2f}"
                cells: dict[str, list[str]] = {key: [] for key in rows}
                for n in SIZES:
                    data = paired_deltas(rng, shape, effect, n, epochs, studies)
                    found = coverage(data, mean, sd)
                    found["student"], width = _student(data, mean)
                    if width > 0:
                        ratios.append(found["width"] / width)
                    if bca:
                        found["bca"] = _bca(data[:bca], mean)
                    worst = min(worst, (found["mean"], f"{label.split()[0]} {effect:+} n={n}"))
                    for key in rows:
                        cells[key].append(_cell(found[key], bca if key == "bca" else studies))
                    cells["d_z"][-1] += f" {100 * found['constant']:2.0f}%"
                for key in rows:
                    rows[key].append(f"{label}  " + "  ".join(cells[key]))
    head = f"{'shape':12s} {'eff':4s} {'ep':3s}  {'truth':5s}  " + "  ".join(
        f"{'n=' + str(n):>9s}" for n in SIZES
    )
    print(f"1. coverage of the 95% CI of the mean delta, % ± MC s.e. ({studies} studies a cell)")
    print(head, *rows["mean"], sep="\n")
    print("\n   baseline on the same studies: plain Student t-interval")
    print(head, *rows["student"], sep="\n")
    if bca:
        print(f"\n   baseline: scipy's BCa bootstrap, the interval before (first {bca} studies)")
        print(head, *rows["bca"], sep="\n")
    print(
        "\n   effect size d_z, noncentral t interval (then: share of studies with constant deltas)"
    )
    print(head, *rows["d_z"], sep="\n")
    passed = worst[0] >= COVERAGE_GOAL
    print(
        f"\n   median width / plain Student's median width: {np.median(ratios):.2f} "
        f"(cells {min(ratios):.2f}-{max(ratios):.2f})"
    )
    print(
        f"\n   lowest coverage {100 * worst[0]:.1f}% ({worst[1]}); goal >= {COVERAGE_GOAL:.0%} "
        f"in every cell: {'PASS' if passed else 'FAIL'}"
    )
    return passed


def _fwer_table(rng: np.random.Generator, studies: int) -> bool:
    print(f"\n2. family-wise error under a global null, Holm across the family ({studies} studies)")
    worst = 0.0
    for epochs in (1, 3):
        figures = []
        for n in SIZES:
            found = family_wise_error(rng, n, studies, epochs)
            worst = max(worst, found["fwer"])
            figures.append(f"n={n} {_cell(found['fwer'], studies)}")
        comparisons = found["comparisons"]
        print(f"   {comparisons} comparisons, {epochs} epoch(s): " + "  ".join(figures))
    passed = worst <= FWER_GOAL
    print(f"   highest {100 * worst:.1f}%; goal <= {FWER_GOAL:.0%}: {'PASS' if passed else 'FAIL'}")
    return passed


def _power_table(rng: np.random.Generator, pilots: int, pilot: int) -> bool:
    print(
        f"\n3. power of the report's test at the seeds action=plan asks for 80% power "
        f"(pilot of {pilot} seeds, {pilots} pilot-to-study rounds a row)"
    )
    shapes = {shape.name: shape for shape in SHAPES}
    passed = True
    for name, effect in POWER_CELLS:
        found = planned_power(rng, shapes[name], effect, pilot, pilots)
        sized = round(pilots * (1 - found["undefined"]))
        ok = POWER_GOAL[0] <= found["power"] <= POWER_GOAL[1]
        passed = passed and ok
        print(
            f"   {name:12s} {effect:+.1f}  mean delta {found['truth']:+.2f}: power "
            f"{_cell(found['power'], sized)}% at median {found['seeds']:3d} seeds  "
            f"(trusting the pilot's SD: {_cell(found['power_if_sd_known'], sized)}% at "
            f"{found['seeds_if_sd_known']:3d})  pilots unsized {100 * found['undefined']:.0f}%  "
            f"{'PASS' if ok else 'FAIL'}"
        )
    low, high = POWER_GOAL
    print(f"   goal {low:.0%}-{high:.0%} in every row: {'PASS' if passed else 'FAIL'}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=4000, help="studies per coverage cell")
    parser.add_argument("--null-studies", type=int, default=2000, help="null families per n")
    parser.add_argument("--pilots", type=int, default=1000, help="pilot-to-study rounds a row")
    parser.add_argument("--pilot", type=int, default=10, help="seeds in each pilot")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument(
        "--bca", type=int, default=0, help="also measure scipy's BCa bootstrap on this many studies"
    )
    parser.add_argument("--quick", action="store_true", help="200 of everything")
    args = parser.parse_args()
    if args.quick:
        args.studies = args.null_studies = args.pilots = 200
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    results = [
        _coverage_tables(rng, args.studies, args.bca),
        _fwer_table(rng, args.null_studies),
        _power_table(rng, args.pilots, args.pilot),
    ]
    verdict = "PASS" if all(results) else "FAIL"
    print(f"\ncalibration: {verdict} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
