"""Requests at the same moment: one thread per task, released together by a barrier (the
concurrency tests and the benchmarks use it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def run_parallel(
    tasks: list[Callable[[threading.Barrier], T]], barrier_timeout: float = 20, join_timeout: float = 60
) -> list[T]:
    """Run each task in its own thread; a task calls barrier.wait() right before its request so
    all requests reach the database together. Re-raises a task's exception; fails if one hangs."""
    barrier = threading.Barrier(len(tasks), timeout=barrier_timeout)
    results: list[Any] = [None] * len(tasks)

    def runner(index: int) -> None:
        try:
            results[index] = tasks[index](barrier)
        except BaseException as exc:  # surfaced below, in the caller's thread
            results[index] = exc

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_timeout)
    assert not any(thread.is_alive() for thread in threads), "a parallel request hung"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results
