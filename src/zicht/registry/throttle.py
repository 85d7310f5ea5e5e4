"""Failed-authentication throttling: a sliding window of failures per name.

A name is a key id or a client address. After ``limit`` failures within ``window``
seconds the name is blocked until its oldest failure leaves the window; a blocked caller
is answered 429 with ``Retry-After`` before any argon2 work is done. Memory is bounded:
at most ``max_names`` names are tracked (the stalest are forgotten first).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class FailureWindow:
    """Counts failures per name in a sliding window; thread-safe."""

    def __init__(self, limit: int, window: float, *, max_names: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_names = max_names
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, name: str) -> int | None:
        """Seconds until ``name`` may try again, or None when it is not blocked."""
        now = self._clock()
        with self._lock:
            times = self._failures.get(name)
            if times is None:
                return None
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) < self.limit:
                return None
            return max(1, math.ceil(times[0] + self.window - now))

    def fail(self, name: str) -> None:
        """Record one failure of ``name``."""
        now = self._clock()
        with self._lock:
            times = self._failures.pop(name, None) or deque(maxlen=self.limit)
            times.append(now)
            self._failures[name] = times  # most recent last
            while len(self._failures) > self.max_names:
                self._failures.popitem(last=False)
