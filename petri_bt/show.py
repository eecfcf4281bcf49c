"""`action=show`: print what a run would do, without running it."""

from __future__ import annotations

from omegaconf import DictConfig

from petri_bt.roles import resolve_roles
from petri_bt.run._seeds import seed_source


def show_run(cfg: DictConfig) -> None:
    """Print the resolved roles (with where each came from) and the seed selection.

    Args:
        cfg: The composed run config.
    """
    roles = resolve_roles(cfg)
    width = max(len(r) for r in roles)
    model_width = max(len(spec.model) for spec in roles.values())
    print(f"preset: {cfg.preset.name}: {cfg.preset.description}")
    for role, spec in roles.items():
        print(f"  {role:<{width}}  {spec.model:<{model_width}}  [{spec.source}]")
    source = seed_source(cfg.seeds)
    shown = (
        f"{len(source)} inline seeds" if isinstance(source, list) else (source or "built-in set")
    )
    print(
        f"seeds: {shown}; limit={cfg.limit or 'all'}; epochs={cfg.epochs}; max_turns={cfg.max_turns}"
    )
    print(f"export: sink={cfg.export.sink} mode={cfg.export.mode} project={cfg.export.project}")
