"""petri_bt's Hydra launcher: every job of a sweep in one Inspect eval set (`hydra/launcher=inspect`)."""
