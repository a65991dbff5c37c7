"""The state store a URL names: file:// (store.py) or s3:// (s3.py). Above both, so that neither imports
the other's module to pick."""

from __future__ import annotations

from pathlib import Path

from kopsgen.errors import UsageError
from kopsgen.state.s3 import S3StateStore
from kopsgen.state.store import FileStateStore, StateStore, state_store_url


def open_store(url: str | None = None) -> StateStore:
    """`file:///abs/dir`, `file://rel/dir`, a bare path, or `s3://bucket/prefix`."""
    url = state_store_url(url)
    scheme, sep, rest = url.partition("://")
    if sep and scheme == "s3":
        return S3StateStore(url)
    if sep and scheme != "file":
        raise UsageError(f"unsupported state store {url!r}: use s3://BUCKET/PREFIX or file://DIR")
    path = rest if sep else url
    if not path:
        raise UsageError(f"state store {url!r} names no folder")
    return FileStateStore(url, Path(path).expanduser())
