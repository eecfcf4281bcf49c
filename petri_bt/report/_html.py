"""HTML building blocks for the report and transcript pages: escaping, tables, the page.

Every text that came from a log (a transcript, a seed, a model or judge answer, a model
name, a file name) goes through `esc` before it reaches the page: a model can write
`<script>`. The pages load nothing from the network: styles are inline, images are
data URIs, links are relative.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
  color: #1d232b; background: #fafbfc; }
header { background: #1d2a3a; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; } header p { margin: 4px 0 0; color: #c8d2de; }
main { padding: 8px 24px 40px; } section { margin-top: 26px; }
h2 { font-size: 17px; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { border: 1px solid #d8dde3; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #eef1f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; max-width: 100%; }
table.heatmap td.cell { width: 50px; min-width: 50px; text-align: center; padding: 2px 1px;
  font-variant-numeric: tabular-nums; }
table.heatmap td.cell b { display: block; font-size: 12px; }
table.heatmap td.cell small { display: block; font-size: 9px; opacity: 0.8; }
table.heatmap th.dim { white-space: nowrap; vertical-align: bottom; padding: 4px 2px;
  font-weight: 500; font-size: 11px; }
table.heatmap th.dim span { writing-mode: vertical-rl; transform: rotate(180deg); }
table.heatmap th.audit { white-space: nowrap; font-weight: 500; max-width: 340px;
  overflow: hidden; text-overflow: ellipsis; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid #ccd; }
.muted { color: #5b6673; } .small { font-size: 12px; }
pre, .text { white-space: pre-wrap; word-break: break-word; font: 13px/1.4 ui-monospace,
  SFMono-Regular, Menlo, monospace; margin: 4px 0; }
ol.top li { margin: 8px 0; } .score { font-weight: 700; }
.msg { border: 1px solid #d8dde3; border-left-width: 5px; background: #fff; margin: 10px 0;
  padding: 6px 10px; border-radius: 3px; }
.msg .role { font-weight: 700; font-size: 12px; text-transform: uppercase; color: #4a5563; }
.msg.system { border-left-color: #8a94a3; } .msg.user { border-left-color: #2f6fd6; }
.msg.assistant { border-left-color: #1f9d55; } .msg.tool { border-left-color: #b7791f; }
img.forest { max-width: 100%; border: 1px solid #d8dde3; background: #fff; }
"""


def esc(value: object) -> str:
    """Text (from anywhere: a log, a model, a file name) made safe inside HTML and attributes.

    Args:
        value: Anything; None is an empty string.
    """
    return html.escape("" if value is None else str(value), quote=True)


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    """An HTML table. Header cells are escaped; row cells are HTML already (escape first).

    Args:
        header: Column titles (plain text).
        rows: Cells as HTML fragments; a cell starting with `<td` is used as it is.
        cls: A class for the table.
    """
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>"
        for row in rows
    )
    attr = f' class="{esc(cls)}"' if cls else ""
    return f'<div class="scroll"><table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def num(value: float | None, digits: int = 2) -> str:
    """A number as a right-aligned cell (`n/a` when missing)."""
    shown = "n/a" if value is None else f"{value:.{digits}f}"
    return f'<td class="num">{shown}</td>'


def section(anchor: str, title: str, body: str) -> str:
    """A titled section of the page, with an id to link to."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def page(title: str, subtitle: str, body: str) -> str:
    """A whole self-contained page: inline style, no script, no outside resource.

    Args:
        title: The page title (plain text).
        subtitle: A line under it (plain text).
        body: The page's sections (HTML).
    """
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)} &middot; written {made} by petri_bt</p>"
        f"</header><main>{body}</main></body></html>\n"
    )
