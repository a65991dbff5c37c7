"""The state store a URL names: file:// (store.py) or s3:// (s3.py). Above both, so that neither imports
the other's module to pick."""

from __future__ import annotations

import os
import re
from pathlib import Path

from kopsgen.errors import UsageError
from kopsgen.state.s3 import S3StateStore
from kopsgen.state.store import FileStateStore, StateStore, state_store_url

# A URL scheme (RFC 3986) and its colon at the start of what was given, e.g. `s3:` or `file:`.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def open_store(url: str | None = None) -> StateStore:
    """`file:///abs/dir`, `file://rel/dir`, a bare path, or `s3://bucket/prefix`."""
    url = state_store_url(url)
    scheme, sep, rest = url.partition("://")
    if sep and scheme == "s3":
        return S3StateStore(url)
    if sep and scheme != "file":
        raise UsageError(f"unsupported state store {url!r}: use s3://BUCKET/PREFIX or file://DIR")
    if not sep and _SCHEME.match(url):   # s3:/bucket (one slash), s3:bucket: a mistyped URL, never a folder
        raise UsageError(f"state store {url!r} is not a URL kopsgen knows: write s3://BUCKET/PREFIX or file://DIR "
                         f"(two slashes after the colon), or a folder path without a colon")
    path = rest if sep else url
    if not path:
        raise UsageError(f"state store {url!r} names no folder")
    root = Path(path).expanduser()
    for above in (root, *root.parents):   # a file where the store's folder (or one above it) must be
        if os.path.lexists(above):
            if not above.is_dir():
                raise UsageError(f"state store {url!r}: {above} is a file, not a folder; choose another state store")
            break
    return FileStateStore(url, root)
