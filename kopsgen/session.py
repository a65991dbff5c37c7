"""One render's material, made once by the pipeline (pipeline.open_session) and handed down.

    spec       the completed, typed cluster spec
    store      the state store that keeps the cluster's CA keysets (an OverlayStore for a command that only
               looks: what it would make stays in memory)
    bootstrap  what the bootstrap derives from both: each group's user data, the state-store files

Nothing here is cached at module level and nothing falls back to a default store: a caller that renders
names its store, and the CAs it lacks are made when the session is opened (ClusterBootstrap.load), before
anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.bootstrap import ClusterBootstrap
from kopsgen.spec.api import ClusterSpec
from kopsgen.state.overlay import OverlayStore
from kopsgen.state.store import StateStore


@dataclass(frozen=True)
class RenderSession:
    spec: ClusterSpec
    store: StateStore
    bootstrap: ClusterBootstrap

    @classmethod
    def open(cls, spec: ClusterSpec, store: StateStore, *, read_only: bool = False) -> RenderSession:
        """A session for `spec` whose CAs live in `store`. With `read_only`, existing keysets are read from
        `store` and any that must be made stay in memory (self.overlay; flush it to write them)."""
        if not isinstance(store, StateStore):
            raise TypeError(f"a render session needs a state store for the cluster's CAs, not {store!r}")
        used = OverlayStore(store) if read_only else store
        return cls(spec, used, ClusterBootstrap.load(spec, used))

    @property
    def overlay(self) -> OverlayStore | None:
        """The in-memory view a read-only session writes to, or None when writes go to the store itself."""
        return self.store if isinstance(self.store, OverlayStore) else None
