"""A state store that reads through to another and keeps its own writes in memory: a read-only view.

Building a cluster's graph for the first time creates its CA keysets in the state store (the user
data embeds the CAs' certificates). A command that only looks (`update cluster` without --yes,
`graph`) must write nothing, so it builds against this overlay (pipeline.open_session with
read_only): reads see the real store (existing keysets are used as they are), writes and deletes
stay here and are dropped with it, or handed on to the real store by flush() once the command has
decided to write (`update cluster --yes` checks its plan first, so a refused update writes nothing).
"""

from __future__ import annotations

import hashlib

from kopsgen.state.store import ABSENT, ConcurrentWriteError, StateStore, Version


class OverlayStore(StateStore):
    persistent = False
    def __init__(self, base: StateStore):
        self.base = base
        self.url = base.url
        self._written: dict[str, bytes] = {}
        self._deleted: set[str] = set()
        self._how: dict[str, tuple[Version | None, bool | None]] = {}   # key -> (expect of its first write, secret)

    def read(self, key: str) -> tuple[bytes, Version] | None:
        if key in self._written:
            data = self._written[key]
            return data, Version("overlay:" + hashlib.sha256(data).hexdigest())
        if key in self._deleted:
            return None
        return self.base.read(key)

    def _check(self, key: str, expect: Version | None) -> None:
        if expect is None:
            return
        current = self.version(key)
        if (current or ABSENT) != expect:
            raise ConcurrentWriteError(f"{self.location(key)} was changed by another writer")

    def write(self, key: str, data: bytes, *, expect: Version | None = None, secret: bool | None = None) -> Version:
        self._check(key, expect)
        touched = key in self._written or key in self._deleted   # then `expect` speaks of this view, not the base
        self._how[key] = (self._how.get(key, (None, None))[0] if touched else expect, secret)
        self._written[key] = data
        self._deleted.discard(key)
        return self.version(key)  # type: ignore[return-value]

    def delete(self, key: str, *, expect: Version | None = None) -> None:
        self._check(key, expect)
        self._written.pop(key, None)
        self._deleted.add(key)

    def list(self, prefix: str = "") -> list[str]:
        folder = prefix.rstrip("/") + "/" if prefix else ""
        keys = {k for k in self.base.list(prefix) if k not in self._deleted}
        keys |= {k for k in self._written if k.startswith(folder)}
        return sorted(keys)

    def flush(self) -> list[str]:
        """Make the real store match this view: the writes (with the condition each first write had, so a
        concurrent writer is still detected, and its secrecy) and the deletes. Returns the keys written."""
        written = sorted(self._written)
        for key in written:
            expect, secret = self._how.get(key, (None, None))
            self.base.write(key, self._written[key], expect=expect, secret=secret)
        for key in sorted(self._deleted):
            self.base.delete(key)
        self._written.clear()
        self._deleted.clear()
        self._how.clear()
        return written

    @property
    def pending(self) -> list[str]:
        """The keys a real run would have written (for tests and messages)."""
        return sorted(self._written)
