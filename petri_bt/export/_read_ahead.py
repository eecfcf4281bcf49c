"""Run a producer in a background thread, a bounded queue ahead of its consumer.

The export reads and maps samples in one thread while the other sends: the
queue's bound keeps memory flat however long the log, and whichever side is
slower sets the pace.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any

_END = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def read_ahead[T](items: Iterable[T], size: int, name: str = "petri_bt-reader") -> Iterator[T]:
    """Iterate over `items`, produced up to `size` ahead in a background thread.

    An exception in the producer is raised in the consumer at that point; a
    consumer that stops early (or fails) stops the producer.

    Args:
        items: The producer (typically a generator; it runs in the background thread).
        size: How many items may wait in the queue.
        name: The thread's name.
    """
    waiting: queue.Queue[Any] = queue.Queue(maxsize=max(1, size))
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as ex:  # handed to the consumer, raised there
            put(_Failed(ex))
            return
        finally:
            close = getattr(items, "close", None)
            if stop.is_set() and close is not None:
                close()
        put(_END)

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = waiting.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
