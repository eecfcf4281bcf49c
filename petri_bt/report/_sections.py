"""The report's sections after the heatmap: the study, judge agreement, cost and tokens per
role, and the highest-scoring samples of each concern dimension."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from petri_bt.report._audits import Audit, Sample
from petri_bt.report._html import esc, num, table

TOP_DIMENSIONS = 8  # concern dimensions listed, those with the highest scores first
TOP_SAMPLES = 3  # samples listed per dimension


def study_section(report: dict[str, Any], forest: Path | None) -> str:
    """A study's forest plot and its table (one row per focus dimension and treatment).

    Args:
        report: The analysed study report (`report.json`).
        forest: Its forest plot PNG, embedded in the page when it exists.
    """
    from petri_bt.study import table_rows

    study = report["study"]
    parts = [
        f"<p><b>{esc(study.get('title') or study['name'])}</b>: baseline "
        f"<b>{esc(study['baseline'])}</b>, treatments {esc(', '.join(study['treatments']))}.</p>"
    ]
    if study.get("hypothesis"):
        parts.append(f'<p class="muted">{esc(study["hypothesis"])}</p>')
    if forest is not None and forest.is_file():
        data = base64.b64encode(forest.read_bytes()).decode("ascii")
        parts.append(f'<img class="forest" alt="forest plot" src="data:image/png;base64,{data}">')
    header, *rows = table_rows(report)
    cells = [
        [esc(row[0]), esc(row[1]), *(f'<td class="num">{esc(c)}</td>' for c in row[2:])]
        for row in rows
    ]
    parts.append(table(list(header), cells, cls="study"))
    return "".join(parts)


def agreement_section(audits: list[Audit]) -> str | None:
    """Per audit judged by a panel: each dimension's alpha, mean spread and flagged samples.

    Returns:
        The section's HTML, or None when no panel judged.
    """
    from petri_bt.judging import DEFAULT_DISAGREEMENT, panel_agreement

    parts = []
    for audit in audits:
        panels = {f"{s.seed_id}/{s.epoch}": s.panel for s in audit.samples if s.panel}
        if not panels:
            continue
        threshold = (audit.panel_settings or {}).get("disagreement", DEFAULT_DISAGREEMENT)
        figures = panel_agreement(panels, disagreement=threshold)
        judges = sorted({j for panel in panels.values() for j in panel})
        rows = [
            [
                esc(dim),
                num(found.get("alpha"), 3),
                num(found.get("mean_spread")),
                esc(", ".join(str(f) for f in found.get("flagged") or []) or "-"),
                esc(found.get("note") or ""),
            ]
            for dim, found in sorted(figures.items())
        ]
        parts.append(
            f"<h3>#{audit.number} {esc(audit.name)}: judges {esc(', '.join(judges))}</h3>"
            f'<p class="small muted">Krippendorff\'s alpha (interval level); spread: max - min '
            f"of the judges' raw scores per sample; flagged: samples whose judges differ by "
            f"{threshold:g} points or more.</p>"
            + table(["dimension", "alpha", "mean spread", "flagged", "note"], rows)
        )
    return "".join(parts) or None


def cost_section(audits: list[Audit]) -> str:
    """Calls, tokens and cost per audit and role (`petri_bt.logs.LogUsage` of its logs).

    Args:
        audits: The audits.
    """
    rows = []
    total_usd = 0.0
    for audit in audits:
        roles: dict[str, dict[str, Any]] = {}
        for figures in audit.usage:
            total_usd += figures.get("cost_usd") or 0.0
            for role, found in figures.get("roles", {}).items():
                total = roles.setdefault(role, {"models": set()})
                total["models"].update(found.get("models") or [])
                for key in ("calls", "input_tokens", "output_tokens", "cost_usd", "compute_s"):
                    total[key] = total.get(key, 0) + (found.get(key) or 0)
        for role, total in sorted(roles.items()):
            rows.append(
                [
                    f"#{audit.number} {esc(audit.name)}",
                    esc(role),
                    esc(", ".join(sorted(total["models"]))),
                    f'<td class="num">{total["calls"]}</td>',
                    f'<td class="num">{total["input_tokens"]:,}</td>',
                    f'<td class="num">{total["output_tokens"]:,}</td>',
                    num(total["cost_usd"], 4),
                    num(total["compute_s"], 1),
                ]
            )
    note = (
        f'<p class="small muted">All audits: USD {total_usd:.4f}. Prices from petri_bt\'s '
        "pricing table and export.pricing; a model it has no price for costs 0.</p>"
    )
    header = [
        "audit",
        "role",
        "models",
        "calls",
        "input tokens",
        "output tokens",
        "USD",
        "compute s",
    ]
    return table(header, rows) + note


def top_samples(audits: list[Audit]) -> list[tuple[str, list[tuple[Audit, Sample]]]]:
    """Per concern dimension (higher is worse), its highest-scoring samples: the dimensions
    with the highest scores first, at most `TOP_DIMENSIONS`, each with `TOP_SAMPLES`.

    Args:
        audits: The audits.
    """
    by_dim: dict[str, list[tuple[Audit, Sample]]] = {}
    for audit in audits:
        for sample in audit.samples:
            for dim, score in sample.scores.items():
                if audit.directions.get(dim) == "good-low" and score > 1:
                    by_dim.setdefault(dim, []).append((audit, sample))
    for dim, found in by_dim.items():
        found.sort(key=lambda pair: (-pair[1].scores[dim], pair[0].number, pair[1].seed_id))
    ranked = sorted(by_dim, key=lambda d: (-by_dim[d][0][1].scores[d], d))
    return [(dim, by_dim[dim][:TOP_SAMPLES]) for dim in ranked[:TOP_DIMENSIONS]]


def samples_section(
    chosen: list[tuple[str, list[tuple[Audit, Sample]]]],
    pages: dict[int, str],
    viewer_links: dict[int, str],
) -> str:
    """The highest-scoring samples per concern dimension, each linking to its transcript.

    Args:
        chosen: `top_samples`.
        pages: id(sample) -> its transcript page, relative to the report.
        viewer_links: id(sample) -> its address in the bundled viewer.
    """
    if not chosen:
        return '<p class="muted">No concern dimension scored above 1.</p>'
    parts = []
    for dim, pairs in chosen:
        items = []
        for audit, sample in pairs:
            links = [f'<a class="transcript" href="{esc(pages[id(sample)])}">transcript</a>']
            if id(sample) in viewer_links:
                links.append(
                    f'<a class="viewer" href="{esc(viewer_links[id(sample)])}">Inspect viewer</a>'
                )
            items.append(
                f'<li><span class="score">{sample.scores[dim]:g}</span> &middot; seed '
                f"<b>{esc(sample.seed_id)}</b> (epoch {sample.epoch}), #{audit.number} "
                f"{esc(audit.name)} &middot; {' &middot; '.join(links)}"
                f'<div class="text">{esc(sample.summary or "(no summary)")}</div></li>'
            )
        parts.append(f'<h3>{esc(dim)}</h3><ol class="top">{"".join(items)}</ol>')
    return "".join(parts)
