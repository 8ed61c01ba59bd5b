"""A small in-process rate limiter (fixed one-minute windows per client and bucket).

Public ids are random, so guessing is hopeless anyway; the limit keeps scraping and
brute force expensive and protects the workers. Each process counts for itself
(with N gunicorn workers a client may get up to N times the limit); a shared store
is an operations choice (see docs/security.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, *, per_minute: int, clock: Callable[[], float] = time.monotonic, max_clients: int = 50_000):
        self.per_minute = per_minute
        self._clock = clock
        self._max_clients = max_clients
        self._window = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one request of ``client``; False when it is over the limit this minute."""
        window = int(self._clock() // 60)
        with self._lock:
            if window != self._window or len(self._counts) > self._max_clients:
                self._window, self._counts = window, {}
            count = self._counts.get(client, 0) + 1
            self._counts[client] = count
            return count <= self.per_minute

    def retry_after(self) -> int:
        return max(1, 60 - int(self._clock() % 60))
