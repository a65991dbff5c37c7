"""Terraform for storage resources: standalone EBS volumes."""

from __future__ import annotations

from kopsgen.render.terraform import naming
from kopsgen.ir.storage import EbsVolume
from kopsgen.render.terraform.hcl import Blocks
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


@mapper(EbsVolume, "aws_ebs_volume", label=lambda r: naming.etcd_volume_label(r.name))
def map_ebs_volume(r: EbsVolume, ctx: TfContext) -> dict:
    body: dict = {"availability_zone": r.availability_zone, "size": r.size, "type": r.volume_type,
                  "encrypted": r.encrypted, **tags_body(r.tags)}
    for key, value in (("iops", r.iops), ("throughput", r.throughput), ("kms_key_id", r.kms_key_id)):
        if value is not None:
            body[key] = value
    if r.prevent_destroy:
        body["lifecycle"] = Blocks.of({"prevent_destroy": True})
    return body
