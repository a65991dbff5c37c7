"""A state store that reads through to another and keeps its own writes in memory: a read-only view.

Building a cluster's graph for the first time creates its CA keysets in the state store (the user
data embeds the CAs' certificates). A command that only looks (`update cluster` without --yes,
`graph`) must write nothing, so it builds against this overlay (pipeline.use_state_store with
read_only): reads see the real store (existing keysets are used as they are), writes and deletes
stay here and are dropped with it.
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

    @property
    def pending(self) -> list[str]:
        """The keys a real run would have written (for tests and messages)."""
        return sorted(self._written)
