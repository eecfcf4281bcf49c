"""Placeholder dispatch."""
from omegaconf import DictConfig, OmegaConf


def dispatch(cfg: DictConfig) -> None:
    print(OmegaConf.to_yaml(cfg))
