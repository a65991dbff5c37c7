"""Render sessions for tests: a render keeps its cluster's CAs in a state store the test names, never the user's.

    session(spec)          a session on the test run's shared store (each reference cluster's CAs are made once:
                           RSA keys are slow to make)
    session(spec, store)   a session on the test's own store
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from kopsgen import pipeline
from kopsgen.session import RenderSession
from kopsgen.spec.api import ClusterSpec
from kopsgen.state import open_store
from kopsgen.state.store import StateStore

_SHARED: Path | None = None


def shared_folder() -> Path:
    """The folder of the test run's shared state store (one per process, removed at exit)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Path(tempfile.mkdtemp(prefix="kopsgen-test-keys-"))
        atexit.register(shutil.rmtree, _SHARED, True)
    return _SHARED


def shared_store() -> StateStore:
    return open_store(f"file://{shared_folder()}")


def session(spec: ClusterSpec, store: StateStore | None = None, *, read_only: bool = False) -> RenderSession:
    return pipeline.open_session(spec, store if store is not None else shared_store(), read_only=read_only)
