"""The EC2 key pair instances start with, as kops decides it.

`sshKeyName` set to a name uses that existing key pair; set to "" means instances get no key; unset,
the cluster's public key (spec/sshkey.py says where it comes from) is imported as
`kubernetes.<cluster>-<MD5 fingerprint>`, so a new key gives a new key pair rather than changing one
in place. The instance-group builder links launch templates to `key_pair_of(ctx)`.
"""

from __future__ import annotations

from kopsgen.ir import naming
from kopsgen.ir.base import External, Link, Ref
from kopsgen.ir.sshkey import KeyPair
from kopsgen.model.context import ModelContext
from kopsgen.spec.sshkey import fingerprint


def _imported_key_name(ctx: ModelContext) -> str | None:
    cluster = ctx.cluster
    if cluster.ssh_key_name is not None or not cluster.ssh_public_key:
        return None
    return naming.ssh_key_pair(ctx.name, fingerprint(cluster.ssh_public_key))


def key_pair_of(ctx: ModelContext) -> Link | None:
    """The key pair for launch templates (`key_name`), or None for no key."""
    if ctx.cluster.ssh_key_name:
        return External(ctx.cluster.ssh_key_name)
    name = _imported_key_name(ctx)
    return Ref(KeyPair, name) if name else None


def build_ssh_key(ctx: ModelContext) -> None:
    name = _imported_key_name(ctx)
    if name:
        ctx.graph.add(KeyPair(name=name, public_key=ctx.cluster.ssh_public_key, tags=ctx.tags(ctx.name)))
