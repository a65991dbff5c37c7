"""The EC2 key pair instances are launched with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Resource


@dataclass(frozen=True, kw_only=True)
class KeyPair(Resource):
    """An imported public key; `name` is the EC2 key pair name (`kubernetes.<cluster>-<fingerprint>`)."""

    category: ClassVar[str] = "compute"   # attached to launch templates; not a firewall rule

    public_key: str                # OpenSSH format, one line
