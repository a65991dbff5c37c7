"""CloudFormation for the EC2 key pair (an imported public key)."""

from __future__ import annotations

from troposphere import ec2

from kopsgen.ir.sshkey import KeyPair
from kopsgen.render.cloudformation.registry import CfnContext, mapper, ref_of, tags


@mapper(KeyPair, attributes={"name": ref_of()})
def map_key_pair(r: KeyPair, ctx: CfnContext):
    return [ec2.KeyPair(ctx.logical_id(r), KeyName=r.name, PublicKeyMaterial=r.public_key, **tags(r.tags))]
