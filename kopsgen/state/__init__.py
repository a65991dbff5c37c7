"""The state store: where cluster specs, rendered-output records, PKI and nodeup files live.

`file://DIR` (the default: no cloud needed) and `s3://BUCKET/PREFIX`, laid out like kops's
(`<cluster>/config`, `<cluster>/instancegroup/<ig>`, `<cluster>/pki/...`). Every write is
atomic, and a write can be made conditional on the version read before, so that two
concurrent writers are detected instead of one silently overwriting the other.
"""

from __future__ import annotations

from kopsgen.state.backends import open_store  # noqa: F401
from kopsgen.state.store import ConcurrentWriteError, StateStore, Version  # noqa: F401
