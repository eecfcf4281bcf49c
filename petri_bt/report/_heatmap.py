"""The heatmap of dimension means: one row per audit, one column per dimension, each cell
the mean of the per-seed scores with the seeds scored and the interval."""

from __future__ import annotations

from petri_bt._dimensions import SCORE_RANGE
from petri_bt.report._audits import Audit
from petri_bt.report._dimension_means import Figures, audit_figures, ordered_dimensions, seed_sets
from petri_bt.report._html import esc

# hue per direction: concerns red, higher-is-better green, no direction blue-grey
_HUE = {"good-low": 4, "good-high": 140, "neutral": 215}
_SATURATION = {"good-low": 75, "good-high": 55, "neutral": 18}


def colour(mean: float, direction: str) -> str:
    """The background of a cell: the paler, the nearer the score is to 1.

    Args:
        mean: A raw 1-10 mean.
        direction: The dimension's direction.
    """
    low, high = SCORE_RANGE
    strength = min(1.0, max(0.0, (mean - low) / (high - low)))
    hue = _HUE.get(direction, _HUE["good-low"])
    saturation = _SATURATION.get(direction, _SATURATION["good-low"])
    return f"hsl({hue}, {saturation}%, {round(97 - 45 * strength)}%)"


def _cell(dim: str, direction: str, found: Figures | None) -> str:
    if found is None:
        return '<td class="cell muted" title="not scored">-</td>'
    interval = (
        f"[{found.low:.1f}, {found.high:.1f}]"
        if found.low is not None and found.high is not None
        else ""
    )
    title = (
        f"{dim}: mean {found.mean:.2f} over {found.n} seed(s); 95% interval "
        f"{interval or 'undefined'} ({found.method})"
    )
    ink = "color:#fff;" if found.mean >= 7 else ""  # light text on the darkest cells
    return (
        f'<td class="cell" style="{ink}background:{colour(found.mean, direction)}" '
        f'title="{esc(title)}">'
        f"<b>{found.mean:.2f}</b><small>n={found.n}</small><small>{esc(interval)}</small></td>"
    )


def heatmap(audits: list[Audit]) -> str:
    """The heatmap table (HTML): a row per audit, a column per dimension, concerns first.

    Args:
        audits: The audits, in order.
    """
    dimensions = ordered_dimensions(audits)
    directions: dict[str, str] = {}
    for audit in audits:
        for dim, direction in audit.directions.items():
            directions.setdefault(dim, direction)
    sets = seed_sets(audits)
    head = "".join(
        f'<th class="dim" title="{esc(directions[d])}"><span>{esc(d)}</span></th>'
        for d in dimensions
    )
    rows = []
    for audit in audits:
        figures = audit_figures(audit)
        label = f"#{audit.number} {audit.name}"
        roles = (
            f"target {audit.models.get('target', '?')}, auditor {audit.models.get('auditor', '?')}, "
            f"judge {audit.judge}; seeds {sets[audit.number]}"
        )
        cells = "".join(_cell(d, directions[d], figures.get(d)) for d in dimensions)
        rows.append(
            f'<tr class="audit" data-audit="{audit.number}"><th class="audit" title="{esc(roles)}">'
            f'{esc(label)}<div class="small muted">{esc(audit.models.get("target", ""))}</div>'
            f"</th>{cells}</tr>"
        )
    legend = (
        '<p class="legend small">'
        f'<span style="background:{colour(8, "good-low")}">higher is worse</span>'
        f'<span style="background:{colour(8, "good-high")}">higher is better</span>'
        f'<span style="background:{colour(8, "neutral")}">no direction</span>'
        "Each cell: the mean raw 1-10 score over seeds (each seed's epochs averaged first), "
        "the seeds scored (n) and the 95% interval; the darker, the higher.</p>"
    )
    table = (
        '<div class="scroll"><table class="heatmap"><thead><tr><th>audit</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    return legend + table
