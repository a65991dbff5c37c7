"""Instance groups: a launch template and an auto-scaling group per group, as kops builds them.

The control plane has one group per control-plane instance group (`<ig>.masters.<cluster>`),
nodes and bastions one each (`<ig>.<cluster>`). Every group's instances, volumes and network
interfaces carry kops's tags, including the ones the cluster autoscaler reads to scale a
group up from zero (`k8s.io/cluster-autoscaler/node-template/label/...` and `.../taint/...`).

Images are never resolved while rendering: an image name becomes a lookup made when the plan
is made (newest match of owner and name, as kops picks it), and the root volume is mapped to the
root device name that lookup reports, so the size, type and encryption asked for apply to the
volume the instance boots from whatever the distribution calls it. An `ami-` ID is used as given;
it is looked up only for its root device name.
"""

from __future__ import annotations

import math

from kopsgen.ir import naming
from kopsgen.ir.base import External, Link, Ref
from kopsgen.ir.compute import (
    LAUNCHING, AutoscalingGroup, AutoscalingLifecycleHook, EbsDevice, ImageLookup, InstanceRefresh,
    InstanceRequirements, InstanceStoreDevice, LaunchTemplate, MetadataOptions, MixedInstances, RollingUpdate,
    SpotOptions, SsmParameterLookup, WarmPool,
)
from kopsgen.model.context import ModelContext
from kopsgen.model.firewall import security_groups_of
from kopsgen.model.iam import instance_profile
from kopsgen.model.loadbalancer import target_groups_of
from kopsgen.model.sshkey import key_pair_of
from kopsgen.spec import api
from kopsgen.spec.api.instancegroup import RootVolume, Volume
from kopsgen.spec.units import quantity_value
from kopsgen.spec.volumes import ebs_performance

GROUP_METRICS = ("GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize",
                 "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances",
                 "GroupTotalInstances")
WARM_POOL_METRICS = ("WarmPoolMinSize", "WarmPoolDesiredCapacity", "WarmPoolPendingCapacity",
                     "WarmPoolTerminatingCapacity", "WarmPoolWarmedCapacity", "WarmPoolTotalCapacity",
                     "GroupAndWarmPoolDesiredCapacity", "GroupAndWarmPoolTotalCapacity")

# Who publishes the images behind kops's owner aliases (`ubuntu/images/...`), by AWS account.
IMAGE_OWNER_ALIASES = {
    "amazon": "137112412989", "amazon.com": "137112412989",
    "debian": "136693071363", "debian11": "136693071363",
    "flatcar": "075585003325",
    "redhat": "309956199498", "redhat.com": "309956199498",
    "rocky": "792107900819", "rockylinux": "792107900819",
    "ubuntu": "099720109477",
}
SSM_IMAGE_PREFIX = "ssm:"

WARM_POOL_HOOK_SECONDS = 600   # nodeup's time to finish on a warm-pool instance before it is abandoned

