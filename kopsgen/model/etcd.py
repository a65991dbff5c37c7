"""The EBS volumes etcd keeps its data on: one per member of each etcd cluster (main, events).

Each volume lives in the zone of its member's control-plane group, and carries the tags
etcd-manager finds it by: `k8s.io/etcd/<cluster>` = `<member>/<every member, comma-joined>`
and the control-plane role tags. Volumes are encrypted when the spec says so (`encryptedVolume: true`,
or a `kmsKeyId`); unset means unencrypted, as in kops, so a cluster moved from kops keeps its volumes
(`kopsgen create cluster` writes `encryptedVolume: true` into new specs). With
`spec.kopsgen.preventEtcdVolumeDestroy` the target must refuse to destroy them (opt-in: it blocks
`terraform destroy` of the whole cluster too).
"""

from __future__ import annotations

from kopsgen.ir import naming
from kopsgen.ir.storage import EbsVolume
from kopsgen.model.context import ModelContext
from kopsgen.spec import api
from kopsgen.spec.api.etcd import EtcdMember
from kopsgen.spec.volumes import ebs_performance


def build_etcd_volumes(ctx: ModelContext) -> None:
    for etcd in ctx.cluster.etcd_clusters:
        members = ",".join(sorted(m.name for m in etcd.members))
        for member in etcd.members:
            name = naming.etcd_volume(member.name, etcd.name, ctx.name)
            tags = {f"{naming.ETCD_CLUSTER_TAG_PREFIX}{etcd.name}": f"{member.name}/{members}",
                    **naming.role_tags(api.ROLE_CONTROL_PLANE)}
            iops, throughput = ebs_performance(member.volume_type, member.volume_iops, member.volume_throughput)
            ctx.graph.add(EbsVolume(
                name=name, availability_zone=member_zone(ctx, member), size=member.volume_size,
                volume_type=member.volume_type, iops=iops, throughput=throughput, encrypted=member.encrypted,
                kms_key_id=member.kms_key_id, prevent_destroy=ctx.cluster.prevent_etcd_volume_destroy,
                tags=ctx.tags(name, tags)))


def member_zone(ctx: ModelContext, member: EtcdMember) -> str:
    """The one zone of the member's instance group (its subnets' zones and its `zones`)."""
    ig = ctx.spec.instance_group(member.instance_group)
    zones = set(ig.zones) | {ctx.cluster.subnet(s).zone for s in ig.subnets}
    if len(zones) != 1:
        # validation refuses this; reaching it means a spec skipped validation
        raise ValueError(f"etcd member {member.name!r}: instance group {ig.name!r} must be in exactly one zone, "
                         f"not {sorted(zones)}")
    return zones.pop()
