"""Storage resources: the EBS volumes etcd keeps its data on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Resource


@dataclass(frozen=True, kw_only=True)
class EbsVolume(Resource):
    """A standalone EBS volume; etcd-manager finds and attaches it by its tags."""

    category: ClassVar[str] = "storage"

    availability_zone: str
    size: int
    volume_type: str
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool = True
    kms_key_id: str | None = None
    # the target must refuse to destroy it (Terraform: lifecycle prevent_destroy); CloudFormation snapshots
    # every etcd volume it deletes or replaces anyway
    prevent_destroy: bool = False
