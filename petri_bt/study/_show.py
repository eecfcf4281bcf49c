"""`action=show` for a study: what it tests, how, and (on request) every seed each arm sees."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from petri_bt.run import RunPlan
from petri_bt.study._custom_dimensions import direction
from petri_bt.study._overlay import overlay_seed
from petri_bt.study._spec import Seed, StudySpec


def _wrap(text: str, indent: str = "  ") -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(
        textwrap.fill(
            " ".join(p.split()), width=96, initial_indent=indent, subsequent_indent=indent
        )
        for p in paragraphs
    )


def describe_study(
    spec: StudySpec, show_seeds: bool = False, running: Sequence[Seed] | None = None
) -> str:
    """A study described as text.

    Args:
        spec: The study.
        show_seeds: Also print every overlaid seed, per condition.
        running: The base seeds this run audits (default: all of them).
    """
    seeds = list(spec.base_seeds if running is None else running)
    lines = [
        f"{spec.name}: {spec.title}",
        f"  file: {spec.path}",
        f"  fingerprint: {spec.fingerprint}",
        "",
    ]
    lines += [
        "Description:",
        _wrap(spec.description),
        "",
        "Hypothesis:",
        _wrap(spec.hypothesis),
        "",
    ]
    deltas = ", ".join(spec.delta(t) for t in spec.treatments)
    lines.append(f"Conditions (delta = {deltas}):")
    for condition in spec.conditions:
        role = spec.role(condition.name)
        lines.append(f"  {condition.name} [{role}]: {condition.description or '(no description)'}")
        for label, text in (
            ("seed prefix", condition.seed_prefix),
            ("seed suffix", condition.seed_suffix),
            ("system prompt addition", condition.system_prompt_addition),
        ):
            if text:
                lines.append(f"    {label}: {' '.join(text.split())}")
        for key, value in condition.run_overrides.items():
            lines.append(f"    {key} = {value}")
    lines.append("")
    lines.append(
        f"Base seeds: {len(seeds)} of the {len(spec.base_seeds)} run"
        + ("" if show_seeds else " (show the overlaid texts with study.show_seeds=true)")
    )
    lines.extend(f"  {seed.id}  ({seed.source})" for seed in seeds)
    if spec.probe:
        lines += [
            "",
            "Pinned probe (must appear in the auditor's send_message calls):",
            _wrap(spec.probe),
        ]
    lines += ["", "Focus dimensions:"]
    lines.extend(f"  {d}  ({direction(spec.palette(d))})" for d in spec.focus_dimensions)
    lines.append("Moderator dimensions:")
    lines.extend(f"  {d}" for d in spec.moderator_dimensions)
    lines.append(f"Smallest effect of interest: {spec.smallest_effect:g} raw judge point(s)")
    if spec.custom_dimensions:
        lines.append("Custom dimensions:")
        lines.extend(
            f"  {c.name}  ({direction(c.palette)}): {c.description}" for c in spec.custom_dimensions
        )
    if show_seeds:
        for condition in spec.arms:
            for seed in seeds:
                lines += [
                    "",
                    f"=== {condition.name} / {seed.id} ===",
                    overlay_seed(seed.text, condition),
                ]
    return "\n".join(lines)


def show_study(plan: RunPlan) -> None:
    """Print the study the plan names: hypothesis, conditions, dimensions, seeds.

    Args:
        plan: The run plan (`study=<name>`, `study.show_seeds=true` for seeds).
    """
    from petri_bt.study._runner import study_spec

    spec = study_spec(plan)
    running = plan.seed_share(spec.base_seeds)
    print(describe_study(spec, show_seeds=plan.show_seeds, running=running))
