"""Provider benchmark: one offline audit through a real provider over HTTP vs in-process.

    python bench/providers.py                 # 4 seeds, 6 turns, 2 rounds
    python bench/providers.py --seeds 8 --turns 10 --rounds 3

The same audit (Petri's first N built-in seeds, fixed max_turns, the same scripted
personas: compliant target, auditor, auditor answering as judge) runs twice per round:

1. baseline: the in-process scripted provider (`scripted/compliant`, `scripted/auditor`);
2. over HTTP: Inspect's real `ollama/` provider (the openai SDK) talking to the loopback
   Ollama server (tests/support/ollama_api.py), which runs in its own process, as a
   real server would, and answers with the same personas.

Both run in one child process through `petri_bt.execute` after a warm-up audit of
each kind, so the figures are the audits' own (no Python startup, no first import).
`compaction=false` for both: a local auditor's compaction counts tokens with tiktoken,
which needs a download. Prints seconds per audit, model calls, and the overhead of the
HTTP path as a ratio to the baseline and as milliseconds per model call.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _env import bench_env

ROOT = Path(__file__).resolve().parent.parent
SERVED = ("mistral=compliant", "qwen3:32b=auditor")
OVER_HTTP = ["target=ollama/mistral", "auditor=ollama/qwen3:32b", "judge=ollama/qwen3:32b"]
IN_PROCESS = ["target=scripted/compliant", "auditor=scripted/auditor", "judge=scripted/auditor"]


def child(seeds: int, turns: int, rounds: int, out: str) -> None:
    """Run the audits (in the child process) and print the timings as JSON."""
    os.environ["INSPECT_DISPLAY"] = "none"
    import petri_bt

    common = [f"limit={seeds}", f"max_turns={turns}", "compaction=false", "export=none"]

    def audit(roles: list[str], name: str) -> tuple[float, int]:
        start = time.perf_counter()
        result = petri_bt.execute([*roles, *common], run_dir=Path(out) / name)
        seconds = time.perf_counter() - start
        (log,) = result.summary["logs"]
        if not result.ok or log["samples"] != seeds or not log["dimension_means"]:
            raise SystemExit(f"{name}: the audit did not complete: {json.dumps(log)[:500]}")
        return seconds, log["samples"]

    audit(IN_PROCESS, "warm-scripted")
    audit(OVER_HTTP, "warm-http")
    times: dict[str, list[float]] = {"in_process": [], "over_http": []}
    calls = []
    for r in range(rounds):
        times["in_process"].append(audit(IN_PROCESS, f"scripted-{r}")[0])
        before = _answered_calls()
        times["over_http"].append(audit(OVER_HTTP, f"http-{r}")[0])
        calls.append(_answered_calls() - before)
    print(json.dumps({**times, "calls": calls}))


def _server() -> tuple[subprocess.Popen[str], str]:
    args = [sys.executable, str(ROOT / "tests" / "support" / "ollama_api.py")]
    for model in SERVED:
        args += ["--model", model]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("LISTENING "):
        proc.kill()
        raise SystemExit(f"the Ollama stand-in did not start: {line!r}")
    return proc, line.split(" ", 1)[1]


def _answered_calls() -> int:
    """Generate calls the stand-in has answered so far (read in the child)."""
    import urllib.request

    root = os.environ["OLLAMA_BASE_URL"].removesuffix("/v1")
    with urllib.request.urlopen(f"{root}/_loopback/stats", timeout=5) as reply:
        answered = json.load(reply)["answered"]
    return sum(n for key, n in answered.items() if key.startswith("/v1/chat/completions "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.seeds, args.turns, args.rounds, args.child)
        return

    proc, url = _server()
    try:
        env = bench_env(OLLAMA_BASE_URL=f"{url}/v1")
        with tempfile.TemporaryDirectory(prefix="petri_bt-bench-providers-") as out:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--seeds",
                    str(args.seeds),
                    "--turns",
                    str(args.turns),
                    "--rounds",
                    str(args.rounds),
                    "--child",
                    out,
                ],
                env=env,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
        if done.returncode != 0:
            raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
        times = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    base = min(times["in_process"])
    http = min(times["over_http"])
    print(f"audit: {args.seeds} seeds x max_turns={args.turns}, best of {args.rounds} rounds")
    print(f"  in-process scripted provider : {base:6.2f} s   (all: {_fmt(times['in_process'])})")
    print(f"  ollama/ over HTTP (stand-in) : {http:6.2f} s   (all: {_fmt(times['over_http'])})")
    calls = max(times["calls"])
    print(f"  model calls over HTTP per audit: {calls}")
    print(f"  overhead ratio (HTTP / in-process): {http / base:.2f}x")
    print(f"  overhead per model call: {(http - base) / calls * 1000:.1f} ms")


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
