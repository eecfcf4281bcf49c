"""Writing the paired report: report.json, report.md, forest.png and the printed table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from petri_bt._columns import aligned_lines

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


def _effect(row: dict[str, Any]) -> str:
    size = row.get("effect_size") or {}
    if size.get("low") is None:
        return "n/a"
    point = "n/a" if size["d_z"] is None else f"{size['d_z']:+.2f}"
    return f"{point} [{size['low']:+.2f}, {size['high']:+.2f}]"


def _figures(row: dict[str, Any]) -> list[str]:
    """A row's means, delta with its CI, d_z with its CI, p and Holm p, as table cells."""
    return [
        _num(row["mean_baseline"]),
        _num(row["mean_treatment"]),
        _signed(row["mean_delta"]),
        _ci(row),
        _effect(row),
        _p(row["t_test"]["p"]),
        _p(row["t_test"]["p_holm"]),
    ]


def _alphas(report: dict[str, Any]) -> dict[str, float | None] | None:
    """Dimension -> the judge panel's alpha, or None when a single judge scored."""
    agreement = report.get("agreement")
    if not agreement:
        return None
    return {row["dimension"]: row["alpha"] for row in agreement["dimensions"]}


def _paired_line(report: dict[str, Any]) -> str:
    return ", ".join(f"{c['delta']} ({c['n_paired']} paired)" for c in report["comparisons"])


def table_rows(report: dict[str, Any]) -> list[tuple[str, ...]]:
    """The study's table as text cells, its header first: one row per (dimension,
    treatment), as the console, `report.md` and the HTML report show it.

    Args:
        report: The analysed report.
    """
    study = report["study"]
    alphas = _alphas(report)
    header = (
        "dimension",
        "treatment",
        f"mean {study['baseline']}",
        "mean treatment",
        "delta",
        "95% CI",
        "d_z [95% CI]",
        "p",
        "holm p",
        "n",
        *(("judge alpha",) if alphas is not None else ()),
    )
    rows: list[tuple[str, ...]] = [header]
    for row in report["dimensions"]:
        rows.append(
            (
                row["dimension"],
                row["treatment"],
                *_figures(row),
                str(row["n"]),
                *((_num(alphas.get(row["dimension"]), 3),) if alphas is not None else ()),
            )
        )
    return rows


def format_table(report: dict[str, Any]) -> str:
    """The short table printed at the end of a study run: one row per (dimension, treatment).

    Args:
        report: The analysed report.
    """
    study = report["study"]
    rows = table_rows(report)
    lines = [
        f"study {study['name']}: baseline {study['baseline']}; delta = {_paired_line(report)}; "
        "raw 1-10 judge scores",
        *aligned_lines(rows),
        "one unit per paired seed (its epochs averaged); 95% CI: Student t widened for skew; "
        "p: paired t-test (skew-checked), holm p across every row; methods in report.md",
    ]
    if report["excluded"] or report["unpaired"]:
        lines.append(
            f"{len(report['excluded'])} excluded sample(s), {len(report['unpaired'])} unpaired seed(s): see report.md"
        )
    agreement = report.get("agreement")
    if agreement:
        flagged = sum(len(d["flagged"]) for d in agreement["dimensions"])
        lines.append(
            f"judges: {', '.join(agreement['judges'])}; {flagged} flagged (sample, dimension) "
            f"pair(s) where they differ by {agreement['disagreement']:g}+ points: see report.md"
        )
    lines.extend(f"warning: {w}" for w in report["warnings"])
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return lines


def _agreement_section(agreement: dict[str, Any] | None) -> list[str]:
    if not agreement:
        return []
    out = [
        "## Judge agreement",
        "",
        f"Judges: {', '.join(f'`{j}`' for j in agreement['judges'])}, over {agreement['samples']} "
        "usable sample(s) of every arm. Krippendorff's alpha (interval) per dimension; spread = "
        f"max - min of the judges' raw scores; samples {agreement['disagreement']:g}+ points apart "
        "are flagged.",
        "",
    ]
    out += _md_table(
        ["dimension", "alpha", "samples", "mean spread", "flagged", "note"],
        [
            [
                f"`{d['dimension']}`",
                _num(d["alpha"], 3),
                str(d["units"]),
                _num(d["mean_spread"]),
                str(len(d["flagged"])),
                d["note"] or "",
            ]
            for d in agreement["dimensions"]
        ],
    )
    flagged = [(d["dimension"], f) for d in agreement["dimensions"] for f in d["flagged"]]
    if flagged:
        out += ["", "Flagged:", ""]
        out += [
            f"- `{dim}`: `{f['seed_id']}` (epoch {f['epoch']}) in `{f['arm']}`, spread {f['spread']:g}"
            for dim, f in flagged
        ]
    return [*out, ""]


