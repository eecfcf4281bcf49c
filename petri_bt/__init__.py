"""petri_bt: declarative Petri alignment audits with Hydra, tracked in Braintrust.

The package root stays light (no Hydra, no Inspect) so the command line answers fast
and a helper process (the export's sender) starts without them: each public name
loads its module on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petri_bt._lazy import lazy_exports
from petri_bt._version import __version__
from petri_bt.errors import UserError

if TYPE_CHECKING:
    from petri_bt._api import compose, execute, plan

__all__ = ["UserError", "__version__", "compose", "execute", "plan"]

__getattr__ = lazy_exports(
    __name__, {"compose": "petri_bt._api", "execute": "petri_bt._api", "plan": "petri_bt._api"}
)
