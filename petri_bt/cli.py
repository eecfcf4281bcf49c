"""The one Hydra entry point: composed config in, action out.

Only Hydra and the config schemas are imported at module level, so `--help`
and `--cfg job` answer without importing Inspect.
"""

from __future__ import annotations

import io
import sys

import hydra
from omegaconf import DictConfig

import petri_bt.config  # noqa: F401  (registers the schema with the ConfigStore)
from petri_bt._paths import conf_dir

# Hydra writes composition errors to stderr as several lines; this collects them so
# the user gets one. It is swapped back for the real stream as soon as a job starts.
_composition_stderr: io.StringIO | None = None
_real_stderr = sys.stderr

_NOISE = ("full_key:", "object_type=", "reference_type=", "To append to your config")
_STOP = ("Config search path:", "Set the environment variable HYDRA_FULL_ERROR")


def one_line(message: str) -> str:
    """Condense a Hydra/OmegaConf error message to one line, keeping what matters."""
    kept: list[str] = []
    for raw in message.splitlines():
        line = raw.strip()
        if any(line.startswith(stop) for stop in _STOP):
            break
        if not line or any(line.startswith(noise) for noise in _NOISE):
            continue
        kept.append(line)
    return " ".join(kept) or message.strip()


def release_stderr() -> None:
    """Give stderr back once composition is over (a job or a sweep launcher starts)."""
    global _composition_stderr
    if _composition_stderr is not None:
        pending = _composition_stderr.getvalue()
        sys.stderr = _real_stderr
        _composition_stderr = None
        if pending:
            sys.stderr.write(pending)


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> bool:
    release_stderr()
    from petri_bt.app import dispatch

    return dispatch(cfg)


def main() -> None:
    """Run the petri_bt command line."""
    global _composition_stderr
    if any(arg in ("--help", "-h") for arg in sys.argv[1:]):
        from petri_bt.config._help import render_help

        print(render_help())
        return
    _composition_stderr = io.StringIO()
    sys.stderr = _composition_stderr
    try:
        _hydra_main()
    except SystemExit as exit_:
        captured = _composition_stderr
        if captured is not None and exit_.code not in (0, None):
            sys.stderr = _real_stderr
            _composition_stderr = None
            print(f"petri_bt: error: {one_line(captured.getvalue())}", file=sys.stderr)
            raise SystemExit(2) from None
        raise
    finally:
        release_stderr()
