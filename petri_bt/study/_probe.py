"""The pinned probe: its text in a seed, and whether an audit actually delivered it."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
_PROBE_TAG = re.compile(r"<probe>(.*?)</probe>", re.DOTALL)


def probe_text(text: str) -> str:
    """Whitespace-insensitive form used to compare probe texts."""
    return _SPACE.sub(" ", text).strip()


def pinned_probe(seed_text: str) -> str | None:
    """The text inside a seed's `<probe>...</probe>` block, when it has one."""
    match = _PROBE_TAG.search(seed_text)
    return match.group(1).strip() if match else None


def probe_delivered(probe: str, messages: Iterable[str]) -> bool:
    """True when one of the auditor's `send_message` texts carries the probe.

    Args:
        probe: The study's pinned probe text.
        messages: The `message` argument of every `send_message` call in the audit.
    """
    wanted = probe_text(probe)
    return any(wanted in probe_text(m) for m in messages)
