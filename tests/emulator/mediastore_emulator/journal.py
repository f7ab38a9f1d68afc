"""The journal: every control- and data-plane request, in order, for tests to read what a client really sent."""

import threading
import time


class Journal:
    def __init__(self, limit=200_000):
        self._entries = []
        self._seq = 0
        self._limit = limit
        self._lock = threading.Lock()

    def record(self, **entry):
        with self._lock:
            self._seq += 1
            self._entries.append({"seq": self._seq, "time": round(time.time(), 3), **entry})
            if len(self._entries) > self._limit:
                del self._entries[: len(self._entries) - self._limit]

    def since(self, seq):
        """Entries after ``seq``, and in ``next`` the highest sequence number so far (a mark for the next call)."""
        with self._lock:
            entries = [e for e in self._entries if e["seq"] > seq]
            return {"entries": entries, "next": self._seq}

    def clear(self):
        # Sequence numbers keep growing so a mark taken before a reset never hides later entries.
        with self._lock:
            self._entries.clear()
