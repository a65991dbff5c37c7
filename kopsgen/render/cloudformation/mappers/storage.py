"""CloudFormation for standalone EBS volumes (etcd's data)."""

from __future__ import annotations

from troposphere import ec2

from kopsgen.ir.storage import EbsVolume
from kopsgen.render.cloudformation.registry import ZONAL_METADATA, CfnContext, mapper, tags


@mapper(EbsVolume, id_prefix="Volume")
def _(r: EbsVolume, ctx: CfnContext):
    props: dict = {"AvailabilityZone": r.availability_zone, "Size": r.size, "VolumeType": r.volume_type,
                   "Encrypted": r.encrypted, **tags(r.tags)}
    for key, value in (("Iops", r.iops), ("Throughput", r.throughput), ("KmsKeyId", r.kms_key_id)):
        if value is not None:
            props[key] = value
    return [ec2.Volume(ctx.logical_id(r), Metadata=ZONAL_METADATA, **props)]
