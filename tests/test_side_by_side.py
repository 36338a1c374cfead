"""graph.side_by_side.run_all: a page's independent reads on the calling thread and one more."""

from __future__ import annotations

import threading
import time

import pytest

from graph import side_by_side


def test_results_come_back_in_order_from_two_threads() -> None:
    seen: list[str] = []
    gate = threading.Barrier(2, timeout=5)

    def call(i: int) -> int:
        if i < 2:  # the first two wait for each other: they can only finish on two threads at once
            gate.wait()
        seen.append(threading.current_thread().name)
        time.sleep(0.001)
        return i * i

    assert side_by_side.run_all([lambda i=i: call(i) for i in range(6)], threads=2) == [0, 1, 4, 9, 16, 25]
    assert len(set(seen)) == 2


def test_one_thread_reads_in_turn_and_an_error_reaches_the_caller() -> None:
    order: list[int] = []
    assert side_by_side.run_all([lambda i=i: order.append(i) or i for i in range(4)], threads=1) == [0, 1, 2, 3]
    assert order == [0, 1, 2, 3]

    def boom() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        side_by_side.run_all([lambda: 1, boom, lambda: 3], threads=2)
    assert side_by_side.run_all([]) == []
