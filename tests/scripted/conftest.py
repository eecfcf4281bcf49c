"""Offline guards for the scripted provider tests."""

import socket
from collections.abc import Iterator

import pytest


def _no_tiktoken(*args: object, **kwargs: object) -> None:
    raise AssertionError("tiktoken was used: token counting fell back to a tokenizer download")


def _no_network(self: socket.socket, address: object) -> None:
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)
    raise AssertionError(f"network connection attempted to {address!r}")


_real_connect = socket.socket.connect


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No tokenizer downloads, no network: tiktoken and outbound sockets raise."""
    import tiktoken

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path_factory.mktemp("empty-tiktoken")))
        mp.delenv("PETRI_BT_SCRIPTED_LATENCY", raising=False)
        mp.setattr(tiktoken, "get_encoding", _no_tiktoken)
        mp.setattr(tiktoken, "encoding_for_model", _no_tiktoken)
        mp.setattr(socket.socket, "connect", _no_network)
        yield