# Instance types whose instance-store disks exist only when mapped in the launch template, by the
# number of disks (AWS's "previous generation" instance store, which is not NVMe). NVMe instance
# store (m5d, c6gd, i3, every Nitro type) is attached whatever the mapping says, so none is written
# for it. The disks appear as /dev/sdc, /dev/sdd, ... named ephemeral0, ephemeral1, ...
_DISKS_BY_FAMILY = {
    "c1": {"medium": 1, "xlarge": 4},
    "c3": {"large": 2, "xlarge": 2, "2xlarge": 2, "4xlarge": 2, "8xlarge": 2},
    "cc2": {"8xlarge": 4},
    "cr1": {"8xlarge": 2},
    "d2": {"xlarge": 3, "2xlarge": 6, "4xlarge": 12, "8xlarge": 24},
    "g2": {"2xlarge": 1, "8xlarge": 2},
    "h1": {"2xlarge": 1, "4xlarge": 2, "8xlarge": 4, "16xlarge": 8},
    "hs1": {"8xlarge": 24},
    "i2": {"xlarge": 1, "2xlarge": 2, "4xlarge": 4, "8xlarge": 8},
    "m1": {"small": 1, "medium": 1, "large": 2, "xlarge": 4},
    "m2": {"xlarge": 1, "2xlarge": 1, "4xlarge": 2},
    "m3": {"medium": 1, "large": 1, "xlarge": 2, "2xlarge": 2},
    "r3": {"large": 1, "xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 2},
    "x1": {"16xlarge": 1, "32xlarge": 2},
    "x1e": {"xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "32xlarge": 2},
}
INSTANCE_STORE_DISKS = {f"{family}.{size}": count
                        for family, sizes in _DISKS_BY_FAMILY.items() for size, count in sizes.items()}


def build_instance_groups(ctx: ModelContext) -> None:
    for ig in ctx.spec.instance_groups:
        if ig.manager == api.MANAGER_CLOUD_GROUP:
            _instance_group(ctx, ig)
    _outputs(ctx)


def _instance_group(ctx: ModelContext, ig: api.InstanceGroup) -> None:
    name = naming.autoscaling_group(ig.name, ig.role, ctx.name)
    tags = instance_group_tags(ctx, ig)
    template = ctx.graph.add(_launch_template(ctx, ig, naming.launch_template(ig.name, ig.role, ctx.name), tags))
    pool = ctx.spec.warm_pool(ig)
    metrics = GROUP_METRICS + (WARM_POOL_METRICS if pool else ())
    group = ctx.graph.add(AutoscalingGroup(
        name=name, launch_template=template.ref(), min_size=ig.min_size, max_size=ig.max_size,
        subnets=tuple(ctx.subnet(s) for s in ig.subnets), metrics=metrics,
        load_balancers=tuple(External(e.load_balancer_name) for e in ig.external_load_balancers
                             if e.load_balancer_name),
        target_groups=_target_groups(ctx, ig),
        protect_from_scale_in=ig.instance_protection, max_instance_lifetime_seconds=ig.max_instance_lifetime_seconds,
        suspended_processes=ig.suspend_processes, capacity_rebalance=ig.capacity_rebalance,
        mixed_instances=_mixed_instances(ig),
        warm_pool=WarmPool(min_size=pool.min_size, max_prepared_capacity=pool.max_size) if pool else None,
        instance_refresh=InstanceRefresh() if ig.instance_refresh else None, rolling_update=_rolling_update(ctx, ig),
        tags=tags))
    if pool and pool.enable_lifecycle_hook:
        # holds each new warm-pool instance until nodeup has finished on it
        ctx.graph.add(AutoscalingLifecycleHook(
            name=naming.warm_pool_lifecycle_hook(ig.name), hook_name=naming.WARM_POOL_HOOK,
            autoscaling_group=group.ref(), lifecycle_transition=LAUNCHING, default_result="ABANDON",
            heartbeat_timeout=pool.lifecycle_hook_timeout or WARM_POOL_HOOK_SECONDS))


def _rolling_update(ctx: ModelContext, ig: api.InstanceGroup) -> RollingUpdate:
    """Control-plane groups roll one instance at a time, each after the one before it in the spec;
    other groups `maxUnavailable` instances at a time."""
    if ig.is_control_plane:
        groups = ctx.spec.control_plane_groups
        position = groups.index(ig)
        previous = groups[position - 1] if position else None
        after = naming.autoscaling_group(previous.name, previous.role, ctx.name) if previous else None
        return RollingUpdate(max_unavailable=1, control_plane=True, after=after)
    return RollingUpdate(max_unavailable=_max_unavailable(ctx, ig))


def _max_unavailable(ctx: ModelContext, ig: api.InstanceGroup) -> int:
    """kops's rollingUpdate.maxUnavailable (instance group, else cluster; default 1) as a count of instances:
    a percentage is of the group's minimum size, rounded down; at least 1."""
    value = 1
    for setting in (ctx.spec.cluster.rolling_update_max_unavailable, ig.rolling_update_max_unavailable):
        if setting is not None:
            value = setting
    if isinstance(value, str) and value.endswith("%"):
        value = math.floor(ig.min_size * float(value[:-1]) / 100)
    return max(1, int(value))


# ---------------------------------------------------------------- tags


def instance_group_tags(ctx: ModelContext, ig: api.InstanceGroup) -> dict[str, str]:
    """kops's tags of a group, its template and its instances (its CloudTagsForInstanceGroup)."""
    cluster = ctx.cluster
    tags = ctx.tags(naming.autoscaling_group(ig.name, ig.role, ctx.name))
    tags.update(ig.cloud_labels)
    if cluster.nth_queue_mode:
        tags.setdefault(cluster.nth_managed_asg_tag, "")
    # the defaults complete each group's kubelet node labels (role labels included), as kops's populate step does
    for key, value in ig.kubelet_node_labels.items():
        tags[naming.AUTOSCALER_LABEL_TAG_PREFIX + key] = value
    for taint in ig.taints:
        key, value, effect = parse_taint(taint)
        if effect:
            tags[naming.AUTOSCALER_TAINT_TAG_PREFIX + key] = f"{value}:{effect}"
    tags.update(naming.role_tags(ig.role))
    tags[naming.INSTANCE_GROUP_TAG] = ig.name
    return tags


def parse_taint(taint: str) -> tuple[str, str, str]:
    """`key=value:Effect`, `key:Effect` or `key` -> (key, value, effect)."""
    head, _, effect = taint.partition(":")
    key, _, value = head.partition("=")
    return key, value, effect


# ---------------------------------------------------------------- launch template


def _launch_template(ctx: ModelContext, ig: api.InstanceGroup, name: str, tags: dict[str, str]) -> LaunchTemplate:
    cluster = ctx.cluster
    instance_type = ig.machine_type.split(",")[0]
    image_id, root_device = _image(ctx, ig.image)
    ig_subnets = [cluster.subnet(s) for s in ig.subnets]
    public = ig_subnets[0].type in (api.SUBNET_PUBLIC, api.SUBNET_UTILITY)
    ipv6 = any(s.ipv6_cidr for s in ig_subnets)
    user_data = ctx.bootstrap.user_data(ig)
    return LaunchTemplate(
        name=name, image_id=image_id, instance_type=instance_type,
        block_devices=(_root_device(ig.root_volume, root_device),
                       *sorted((_extra_device(v) for v in ig.volumes), key=lambda d: d.device_name)),
        instance_store=instance_store_devices(instance_type),
        security_groups=security_groups_of(ctx, ig),
        associate_public_ip=(ig.associate_public_ip if ig.associate_public_ip is not None else True) if public
        else False,
        ipv6_address_count=1 if ipv6 else 0,
        metadata=MetadataOptions(http_tokens=ig.http_tokens, http_put_response_hop_limit=ig.http_put_response_hop_limit,
                                 ipv6_endpoint=ipv6),
        iam_instance_profile=instance_profile(ctx, ig), key_pair=key_pair_of(ctx),
        detailed_monitoring=ig.detailed_instance_monitoring, cpu_credits=ig.cpu_credits or None,
        tenancy=ig.tenancy or None, ebs_optimized=True if ig.root_volume.optimization else None,
        spot=(SpotOptions(max_price=ig.max_price, block_duration_minutes=ig.spot_duration_minutes,
                          interruption_behavior=ig.instance_interruption_behavior)
              # a mixed-instances group takes its spot price itself; AWS refuses it in the template then
              if ig.max_price and ig.mixed_instances_policy is None else None),
        user_data=user_data or None, tags=tags)


def _image(ctx: ModelContext, image: str) -> tuple[str | Ref, Ref]:
    """The image ID to launch and the image's root device name, both known at plan time at the latest."""
    name = naming.image_lookup(image)
    if ctx.graph.find(ImageLookup, name) is None:
        ctx.graph.add(_image_lookup(ctx, name, image))
    lookup = Ref(ImageLookup, name)
    image_id: str | Ref = image if image.startswith("ami-") else lookup
    return image_id, Ref(ImageLookup, name, "root_device_name")


def _image_lookup(ctx: ModelContext, name: str, image: str) -> ImageLookup:
    if image.startswith("ami-"):
        return ImageLookup(name=name, image_id=image)
    if image.startswith(SSM_IMAGE_PREFIX):
        parameter = image.removeprefix(SSM_IMAGE_PREFIX)
        if ctx.graph.find(SsmParameterLookup, parameter) is None:
            ctx.graph.add(SsmParameterLookup(name=parameter))
        return ImageLookup(name=name, image_id=Ref(SsmParameterLookup, parameter, "value"))
    owner, slash, pattern = image.partition("/")
    if not slash:  # a bare name: the account's own images, as kops looks them up
        return ImageLookup(name=name, owners=("self",), name_pattern=image)
    return ImageLookup(name=name, owners=(IMAGE_OWNER_ALIASES.get(owner, owner),), name_pattern=pattern)


def _root_device(root: RootVolume, device_name: Ref) -> EbsDevice:
    iops, throughput = ebs_performance(root.type, root.iops, root.throughput)
    return EbsDevice(device_name=device_name, volume_type=root.type, volume_size=root.size, iops=iops,
                     throughput=throughput, encrypted=root.encrypted,
                     kms_key_id=root.encryption_key if root.encrypted else None,
                     delete_on_termination=root.delete_on_termination)


def _extra_device(volume: Volume) -> EbsDevice:
    iops, throughput = ebs_performance(volume.type, volume.iops, volume.throughput)
    return EbsDevice(device_name=volume.device, volume_type=volume.type, volume_size=volume.size, iops=iops,
                     throughput=throughput, encrypted=volume.encrypted, kms_key_id=volume.key,
                     delete_on_termination=volume.delete_on_termination)


def instance_store_devices(instance_type: str) -> tuple[InstanceStoreDevice, ...]:
    return tuple(InstanceStoreDevice(device_name=f"/dev/sd{chr(ord('c') + i)}", virtual_name=f"ephemeral{i}")
                 for i in range(INSTANCE_STORE_DISKS.get(instance_type, 0)))


# ---------------------------------------------------------------- auto-scaling group


def _target_groups(ctx: ModelContext, ig: api.InstanceGroup) -> tuple[Link, ...]:
    """The cluster's target groups the group's instances join, then those of `externalLoadBalancers`."""
    external = tuple(External(e.target_group_arn) for e in ig.external_load_balancers if e.target_group_arn)
    return (*target_groups_of(ctx, ig), *external)


def _mixed_instances(ig: api.InstanceGroup) -> MixedInstances | None:
    policy = ig.mixed_instances_policy
    if policy is None:
        return None
    return MixedInstances(
        instance_types=policy.instances, instance_requirements=_instance_requirements(policy.instance_requirements),
        on_demand_allocation_strategy=policy.on_demand_allocation_strategy,
        on_demand_base_capacity=policy.on_demand_base, on_demand_percentage_above_base=policy.on_demand_above_base,
        spot_allocation_strategy=policy.spot_allocation_strategy, spot_instance_pools=policy.spot_instance_pools,
        spot_max_price=ig.max_price)


def _instance_requirements(req: dict | None) -> InstanceRequirements | None:
    if req is None:
        return None
    cpu, memory = req.get("cpu") or {}, req.get("memory") or {}
    return InstanceRequirements(
        vcpu_min=int(quantity_value(cpu.get("min", 0))),
        vcpu_max=int(quantity_value(cpu["max"])) if "max" in cpu else None,
        memory_min_mib=_megabytes(memory.get("min", 0)),
        memory_max_mib=_megabytes(memory["max"]) if "max" in memory else None,
        excluded_instance_types=tuple(req.get("excludedInstanceTypes") or ()))


def _megabytes(value: str | int | float) -> int:
    """Memory in the unit the instance requirements take, rounded up as kops rounds it (10^6 bytes)."""
    return math.ceil(quantity_value(value) / 10**6)


# ---------------------------------------------------------------- outputs

# kops's output names by role: `master_autoscaling_group_ids`, `node_subnet_ids`, ...
_OUTPUT_ROLE = {api.ROLE_CONTROL_PLANE: "master", api.ROLE_API_SERVER: "apiserver", api.ROLE_NODE: "node",
                api.ROLE_BASTION: "bastion"}


def _outputs(ctx: ModelContext) -> None:
    groups = [ig for ig in ctx.spec.instance_groups if ig.manager == api.MANAGER_CLOUD_GROUP]
    for role, word in _OUTPUT_ROLE.items():
        of_role = [ig for ig in groups if ig.role == role]
        if not of_role:
            continue
        ctx.graph.output(f"{word}_autoscaling_group_ids", tuple(
            Ref(AutoscalingGroup, n) for n in sorted(naming.autoscaling_group(ig.name, ig.role, ctx.name)
                                                     for ig in of_role)))
        if role == api.ROLE_NODE:
            subnets = {s for ig in of_role for s in ig.subnets}
            ctx.graph.output("node_subnet_ids", tuple(sorted((ctx.subnet(s) for s in subnets), key=_link_order)))


def _link_order(link: Link) -> tuple[bool, str]:
    """Existing resources by ID first, then the cluster's own by name, as kops lists them."""
    return (True, link.name) if isinstance(link, Ref) else (False, link.id)
