"""petri_bt: declarative Petri alignment audits with Hydra, tracked in Braintrust.

The package root stays light (no Inspect import) so the command line answers fast.
"""

from petri_bt._api import compose, execute
from petri_bt.errors import UserError

__version__ = "0.1.0"

__all__ = ["UserError", "__version__", "compose", "execute"]
