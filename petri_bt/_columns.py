"""Plain-text tables for the console: columns padded to their widest cell."""

from __future__ import annotations

from collections.abc import Sequence


def aligned_lines(rows: Sequence[Sequence[str]], *, left: int = 2) -> list[str]:
    """The lines of a table: the header row, a rule of dashes, then the other rows.

    Args:
        rows: The header row first, then one row per line; every row as long as the header.
        left: How many leading columns are left-aligned (text); the rest align right.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for i, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(w) if j < left else cell.rjust(w)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines
