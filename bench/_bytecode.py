"""The benchmarks measure installed commands in their steady state, bytecode written.

Python writes a module's bytecode the first time it imports it, except where
PYTHONDONTWRITEBYTECODE is set (as on the reference machine). The editable install
never compiles petri_bt either, so there every timed command would compile the
package's source again (0.05-0.1 s a command), which no installed command does.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_bytecode() -> None:
    """Write the bytecode of petri_bt and its Hydra plugins, as a first run would."""
    for folder in ("petri_bt", "hydra_plugins"):
        compileall.compile_dir(ROOT / folder, quiet=1)
