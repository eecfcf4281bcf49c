"""A real headless Chromium (Debian's `chromium`) driven through Playwright, for page tests.

Playwright's own browser download is never used: the tests launch `/usr/bin/chromium`
(CI installs it with apt-get) with the flags this machine's closed network needs, in a
fresh profile each time. Without Chromium the tests skip, except under CI, where they fail.

`open_page(browser, url)` loads a page and records every console message and page error;
`served(folder)` serves a folder over loopback HTTP (with byte ranges, as Inspect's viewer
reads logs), for pages that browsers refuse to run from `file://`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = os.environ.get("PETRI_BT_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> str:
    """The Chromium executable; skips the test when it is missing (fails it under CI)."""
    if shutil.which(CHROMIUM) or Path(CHROMIUM).is_file():
        return CHROMIUM
    message = f"no Chromium at {CHROMIUM}: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright `Browser`), closed on exit."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Loaded:
    """A page loaded in the browser, with what it said on its console.

    Args:
        page: The Playwright page.
        console: (type, text) of every console message.
        errors: Uncaught page errors and failed requests (not those the page aborted).
    """

    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.errors


def _failed(loaded: Loaded, request: Any) -> None:
    """A request that failed, unless the page cancelled it itself (a script aborting a
    fetch it no longer needs: Inspect's viewer does, switching to byte-range reads)."""
    if request.failure != "net::ERR_ABORTED":
        loaded.errors.append(f"request failed ({request.failure}): {request.url}")


def open_page(browser: Any, url: str, *, wait_ms: int = 0) -> Loaded:
    """Open a URL in a new page and record its console, errors and failed requests.

    Args:
        browser: A browser from `chromium()`.
        url: The address (`file://...` or `http://127.0.0.1:...`).
        wait_ms: Time to let scripts run after the load.
    """
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    loaded = Loaded(page)
    page.on("console", lambda m: loaded.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: loaded.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: _failed(loaded, r))
    page.goto(url, wait_until="load")
    if wait_ms:
        page.wait_for_timeout(wait_ms)
    return loaded


def local_target(page_url: str, href: str) -> Path:
    """The file a relative link of a `file://` page points to (its #fragment dropped)."""
    base = Path(unquote(urlsplit(page_url).path)).parent
    return (base / unquote(href.split("#", 1)[0])).resolve()


def hrefs(loaded: Loaded) -> list[str]:
    """Every link's href on the page, as written."""
    return loaded.page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.getAttribute('href'))"
    )


class _Quiet(SimpleHTTPRequestHandler):
    """A static file handler that answers byte ranges (Inspect's viewer asks for them)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        return

    def send_head(self) -> Any:
        match = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return _Slice(handle, end - start + 1)


class _Slice:
    """The part of an open file a range asks for, read like a file by the handler."""

    def __init__(self, handle: Any, length: int):
        self._handle = handle
        self._left = length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve a folder on loopback HTTP; yields its base URL (`http://127.0.0.1:PORT`)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