def _focus_section(report: dict[str, Any], alphas: dict[str, float | None] | None) -> list[str]:
    """The Markdown table of every (focus dimension, treatment) row."""
    rows = []
    for row in report["dimensions"]:
        sign = row["sign_test"]
        rows.append(
            [
                f"`{row['dimension']}`",
                row["treatment"],
                row["direction"],
                *_figures(row),
                f"{sign['positive']}+/{sign['negative']}-/{sign['zero']}=",
                _p(sign["p_holm"]),
                _p(row["wilcoxon"]["p_holm"]),
                str(row["n"]),
                *((_num(alphas.get(row["dimension"]), 3),) if alphas is not None else ()),
            ]
        )
    return [
        "## Focus dimensions",
        "",
        *_md_table(
            [
                "dimension",
                "treatment",
                "direction",
                report["study"]["baseline"],
                "treatment mean",
                "delta",
                "95% CI",
                "d_z [95% CI]",
                "p",
                "p (Holm)",
                "signs",
                "sign p (Holm)",
                "Wilcoxon p (Holm)",
                "n",
                *(("judge alpha",) if alphas is not None else ()),
            ],
            rows,
        ),
    ]


def _methods_lines(report: dict[str, Any]) -> list[str]:
    methods = report["methods"]
    used = sorted({row["ci95"]["method"] for row in report["dimensions"]})
    return [
        "Methods:",
        "",
        f"- Unit of analysis: {methods['unit']}.",
        f"- Interval: {methods['interval']} (used here: {'; '.join(used)}).",
        f"- p: {methods['test']}.",
        f"- Effect size: {methods['effect_size']}.",
        f"- Checks: {methods['checks']}.",
        "- Coverage and error rates are measured by simulation in `bench/calibration.py`.",
    ]


def _excluded_section(report: dict[str, Any]) -> list[str]:
    """The samples left out of the analysis and the seeds that could not pair, with why."""
    out = ["", "## Excluded and unpaired", ""]
    if not report["excluded"] and not report["unpaired"]:
        out.append("None: every audited seed was usable in every arm.")
    for item in report["excluded"]:
        out.append(
            f"- excluded `{item['seed_id']}` (epoch {item['epoch']}) in `{item['arm']}`: {item['reason']}"
        )
    for item in report["unpaired"]:
        out.append(f"- unpaired `{item['seed_id']}` ({item['treatment']}): {item['reason']}")
    return out


def _provenance_section(report: dict[str, Any]) -> list[str]:
    """Where the report came from: the study spec's fingerprint, versions, models, logs."""
    prov = report["provenance"]
    out = ["", "## Provenance", "", f"- study fingerprint: `{prov['study_fingerprint']}`"]
    out.append(f"- study file: `{prov['study_file']}`")
    for package, version in prov["versions"].items():
        out.append(f"- {package}: {version}")
    for role, models in prov["models"].items():
        out.append(f"- {role}: {', '.join(models)}")
    for name, arm in report["arms"].items():
        for log in arm["logs"]:
            out.append(f"- `{name}` log: `{log}`")
    return out


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown, for people.

    Args:
        report: The analysed report.
    """
    study = report["study"]
    base = study["baseline"]
    treatments = ", ".join(f"**{t}**" for t in study["treatments"])
    alphas = _alphas(report)
    out = [
        f"# {study['title']}",
        "",
        f"Study `{study['name']}`: {treatments} vs **{base}**, "
        f"delta = {', '.join(c['delta'] for c in report['comparisons'])}.",
        "",
    ]
    out += [f"**Hypothesis.** {study['hypothesis']}", ""]
    for name, arm in report["arms"].items():
        about = (arm["description"] or "(no description)").rstrip(". ")
        out.append(
            f"- `{name}` ({arm['role']}): {about}; {arm['samples']} sample(s), "
            f"{arm['usable_seeds']} usable seed(s)"
        )
    out += [
        "",
        f"Paired seeds: {_paired_line(report)}. Scores are Petri's raw 1-10 judge scores.",
        "",
    ]
    for warning in report["warnings"]:
        out += [f"> **Warning:** {warning}", ""]

    out += _focus_section(report, alphas)
    out += ["", *_methods_lines(report), ""]
    out += [
        "![forest plot](forest.png)",
        "",
    ]
    out += _agreement_section(report.get("agreement"))
    out += [
        "## Moderators",
        "",
        "Spearman correlation between each treatment arm's moderator score and its per-seed delta.",
        "",
    ]
    out += _md_table(
        ["treatment", "moderator", "dimension", "rho", "p", "n", "note"],
        [
            [
                m["treatment"],
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
        ["seed", "treatment", *dims],
        [
            [f"`{s['seed_id']}`", t, *(_signed(deltas.get(d)) for d in dims)]
            for s in report["per_seed"]
            for t, deltas in s["delta"].items()
        ],
    )
    out += _excluded_section(report)
    out += _provenance_section(report)
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
