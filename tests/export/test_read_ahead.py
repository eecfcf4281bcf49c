"""The reader thread: bounded ahead of the sender, errors raised where the sender is, stoppable."""

from __future__ import annotations

import threading
import time
from contextlib import closing

import pytest

from petri_bt.export._read_ahead import read_ahead


def test_items_arrive_in_order_and_the_producer_stays_a_bounded_distance_ahead():
    produced: list[int] = []

    def producer():
        for i in range(20):
            produced.append(i)
            yield i

    seen = []
    for item in read_ahead(producer(), size=3):
        time.sleep(0.01)  # a slow sender
        # at most the queue (3), one waiting to be put, and the one just taken
        assert len(produced) - len(seen) <= 5
        seen.append(item)
    assert seen == list(range(20))


def test_a_producer_error_is_raised_in_the_consumer():
    def producer():
        yield 1
        raise ValueError("damaged")

    with pytest.raises(ValueError, match="damaged"):
        list(read_ahead(producer(), size=2))


def test_a_consumer_that_stops_early_stops_the_producer_and_closes_it():
    closed = threading.Event()

    def producer():
        try:
            yield from range(10_000)
        finally:
            closed.set()

    with closing(read_ahead(producer(), size=2)) as items:
        for item in items:
            if item == 3:
                break
    assert closed.wait(2)
    assert not [t for t in threading.enumerate() if t.name == "petri_bt-reader"]
