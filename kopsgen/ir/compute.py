"""Compute resources: launch templates, auto-scaling groups, their lifecycle hooks, and AMI lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from kopsgen.ir.base import Link, Ref, Resource


class _Compute(Resource):
    category: ClassVar[str] = "compute"


# ---------------------------------------------------------------- images


@dataclass(frozen=True, kw_only=True)
class ImageLookup(_Compute):
    """An AMI found when the plan is made (never while rendering): by owner and name pattern
    (the newest match wins, as kops picks it), or by a known ID, or by an ID read from an SSM
    parameter. A launch template reads the image's ID and its root device name from it."""

    owners: tuple[str, ...] = ()       # account IDs or `self`
    name_pattern: str | None = None    # may hold `*` wildcards
    image_id: str | Ref | None = None  # an `ami-` ID, or the value of an SsmParameterLookup

    def __post_init__(self) -> None:
        if (self.name_pattern is None) == (self.image_id is None):
            raise ValueError(f"image lookup {self.name!r} needs exactly one of a name pattern and an image ID")


@dataclass(frozen=True, kw_only=True)
class SsmParameterLookup(_Compute):
    """A public SSM parameter read at plan time (`ssm:/aws/service/...` images); `name` is the parameter."""


# ---------------------------------------------------------------- launch templates


@dataclass(frozen=True)
class EbsDevice:
    """An EBS volume created with each instance. The root device's name comes from the image."""

    device_name: str | Ref
    volume_type: str
    volume_size: int
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool = True
    kms_key_id: str | None = None
    delete_on_termination: bool = True


@dataclass(frozen=True)
class InstanceStoreDevice:
    """An instance-store (ephemeral) disk mapped to a device, for instance types that need the mapping."""

    device_name: str
    virtual_name: str


@dataclass(frozen=True)
class MetadataOptions:
    """The instance metadata service (IMDS) settings."""

    http_tokens: str = "required"
    http_put_response_hop_limit: int = 1
    ipv6_endpoint: bool = False


@dataclass(frozen=True)
class SpotOptions:
    """Run on spot capacity; `max_price` None means up to the on-demand price."""

    max_price: str | None = None
    block_duration_minutes: int | None = None
    interruption_behavior: str | None = None


@dataclass(frozen=True, kw_only=True)
class LaunchTemplate(_Compute):
    """How the instances of one group are launched. `tags` go on the template and, through tag
    specifications, on each instance, its volumes and its network interface."""

    image_id: str | Ref
    instance_type: str | None
    block_devices: tuple[EbsDevice, ...]                 # the root device first
    security_groups: tuple[Link, ...]
    associate_public_ip: bool
    metadata: MetadataOptions
    instance_store: tuple[InstanceStoreDevice, ...] = ()
    ipv6_address_count: int = 0
    iam_instance_profile: Link | None = None             # a Ref, or External(<profile ARN>)
    key_pair: Link | None = None                         # a Ref, or External(<existing key pair name>)
    detailed_monitoring: bool = False
    cpu_credits: str | None = None
    tenancy: str | None = None
    ebs_optimized: bool | None = None
    spot: SpotOptions | None = None
    user_data: bytes | None = field(default=None, repr=False)


# ---------------------------------------------------------------- auto-scaling groups


@dataclass(frozen=True)
class InstanceRequirements:
    """Attribute-based instance type selection of a mixed-instances group."""

    vcpu_min: int = 0
    vcpu_max: int | None = None
    memory_min_mib: int = 0
    memory_max_mib: int | None = None
    excluded_instance_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class MixedInstances:
    """A group that spreads over several instance types and over on-demand and spot capacity."""

    instance_types: tuple[str, ...] = ()
    instance_requirements: InstanceRequirements | None = None
    on_demand_allocation_strategy: str | None = None
    on_demand_base_capacity: int | None = None
    on_demand_percentage_above_base: int | None = None
    spot_allocation_strategy: str | None = None
    spot_instance_pools: int | None = None
    spot_max_price: str | None = None                    # None: up to the on-demand price


@dataclass(frozen=True)
class WarmPool:
    min_size: int = 0
    max_prepared_capacity: int | None = None              # None: up to the group's max size


@dataclass(frozen=True)
class InstanceRefresh:
    """Replace instances in rolling batches whenever the launch template changes."""

    min_healthy_percentage: int = 90


@dataclass(frozen=True)
class RollingUpdate:
    """How a target that replaces the instances itself when the launch template changes (CloudFormation's
    UpdatePolicy; Terraform leaves it to `kops rolling-update` or `instance_refresh`) rolls this group."""

    max_unavailable: int = 1             # instances replaced at once: kops's rollingUpdate.maxUnavailable, as a count
    control_plane: bool = False          # etcd members: they need longer to rejoin
    after: str | None = None             # the group (by name) that rolls first: control-plane groups roll in turn


@dataclass(frozen=True, kw_only=True)
class AutoscalingGroup(_Compute):
    """One group of instances. Its `tags` are propagated to the instances it launches.
    The desired capacity is not managed here: the cluster autoscaler owns it after creation."""

    launch_template: Ref
    min_size: int
    max_size: int
    subnets: tuple[Link, ...]
    metrics: tuple[str, ...] = ()
    metrics_granularity: str = "1Minute"
    load_balancers: tuple[Link, ...] = ()                # classic ELBs, by name
    target_groups: tuple[Link, ...] = ()
    protect_from_scale_in: bool = False
    max_instance_lifetime_seconds: int = 0
    suspended_processes: tuple[str, ...] = ()
    capacity_rebalance: bool | None = None
    mixed_instances: MixedInstances | None = None
    warm_pool: WarmPool | None = None
    instance_refresh: InstanceRefresh | None = None
    rolling_update: RollingUpdate = RollingUpdate()


TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"


@dataclass(frozen=True, kw_only=True)
class AutoscalingLifecycleHook(_Compute):
    """Pause instances entering or leaving a group; `hook_name` is the hook's name in AWS (kops
    names the resource and the hook differently for its warm-pool hook)."""

    autoscaling_group: Ref
    hook_name: str
    lifecycle_transition: str
    default_result: str
    heartbeat_timeout: int
