"""Where the checkout keeps what the tests read: the shipped studies and the config."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUDIES = ROOT / "studies"
