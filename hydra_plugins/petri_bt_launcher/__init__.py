"""petri_bt's Hydra sweeper (`petri_bt`, the default) and launchers: `inspect` (every job in
one Inspect eval set, the default), `ray`, and `slurm`.

A launcher is one module here (`<name>_launcher.py`: its settings schema and a
`petri_bt.sweep.SweepLauncher` subclass), one file in `conf/hydra/launcher/` when it
has defaults to ship, and its tests. Importing this package registers petri_bt's
OmegaConf resolvers (`${petri_bt.sweep:}` in `hydra.sweep.dir`, `${petri_bt.job:}` in
the subdir), which Hydra needs on every command.
"""

from petri_bt.sweep import register_resolvers

register_resolvers()
