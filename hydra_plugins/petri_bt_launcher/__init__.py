"""petri_bt's Hydra launchers: `inspect` (every job in one Inspect eval set), `ray`, and `slurm`."""
