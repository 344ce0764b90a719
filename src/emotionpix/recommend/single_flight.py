"""One computation per key at a time in a process: whoever asks for a key while it is being
computed shares that computation instead of starting another (the recommender's provider
calls, the enrichment's TMDB lookups)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import wait as wait_for
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class SingleFlight:
    """The computations under way, by key, each a Future: ``share`` hands every caller the
    one of its key (work started in the background: each caller decides how long to wait);
    ``lead`` has the first caller do the work itself while the others wait for it, at most
    ``patience`` seconds."""

    def __init__(self, patience: float = 10.0):
        self.patience = patience
        self._running: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()

    def share(self, key: str, start: Callable[[], Future[T]]) -> Future[T]:
        """The computation of ``key`` under way, else the one ``start`` begins."""
        with self._lock:
            running = self._running.get(key)
            if running is not None and not running.done():
                return running
            mine = self._running[key] = start()
        # Outside the lock: a computation already done runs the callback at once, here, and
        # _forget takes the lock.
        mine.add_done_callback(lambda done: self._forget(key, done))
        return mine

    @contextmanager
    def lead(self, key: str) -> Iterator[bool]:
        """True: this caller leads (does the work; the others go on when it is done); False:
        another caller led, and this one waited for it."""
        mine: Future[None] = Future()
        running = self.share(key, lambda: mine)
        if running is not mine:
            wait_for([running], self.patience)
            yield False
            return
        try:
            yield True
        finally:
            mine.set_result(None)

    def _forget(self, key: str, done: Future[Any]) -> None:
        with self._lock:
            if self._running.get(key) is done:
                del self._running[key]
