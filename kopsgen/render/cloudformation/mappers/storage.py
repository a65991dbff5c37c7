"""CloudFormation for standalone EBS volumes (etcd's data)."""

from __future__ import annotations

from troposphere import ec2

from kopsgen.ir.storage import EbsVolume
from kopsgen.render.cloudformation.registry import ZONAL_METADATA, CfnContext, mapper, tags


# etcd's data: deleting the stack, or a change that replaces a volume, first takes a snapshot of it
# (keeping the volume instead would leave a tagged volume a re-created cluster would pick up).
ON_DELETE = "Snapshot"


@mapper(EbsVolume, id_prefix="Volume")
def map_ebs_volume(r: EbsVolume, ctx: CfnContext):
    props: dict = {"AvailabilityZone": r.availability_zone, "Size": r.size, "VolumeType": r.volume_type,
                   "Encrypted": r.encrypted, **tags(r.tags)}
    for key, value in (("Iops", r.iops), ("Throughput", r.throughput), ("KmsKeyId", r.kms_key_id)):
        if value is not None:
            props[key] = value
    return [ec2.Volume(ctx.logical_id(r), Metadata=ZONAL_METADATA, DeletionPolicy=ON_DELETE,
                       UpdateReplacePolicy=ON_DELETE, **props)]
