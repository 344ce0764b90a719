"""A circuit breaker: after repeated failures, stop calling a dependency for a while, so a
dead movie API or database costs microseconds per request instead of a timeout each. Used by
the provider HTTP client and the cache guard; depends on nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable


class CircuitBreaker:
    """Closed: calls go through. After ``failures`` consecutive failed calls it opens and
    refuses calls for ``cooldown`` seconds; then it lets one trial call through (half open):
    success closes it, failure opens it again."""

    def __init__(self, failures: int, cooldown: float, clock: Callable[[], float]):
        self.failures_to_open = failures
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()
        self.times_opened = 0

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at < self.cooldown:
            return "open"
        return "half-open"

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open state, only one at a time)."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half-open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial_running = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.failures_to_open:
                if self._opened_at is None or self._trial_running:
                    self.times_opened += 1
                self._opened_at = self._clock()
                self._trial_running = False
