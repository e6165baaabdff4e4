"""Running async code from a sync test on a thread of its own.

Playwright's sync API keeps its event loop marked as running on the main thread for the rest
of the session, so on a worker that also ran a browser test, `asyncio.run()` (the test's, or
the one in `trustcenter outbox retry`) would refuse to start there.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def in_own_thread(func: Callable[[], T]) -> T:
    """`func()` on a fresh thread; its result, or its exception raised here."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(func())
        except BaseException as exc:  # handed to the caller
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    return in_own_thread(lambda: asyncio.run(coroutine))
