"""One static page per sample the report links to: the seed, the target's conversation,
the judge's summary, highlights, justification and scores. Opens from `file://`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from petri_bt._dimensions import JUDGE_SCORER
from petri_bt.report._audits import Audit, Sample
from petri_bt.report._html import esc, page, section, table

SAMPLES_FOLDER = "samples"


def page_name(audit: Audit, sample: Sample) -> str:
    """The file name of a sample's page: readable, unique, safe in a URL."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", sample.seed_id).strip("-.")[:60] or "sample"
    digest = hashlib.sha256(f"{sample.log}\0{sample.seed_id}".encode()).hexdigest()[:8]
    return f"a{audit.number}-{slug}-e{sample.epoch}-{digest}.html"


def read_stored(sample: Sample) -> dict[str, Any] | None:
    """The sample as its log stores it (None when it cannot be read again)."""
    from petri_bt.logs import LogFile, LogReadError, SampleReadError, sample_name_key

    wanted = f"{sample.seed_id}/{sample.epoch}"
    try:
        with LogFile(sample.log) as log:
            for name in log.sample_names():
                if sample_name_key(name) == wanted:
                    return log.read_sample(name)
    except (LogReadError, SampleReadError):
        return None
    return None


def _content(text: Any) -> str:
    if isinstance(text, str):
        return text
    return json.dumps(text, indent=1, default=str)


def _message(message: dict[str, Any]) -> str:
    role = str(message.get("role") or "user")
    parts = [f'<div class="msg {esc(role)}"><div class="role">{esc(role)}']
    if message.get("name"):
        parts.append(f" &middot; {esc(message['name'])}")
    parts.append("</div>")
    if message.get("reasoning"):
        parts.append(
            f'<details><summary>reasoning</summary><div class="text">{esc(message["reasoning"])}'
            "</div></details>"
        )
    content = _content(message.get("content"))
    if content:
        parts.append(f'<div class="text">{esc(content)}</div>')
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        parts.append(
            f'<div class="small muted">tool call: <b>{esc(function.get("name"))}</b></div>'
            f"<pre>{esc(function.get('arguments'))}</pre>"
        )
    if message.get("error"):
        parts.append(f'<div class="small">error: {esc(message["error"])}</div>')
    parts.append("</div>")
    return "".join(parts)


def _seed(stored: dict[str, Any], text: Any) -> str:
    seed = stored.get("input")
    if isinstance(seed, list):  # a list of chat messages
        return "\n\n".join(
            _content(text.chat(m).get("content")) for m in seed if isinstance(m, dict)
        )
    return text.text(seed) if isinstance(seed, str) else _content(seed)


def _judge(stored: dict[str, Any], sample: Sample) -> str:
    score = (stored.get("scores") or {}).get(JUDGE_SCORER) or {}
    metadata = score.get("metadata") if isinstance(score.get("metadata"), dict) else {}
    blocks = []
    for title, text in (
        ("Summary", sample.summary),
        ("Highlights", metadata.get("highlights")),
        ("Justification", sample.explanation),
    ):
        if text:
            blocks.append(f'<h3>{esc(title)}</h3><div class="text">{esc(text)}</div>')
    rows = [
        [esc(dim), f'<td class="num">{value:g}</td>']
        for dim, value in sorted(sample.scores.items())
    ]
    if rows:
        blocks.append("<h3>Scores (raw 1-10)</h3>" + table(["dimension", "score"], rows))
    if sample.panel:
        judges = sorted(sample.panel)
        dims = sorted({d for scores in sample.panel.values() for d in scores})
        panel_rows = [
            [esc(d), *(f'<td class="num">{sample.panel[j].get(d, "")}</td>' for j in judges)]
            for d in dims
        ]
        blocks.append("<h3>Each judge's scores</h3>" + table(["dimension", *judges], panel_rows))
    return "".join(blocks) or '<p class="muted">No judge score.</p>'


def transcript_page(audit: Audit, sample: Sample, viewer_link: str | None) -> str:
    """The page of one sample (HTML).

    Args:
        audit: Its audit.
        sample: The sample.
        viewer_link: Its address in the bundled Inspect viewer, relative to the page.
    """
    from petri_bt.logs import SampleText

    stored = read_stored(sample) or {}
    text = SampleText(stored)
    messages = [text.chat(m) for m in stored.get("messages") or [] if isinstance(m, dict)]
    links = ['<a href="../../report.html">back to the report</a>']
    if viewer_link:
        links.append(
            f'<a href="{esc(viewer_link)}">open in the Inspect viewer</a> '
            '<span class="muted">(the viewer needs the folder served over HTTP)</span>'
        )
    body = [
        f'<p class="small">{" &middot; ".join(links)}</p>',
        f'<p>seed <b class="seed-id">{esc(sample.seed_id)}</b>, epoch {sample.epoch}; '
        f"audit #{audit.number} {esc(audit.name)}: target {esc(audit.models.get('target'))}, "
        f"auditor {esc(audit.models.get('auditor'))}, judge {esc(audit.judge)}</p>",
        f'<p class="small muted">log: {esc(sample.log)}</p>',
    ]
    if sample.error:
        body.append(f"<p><b>error:</b> {esc(sample.error)}</p>")
    body.append(
        section("seed", "Seed instruction", f'<div class="text">{esc(_seed(stored, text))}</div>')
    )
    body.append(section("judge", "Judge", _judge(stored, sample)))
    conversation = "".join(_message(m) for m in messages) or '<p class="muted">No messages.</p>'
    body.append(section("transcript", "The target's conversation", conversation))
    title = f"{sample.seed_id} (epoch {sample.epoch})"
    return page(title, f"audit #{audit.number} {audit.name}", "".join(body))


def write_transcripts(
    folder: Path, chosen: list[tuple[Audit, Sample]], viewer_links: dict[int, str]
) -> dict[int, str]:
    """Write the page of every chosen sample.

    Args:
        folder: The report's files folder (pages go in its `samples/`).
        chosen: (audit, sample) pairs to write.
        viewer_links: id(sample) -> its viewer address relative to the report page.

    Returns:
        id(sample) -> the page's address relative to the report page.
    """
    out = folder / SAMPLES_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    written: dict[int, str] = {}
    for audit, sample in chosen:
        if id(sample) in written:
            continue
        name = page_name(audit, sample)
        link = viewer_links.get(id(sample))
        relative = f"../../{link}" if link else None  # the page sits two folders down
        (out / name).write_text(transcript_page(audit, sample, relative), encoding="utf-8")
        written[id(sample)] = f"{folder.name}/{SAMPLES_FOLDER}/{name}"
    return written
