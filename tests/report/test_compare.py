"""`action=compare`: one row per audit of any mix of runs, sweeps and studies, as Markdown,
CSV and Parquet, with the long table beside it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli import run_cli, run_folders
from support.report_runs import PANEL, SWEPT_TARGETS, Folders

from petri_bt.report import Audit, Sample, audit_figures
from petri_bt.study import mean_delta_interval

pytestmark = pytest.mark.slow


def _compare(cwd: Path, *entries: Path) -> tuple[Path, str]:
    listed = ",".join(str(e) for e in entries)
    result = run_cli("action=compare", f"from_logs=[{listed}]", cwd=cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    (out,) = run_folders(cwd)
    return out, result.stdout


@pytest.fixture(scope="module")
def compared(folders: Folders, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The two-job sweep and the panel-judged run, compared."""
    return _compare(tmp_path_factory.mktemp("compare"), folders.sweep, folders.run)


def _parquet(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_compare_writes_every_table_with_all_three_audits(compared: tuple[Path, str]) -> None:
    out, printed = compared
    wide = _parquet(out / "comparison.parquet")
    with (out / "comparison.csv").open() as handle:
        from_csv = list(csv.DictReader(handle))
    markdown = (out / "comparison.md").read_text()
    assert [r["target"] for r in wide] == [*SWEPT_TARGETS, "scripted/oversight-sensitive"]
    assert [r["target"] for r in from_csv] == [r["target"] for r in wide]
    assert [r["judge"] for r in wide] == ["scripted/judge", "scripted/judge", "+".join(PANEL)]
    assert [r["swept.target"] for r in wide] == [*SWEPT_TARGETS, ""]
    assert [r["n"] for r in wide] == [2, 2, 2]
    assert all(r["auditor"] == "scripted/auditor" for r in wide)
    # one row per audit in the Markdown file and on the console
    for text in (markdown, printed):
        rows = [line for line in text.splitlines() if line.startswith("| ") and line[2].isdigit()]
        assert [row.split(" | ")[2] for row in rows] == [r["target"] for r in wide]
    assert "comparable seed by seed" in printed and "S1: #1, #2, #3" in printed


def test_each_cell_is_the_mean_of_per_seed_scores_with_the_study_interval(
    compared: tuple[Path, str],
) -> None:
    out, _ = compared
    wide = _parquet(out / "comparison.parquet")
    long = _parquet(out / "comparison_samples.parquet")
    for row in wide:
        mine = [r for r in long if r["audit"] == row["audit"]]
        for dim in ("concerning", "admirable", "needs_attention"):
            per_seed: dict[str, list[float]] = {}
            for r in mine:
                if r["dimension"] == dim:
                    per_seed.setdefault(r["seed_id"], []).append(r["score"])
            values = [sum(v) / len(v) for v in per_seed.values()]
            interval = mean_delta_interval(values, bounds=(1, 10))  # raw scores: 1-10
            assert row[dim] == pytest.approx(sum(values) / len(values), abs=1e-4)
            assert row[f"{dim}_low"] == pytest.approx(interval["low"], abs=1e-4)
            assert row[f"{dim}_high"] == pytest.approx(interval["high"], abs=1e-4)
            assert row[f"{dim}_n"] == len(values) == 2
    # the scripted compliant target is the concerning one
    by_target = {r["target"]: r for r in wide}
    assert (
        by_target["scripted/compliant"]["concerning"] > by_target["scripted/cautious"]["concerning"]
    )


def test_the_long_table_has_a_row_per_sample_and_dimension(compared: tuple[Path, str]) -> None:
    out, _ = compared
    long = _parquet(out / "comparison_samples.parquet")
    assert len(long) == 3 * 2 * 38  # audits x samples x Petri's dimensions
    keys = {(r["audit"], r["seed_id"], r["epoch"], r["dimension"]) for r in long}
    assert len(keys) == len(long)
    assert {r["epoch"] for r in long} == {1}
    assert all(1 <= r["score"] <= 10 for r in long)
    # a single scripted judge writes a paragraph for each dimension it scored above the
    # floor (a panel's score is the judges' median: no one wrote a paragraph for it)
    raised = [r for r in long if r["score"] >= 2 and "+" not in r["judge"]]
    assert raised and all(r["explanation"] for r in raised)
    assert not any(r["explanation"].startswith("- ") for r in long)  # its part, not the list
    with (out / "comparison_samples.csv").open() as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == len(long)


def test_study_arms_are_audits_and_share_seeds_apart_from_the_sweep(
    folders: Folders, tmp_path: Path
) -> None:
    out, printed = _compare(tmp_path, folders.sweep, folders.study)
    wide = _parquet(out / "comparison.parquet")
    assert [r["condition"] for r in wide[:2]] == ["", ""]
    assert sorted(r["condition"] for r in wide[2:]) == ["monitored", "observed", "unobserved"]
    assert [r["seed_set"] for r in wide] == ["S1", "S1", "S2", "S2", "S2"]
    assert "S2: #3, #4, #5 audited 2 seed(s)" in printed


def test_a_report_folder_is_not_read_twice(folders: Folders, tmp_path: Path) -> None:
    # the run folder holds its log and, under report_files/, the viewer's copy of it
    copies = list((folders.run / "report_files").rglob("*.eval"))
    assert copies
    out, _ = _compare(tmp_path, folders.run)
    (row,) = _parquet(out / "comparison.parquet")
    assert row["samples"] == 2 and "report_files" not in row["logs"]


def test_epochs_are_averaged_per_seed_before_the_mean() -> None:
    def sample(seed: str, epoch: int, score: float) -> Sample:
        return Sample(seed, epoch, {"concerning": score}, "", "", None, None, Path("x.eval"))

    audit = Audit(1, "a", "task", {}, [], {}, None)
    audit.samples = [sample("a", 1, 1), sample("a", 2, 3), sample("b", 1, 8)]
    audit.directions = {"concerning": "good-low"}
    figures = audit_figures(audit)["concerning"]
    assert (figures.mean, figures.n) == (5.0, 2)  # mean of (2, 8), not of (1, 3, 8)
    assert (figures.low, figures.high) == pytest.approx(
        (
            mean_delta_interval([2, 8], bounds=(1, 10))["low"],
            mean_delta_interval([2, 8], bounds=(1, 10))["high"],
        )
    )


def test_bad_logs_are_one_line_and_exit_2(folders: Folders, tmp_path: Path) -> None:
    result = run_cli("action=compare", f"from_logs=[{tmp_path / 'nope'}]", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "does not exist" in result.stderr
    broken = tmp_path / "broken.eval"
    broken.write_bytes(b"not a zip")
    result = run_cli("action=compare", f"from_logs=[{broken}]", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("petri_bt: error: from_logs:") and "corrupt" in result.stderr
    assert not list(tmp_path.rglob("comparison.*"))


def test_a_log_without_samples_is_an_audit_with_none(folders: Folders, tmp_path: Path) -> None:
    from support.petri_logs import rewrite_log

    (log,) = (folders.run / "logs").glob("*.eval")
    (tmp_path / "logs").mkdir()
    empty = rewrite_log(log, tmp_path / "logs" / "empty.eval", sample=lambda name, s: None)
    (tmp_path / "cwd").mkdir()
    out, printed = _compare(tmp_path / "cwd", empty, log)
    first, second = _parquet(out / "comparison.parquet")
    assert (first["samples"], first["n"], first["concerning"]) == (0, 0, None)
    assert (second["samples"], second["n"]) == (2, 2)
    assert _parquet(out / "comparison_samples.parquet")[0]["audit"] == 2
