"""Writing the paired report: report.json, report.md, forest.png and the printed table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPORT_JSON = "report.json"
REPORT_MD = "report.md"
FOREST_PNG = "forest.png"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def _ci(row: dict[str, Any]) -> str:
    ci = row["ci95"]
    if ci["low"] is None:
        return "n/a"
    return f"[{ci['low']:+.2f}, {ci['high']:+.2f}]"


def format_table(report: dict[str, Any]) -> str:
    """The short table printed at the end of a study run.

    Args:
        report: The analysed report.
    """
    study = report["study"]
    header = (
        "dimension",
        study["baseline"],
        study["treatment"],
        "delta",
        "95% CI",
        "sign p",
        "wilcoxon p",
        "holm p (wilcoxon)",
        "n",
    )
    rows = [header]
    for row in report["dimensions"]:
        rows.append(
            (
                row["dimension"],
                _num(row["mean_baseline"]),
                _num(row["mean_treatment"]),
                _signed(row["mean_delta"]),
                _ci(row),
                _p(row["sign_test"]["p"]),
                _p(row["wilcoxon"]["p"]),
                _p(row["wilcoxon"]["p_holm"]),
                str(row["n"]),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        f"study {study['name']}: delta = {study['delta']} (raw 1-10 judge scores), "
        f"{report['n_paired']} paired seeds"
    ]
    for i, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(w) if j == 0 else cell.rjust(w)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    if report["excluded"] or report["unpaired"]:
        lines.append(
            f"{len(report['excluded'])} excluded sample(s), {len(report['unpaired'])} unpaired seed(s): see report.md"
        )
    lines.extend(f"warning: {w}" for w in report["warnings"])
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown, for people.

    Args:
        report: The analysed report.
    """
    study = report["study"]
    base, treat = study["baseline"], study["treatment"]
    out = [
        f"# {study['title']}",
        "",
        f"Study `{study['name']}`: **{treat}** vs **{base}**, delta = {study['delta']}.",
        "",
    ]
    out += [f"**Hypothesis.** {study['hypothesis']}", ""]
    for name, arm in report["arms"].items():
        about = (arm["description"] or "(no description)").rstrip(". ")
        out.append(
            f"- `{name}`: {about}; {arm['samples']} sample(s), {arm['usable_seeds']} usable seed(s)"
        )
    out += [
        "",
        f"Paired seeds: **{report['n_paired']}**. Scores are Petri's raw 1-10 judge scores.",
        "",
    ]
    for warning in report["warnings"]:
        out += [f"> **Warning:** {warning}", ""]

    out += ["## Focus dimensions", ""]
    rows = []
    for row in report["dimensions"]:
        sign = row["sign_test"]
        rows.append(
            [
                f"`{row['dimension']}`",
                row["direction"],
                _num(row["mean_baseline"]),
                _num(row["mean_treatment"]),
                _signed(row["mean_delta"]),
                _ci(row),
                f"{sign['positive']}+/{sign['negative']}-/{sign['zero']}=",
                _p(sign["p"]),
                _p(sign["p_holm"]),
                _p(row["wilcoxon"]["p"]),
                _p(row["wilcoxon"]["p_holm"]),
                str(row["n"]),
            ]
        )
    out += _md_table(
        [
            "dimension",
            "direction",
            base,
            treat,
            "delta",
            "95% CI",
            "signs",
            "sign p",
            "sign p (Holm)",
            "Wilcoxon p",
            "Wilcoxon p (Holm)",
            "n",
        ],
        rows,
    )
    methods = sorted({row["ci95"]["method"] for row in report["dimensions"]})
    out += [
        "",
        f"Intervals: {', '.join(methods)} (fixed seed). Sign test: exact two-sided binomial on nonzero deltas. "
        "Wilcoxon: signed-rank (scipy defaults). Holm: step-down adjustment across the focus dimensions, "
        "separately for each test.",
        "",
        "![forest plot](forest.png)",
        "",
        "## Moderators",
        "",
        f"Spearman correlation between the `{treat}` arm's moderator score and the per-seed delta.",
        "",
    ]
    out += _md_table(
        ["moderator", "dimension", "rho", "p", "n", "note"],
        [
            [
                f"`{m['moderator']}`",
                f"`{m['dimension']}`",
                _num(m["rho"], 3),
                _p(m["p"]),
                str(m["n"]),
                m["note"] or "",
            ]
            for m in report["moderators"]
        ],
    )
    out += ["", "## Per-seed deltas", ""]
    dims = study["focus_dimensions"]
    out += _md_table(
        ["seed", *dims],
        [
            [f"`{s['seed_id']}`", *(_signed(s["delta"].get(d)) for d in dims)]
            for s in report["per_seed"]
        ],
    )
    out += ["", "## Excluded and unpaired", ""]
    if not report["excluded"] and not report["unpaired"]:
        out.append("None: every audited seed was usable in both arms.")
    for item in report["excluded"]:
        out.append(
            f"- excluded `{item['seed_id']}` (epoch {item['epoch']}) in `{item['arm']}`: {item['reason']}"
        )
    for item in report["unpaired"]:
        out.append(f"- unpaired `{item['seed_id']}`: {item['reason']}")
    prov = report["provenance"]
    out += ["", "## Provenance", "", f"- study fingerprint: `{prov['study_fingerprint']}`"]
    out.append(f"- study file: `{prov['study_file']}`")
    for package, version in prov["versions"].items():
        out.append(f"- {package}: {version}")
    for role, models in prov["models"].items():
        out.append(f"- {role}: {', '.join(models)}")
    for name, arm in report["arms"].items():
        for log in arm["logs"]:
            out.append(f"- `{name}` log: `{log}`")
    return "\n".join(out) + "\n"


def write_report(report: dict[str, Any], run_dir: Path) -> dict[str, Path]:
    """Write report.json, report.md and forest.png into the run folder.

    Args:
        report: The analysed report.
        run_dir: The run folder.

    Returns:
        File kind -> path.
    """
    from petri_bt.study._plot import forest_plot

    run_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": run_dir / REPORT_JSON,
        "markdown": run_dir / REPORT_MD,
        "forest": run_dir / FOREST_PNG,
    }
    tmp = paths["json"].with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n")
    tmp.replace(paths["json"])
    paths["markdown"].write_text(render_markdown(report))
    forest_plot(report, paths["forest"])
    return paths
