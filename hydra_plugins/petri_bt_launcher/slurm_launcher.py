"""`hydra/launcher=slurm`: hydra-submitit-launcher's SLURM launcher, ending in one clear line.

`conf/hydra/launcher/slurm.yaml` selects this class. It runs the sweep exactly as
hydra-submitit-launcher does (one SLURM array job, each task composing its job on
its node and running the normal single-run path); what it adds: when SLURM ends a
job without a result (`scancel`, a node failure, the time limit), the command says
so in one line naming the job and its SLURM state, and exits 1, instead of a
traceback. The other jobs go on on the cluster; rerunning the same command reuses
the finished ones and resumes the rest.

Hydra imports this module on every command, with or without the `launchers` extra.
"""

import re
import sys
from collections.abc import Sequence

from hydra.core.utils import JobReturn
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

from petri_bt.sweep import PlannedJob, SweepLauncher

try:
    from hydra_plugins.hydra_submitit_launcher import submitit_launcher as _submitit
except ImportError:  # hydra-submitit-launcher is not installed: no SLURM launcher
    _submitit = None  # type: ignore[assignment]

if _submitit is not None:

    class SlurmLauncher(SweepLauncher, _submitit.SlurmLauncher):
        """hydra-submitit-launcher's SlurmLauncher; a job SLURM ended is one line, exit 1."""

        def setup(
            self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
        ) -> None:
            _submitit.SlurmLauncher.setup(
                self, hydra_context=hydra_context, task_function=task_function, config=config
            )

        def run_jobs(self, jobs: list[PlannedJob]) -> Sequence[JobReturn]:
            from submitit.core.utils import UncompletedJobError

            overrides = [job.overrides for job in jobs]
            try:
                return _submitit.SlurmLauncher.launch(self, overrides, jobs[0].num)
            except UncompletedJobError as exc:
                print(f"petri_bt: error: {_lost(exc, jobs)}", file=sys.stderr)
                sys.exit(1)


def _lost(exc: Exception, jobs: Sequence[PlannedJob]) -> str:
    """One line: which sweep job SLURM ended, its SLURM id and state, and what to do."""
    text = " ".join(str(exc).split("Error stream produced")[0].split())
    found = re.search(r"Job (\S+?)(?:_(\d+))? .*?\(state: ([^)]*)\)", text)
    if found is None:
        what = text
    else:
        slurm_id, task, state = found.groups()
        offset = int(task or 0)
        where = f"SLURM job {slurm_id}" + (f"_{task}" if task else "")
        what = f"{where} ended without a result ({state})"
        if offset < len(jobs):
            job = jobs[offset]
            name = job.plan.job.name if job.plan.job else ""
            what = f"job {job.num} ({name}): {what}"
    return (
        f"{what}; the other jobs go on on the cluster: rerun the same command to resume "
        "the sweep (finished jobs are reused)"
    )
