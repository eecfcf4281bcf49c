"""petri_bt: declarative Petri alignment audits with Hydra, tracked in Braintrust.

The package root stays light (no Inspect import) so the command line answers fast.
"""

from petri_bt._api import compose, execute, plan
from petri_bt._version import __version__
from petri_bt.errors import UserError

__all__ = ["UserError", "__version__", "compose", "execute", "plan"]
