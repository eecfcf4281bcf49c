"""`action=rerun from_logs=<run folder>`: the same run again, from its rerun record.

The original command's overrides are composed again with what the record pins:
each role's model, the seed texts it audited (a study: its own copy in the run
folder), the judge dimensions with their rubrics and the pricing table. Anything
that only said where or how to run the original (its action, `from_logs`, the
seed selection and limit, a shard, `export.experiment`, Hydra's own settings) is
left out: the rerun is a new run, in a new folder under `outputs/runs/`, with
experiments of its own. (A study keeps its limit and shard: they pick the seeds of
its copy.) Package versions that differ from the original's are named.
"""

from __future__ import annotations

import sys
from pathlib import Path

from petri_bt.errors import UserError
from petri_bt.roles import ROLES
from petri_bt.run._plan import RunPlan, explicit_keys, make_plan
from petri_bt.run._record import Record, read_record, version_differences

# Keys of the original command that the record pins, or that do not belong to a rerun.
_DROPPED = {
    "action",
    "from_logs",
    "seeds",
    "judge_dimensions",
    "export.experiment",
    "study.path",
    *ROLES,
}
_PRICE_KEYS = ("input", "output", "cache_read", "cache_write")
_SEED_SELECTION = {"limit", "shard", "shards"}  # pinned by a plain run's seeds file


def original_folder(the_plan: RunPlan) -> Path:
    """The one run folder `from_logs` names.

    Raises:
        UserError: Not exactly one existing folder.
    """
    folders = [Path(p).expanduser() for p in the_plan.from_logs]
    if len(folders) != 1 or not folders[0].is_dir():
        raise UserError(
            "action=rerun repeats one run: give its folder, from_logs=outputs/runs/<date>/<time>"
        )
    return folders[0].resolve()


def rerun_overrides(record: Record) -> list[str]:
    """The overrides that repeat the recorded run."""
    dropped = _DROPPED if record.study is not None else _DROPPED | _SEED_SELECTION
    kept = [
        o
        for o in record.overrides
        if not o.startswith(("hydra.", "hydra/", "-"))
        and not (explicit_keys([o]) & dropped)
        and "<redacted>" not in o
    ]
    pins = [f"{role}={model}" for role, model in record.roles.items() if role in ROLES]
    if record.dimensions is not None:
        pins.append(f"judge_dimensions=[{record.dimensions}]")
    if record.study is not None:
        pins.append(f"study.path={record.study}")
    elif record.seeds is not None:
        pins += [f"seeds={record.seeds}", "limit=0"]
    return kept + pins


def rerun_plan(the_plan: RunPlan) -> RunPlan:
    """The plan of a rerun of the run folder `from_logs` names; says what differs.

    Args:
        the_plan: The plan of the `action=rerun` command.
    """
    from omegaconf import open_dict

    from petri_bt.config import PricingOverride, compose_config

    record = read_record(original_folder(the_plan))
    overrides = rerun_overrides(record)
    cfg = compose_config(overrides)
    with open_dict(cfg):
        for model, price in record.pricing.items():
            cfg.export.pricing[model] = PricingOverride(**{k: price.get(k) for k in _PRICE_KEYS})
    planned = make_plan(cfg, overrides=overrides)
    print(f"petri_bt: rerun of {record.run_dir}")
    secret = [o for o in record.overrides if "<redacted>" in o]
    if secret:
        print(
            f"petri_bt: warning: {len(secret)} override(s) of the original held a secret, which "
            f"was never saved, and are left out: {', '.join(secret)}; set keys in the environment",
            file=sys.stderr,
        )
    differences = version_differences(record)
    for line in differences:
        print(f"petri_bt: note: {line}", file=sys.stderr)
    if not differences:
        print("petri_bt: the same package versions as the original run")
    return planned
