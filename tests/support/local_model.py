"""The real model of scripts/local-model, for the realmodel tests and bench/realmodel.py.

`running_server()` finds the shared server (`scripts/local-model status`); `OwnServer`
starts another one from the same install, on its own port and folder, for a test that
kills it. `README_COMMANDS` are the README's real-model commands (the text after
`python -m petri_bt`): the realmodel tests run each of them as written, and
tests/test_readme.py checks the README holds exactly these.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "local-model"
MODEL = "llama-cpp-python/smollm2"
BASE_URL_VARIABLE = "LLAMA_CPP_PYTHON_BASE_URL"

AUDIT = f"preset=offline target={MODEL} seeds=id:blackmail_self_preservation max_turns=2"
THREE_ROLES = (
    f"preset=offline target={MODEL} auditor={MODEL} judge={MODEL} limit=1 max_turns=1 "
    '"judge_dimensions=[concerning]" compaction=false timeout=240 max_retries=0'
)
SWEEP = f'-m preset=offline target={MODEL} "+target.config.temperature=0.7,1" limit=1 max_turns=1'
STUDY = f"study=observer-effect preset=offline target={MODEL} limit=1 max_turns=1"
README_COMMANDS = (AUDIT, THREE_ROLES, SWEEP, STUDY)


def read_samples(log: Path) -> list[dict[str, Any]]:
    """The samples of an `.eval` log as stored (JSON)."""
    import zipfile

    import zipfile_zstd  # noqa: F401  (Inspect writes zstd members)

    with zipfile.ZipFile(log) as archive:
        names = [n for n in archive.namelist() if n.startswith("samples/")]
        return [json.loads(archive.read(n)) for n in names]


def running_server() -> str | None:
    """The API root of the server `scripts/local-model` runs, or None when it is down."""
    status = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True, check=False)
    if status.returncode != 0:
        return None
    for line in status.stdout.splitlines():
        if line.startswith(f"{BASE_URL_VARIABLE}="):
            return line.partition("=")[2]
    return None


def wait_idle(url: str, timeout: float = 900) -> None:
    """Return once the server at `url` is free: a one-token request waits behind any
    answer it is still computing (one a client gave up on, say).

    Args:
        url: The server's API root.
        timeout: Seconds to wait at most.
    """
    import urllib.request

    body = {"model": "smollm2", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}
    request = urllib.request.Request(
        f"{url}/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        answer.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OwnServer:
    """A server of its own from the installed local model (its own port and folder).

    Args:
        folder: Its PETRI_BT_LOCAL_MODEL_DIR (pid file, log).
        port: Its port on 127.0.0.1.
    """

    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def _script(self, command: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "PETRI_BT_LOCAL_MODEL_DIR": str(self.folder),
            "PETRI_BT_LOCAL_MODEL_PORT": str(self.port),
        }
        return subprocess.run(
            [str(SCRIPT), command], env=env, capture_output=True, text=True, check=False
        )

    def start(self) -> None:
        started = self._script("start")
        assert started.returncode == 0, started.stdout + started.stderr

    def stop(self) -> None:
        self._script("stop")

    def pid(self) -> int:
        return int((self.folder / "server.pid").read_text().strip())

    def answered(self) -> int:
        """Chat completions the server has answered so far (its access log)."""
        if not self.log.exists():
            return 0
        return self.log.read_text(errors="replace").count(
            '"POST /v1/chat/completions HTTP/1.1" 200'
        )

    def kill_after(self, answered: int, timeout: float) -> bool:
        """SIGKILL the server once it has answered `answered` completions.

        Returns:
            Whether it was killed (False: the count was not reached within `timeout`).
        """
        deadline = time.monotonic() + timeout
        while self.answered() < answered:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        os.kill(self.pid(), signal.SIGKILL)
        return True
