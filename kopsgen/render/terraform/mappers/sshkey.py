"""Terraform for the EC2 key pair."""

from __future__ import annotations

from kopsgen.render.terraform import naming
from kopsgen.ir.sshkey import KeyPair
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


@mapper(KeyPair, "aws_key_pair",
        label=lambda r: naming.terraform_label(naming.key_pair_file_name(r.name)))
def map_key_pair(r: KeyPair, ctx: TfContext) -> dict:
    public_key = ctx.data_file("aws_key_pair", naming.key_pair_file_name(r.name), "public_key",
                               r.public_key + "\n")
    return {"key_name": r.name, "public_key": public_key, **tags_body(r.tags)}
