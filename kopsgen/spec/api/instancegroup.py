"""An InstanceGroup document: roles, machines, volumes, spot and warm-pool settings. Roles use kops's
current names (ControlPlane, Node, Bastion, APIServer) whatever the input spelled."""

from __future__ import annotations

from dataclasses import dataclass, field

from kopsgen.spec.api.fields import value_at


ROLE_CONTROL_PLANE = "ControlPlane"
ROLE_NODE = "Node"
ROLE_BASTION = "Bastion"
ROLE_API_SERVER = "APIServer"

# The input may still say "Master" (kops accepts both).
ROLE_ALIASES = {"Master": ROLE_CONTROL_PLANE, "ControlPlane": ROLE_CONTROL_PLANE, "Node": ROLE_NODE,
                "Bastion": ROLE_BASTION, "APIServer": ROLE_API_SERVER}

# Who runs an instance group's instances: an auto-scaling group, or Karpenter (no group at all).
MANAGER_CLOUD_GROUP = "CloudGroup"
MANAGER_KARPENTER = "Karpenter"


@dataclass(frozen=True)
class UserDataPart:
    name: str
    type: str
    content: str


@dataclass(frozen=True)
class Volume:
    device: str
    size: int
    type: str
    encrypted: bool = True
    key: str | None = None
    iops: int | None = None
    throughput: int | None = None
    delete_on_termination: bool = True


@dataclass(frozen=True)
class RootVolume:
    size: int
    type: str
    iops: int | None
    throughput: int | None
    encrypted: bool
    encryption_key: str | None
    delete_on_termination: bool = True
    optimization: bool = False


@dataclass(frozen=True)
class MixedInstancesPolicy:
    instances: tuple[str, ...]
    on_demand_allocation_strategy: str | None
    on_demand_base: int | None
    on_demand_above_base: int | None
    spot_allocation_strategy: str | None
    spot_instance_pools: int | None
    instance_requirements: dict | None

    @staticmethod
    def from_dict(d: dict) -> "MixedInstancesPolicy":
        return MixedInstancesPolicy(
            instances=tuple(d.get("instances") or ()),
            on_demand_allocation_strategy=d.get("onDemandAllocationStrategy"),
            on_demand_base=d.get("onDemandBase"), on_demand_above_base=d.get("onDemandAboveBase"),
            spot_allocation_strategy=d.get("spotAllocationStrategy"), spot_instance_pools=d.get("spotInstancePools"),
            instance_requirements=d.get("instanceRequirements"),
        )


@dataclass(frozen=True)
class WarmPool:
    """Pre-initialised instances kept stopped beside a group (kops's `warmPool`)."""

    min_size: int = 0
    max_size: int | None = None          # None: up to the group's max size; 0 turns the pool off
    enable_lifecycle_hook: bool = False
    lifecycle_hook_timeout: int | None = None

    @property
    def enabled(self) -> bool:
        return self.max_size != 0

    @staticmethod
    def from_dict(d: dict) -> "WarmPool":
        return WarmPool(min_size=d.get("minSize") or 0, max_size=d.get("maxSize"),
                        enable_lifecycle_hook=bool(d.get("enableLifecycleHook")),
                        lifecycle_hook_timeout=d.get("lifecycleHookTimeout"))


def warm_pool_of(own: WarmPool | None, cluster: WarmPool | None, role: str) -> WarmPool | None:
    """A group's warm pool, as kops resolves it: the group's own settings over the cluster's
    `spec.warmPool`, which applies to Node and APIServer groups only (a control-plane or bastion group
    has one only if it asks itself). None when there is none or it is turned off (`maxSize: 0`)."""
    if cluster is None or role not in (ROLE_NODE, ROLE_API_SERVER):
        pool = own
    elif own is None:
        pool = cluster
    else:
        pool = WarmPool(min_size=own.min_size or cluster.min_size,
                        max_size=own.max_size if own.max_size is not None else cluster.max_size,
                        enable_lifecycle_hook=own.enable_lifecycle_hook or cluster.enable_lifecycle_hook,
                        lifecycle_hook_timeout=own.lifecycle_hook_timeout or cluster.lifecycle_hook_timeout)
    return pool if pool is not None and pool.enabled else None


def cluster_warm_pool(s: dict) -> "WarmPool | None":
    # v1alpha2 keeps it at spec.warmPool (v1alpha3's cloudProvider.aws.warmPool; kopsgen reads v1alpha2)
    d = s.get("warmPool")
    return WarmPool.from_dict(d) if d is not None else None


@dataclass(frozen=True)
class Containerd:
    """`containerd` of the cluster or of an instance group (the settings kopsgen's builders read)."""

    nvidia_gpu_enabled: bool = False                 # nvidiaGPU.enabled
    gvisor_enabled: bool = False                     # gvisor.enabled
    selinux_enabled: bool = False                    # seLinuxEnabled
    use_ecr_credentials_for_mirrors: bool = False    # useECRCredentialsForMirrors
    skip_install: bool = False                       # skipInstall (the image brings containerd and runc)
    version: str | None = None                       # version (None: kopsgen's default)
    runc_version: str | None = None                  # runc.version (None: kopsgen's default)

    @staticmethod
    def from_dict(d: dict) -> "Containerd":
        return Containerd(nvidia_gpu_enabled=value_at(d, "nvidiaGPU", "enabled") is True,
                          gvisor_enabled=value_at(d, "gvisor", "enabled") is True,
                          selinux_enabled=bool(d.get("seLinuxEnabled")),
                          use_ecr_credentials_for_mirrors=bool(d.get("useECRCredentialsForMirrors")),
                          skip_install=bool(d.get("skipInstall")), version=d.get("version") or None,
                          runc_version=value_at(d, "runc", "version") or None)


@dataclass(frozen=True)
class ExternalLoadBalancer:
    load_balancer_name: str | None = None
    target_group_arn: str | None = None


@dataclass(frozen=True)
class InstanceGroup:
    name: str
    role: str
    image: str
    machine_type: str
    min_size: int
    max_size: int
    subnets: tuple[str, ...]
    zones: tuple[str, ...]
    root_volume: RootVolume
    volumes: tuple[Volume, ...] = ()
    associate_public_ip: bool | None = None
    additional_security_groups: tuple[str, ...] = ()
    cloud_labels: dict[str, str] = field(default_factory=dict)
    node_labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[str, ...] = ()
    http_tokens: str = "required"
    http_put_response_hop_limit: int = 1
    additional_user_data: tuple[UserDataPart, ...] = ()
    compress_user_data: bool = False
    mixed_instances_policy: MixedInstancesPolicy | None = None
    max_price: str | None = None
    iam_profile: str | None = None
    external_load_balancers: tuple[ExternalLoadBalancer, ...] = ()
    suspend_processes: tuple[str, ...] = ()
    detailed_instance_monitoring: bool = False
    cpu_credits: str | None = None
    tenancy: str | None = None
    instance_protection: bool = False
    capacity_rebalance: bool | None = None
    max_instance_lifetime_seconds: int = 0
    security_group_override: str | None = None
    instance_refresh: bool = False
    manager: str = MANAGER_CLOUD_GROUP
    warm_pool: "WarmPool | None" = None
    instance_interruption_behavior: str | None = None   # spot: terminate | stop | hibernate
    spot_duration_minutes: int | None = None
    # spec.kubelet.nodeLabels: after defaults, every label the group's nodes get (role labels included)
    kubelet_node_labels: dict[str, str] = field(default_factory=dict)
    containerd: Containerd = Containerd()      # the group's own containerd settings (over the cluster's)
    autoscale: bool = True                     # autoscale: false keeps the cluster autoscaler off the group
    rolling_update_max_unavailable: int | str | None = None   # rollingUpdate.maxUnavailable (over the cluster's)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_control_plane(self) -> bool:
        return self.role == ROLE_CONTROL_PLANE

    @property
    def is_bastion(self) -> bool:
        return self.role == ROLE_BASTION

    @property
    def is_node(self) -> bool:
        return self.role in (ROLE_NODE, ROLE_API_SERVER)

    @staticmethod
    def from_dict(doc: dict) -> "InstanceGroup":
        s = doc["spec"]
        md = s.get("instanceMetadata") or {}
        mip = s.get("mixedInstancesPolicy")
        return InstanceGroup(
            name=doc["metadata"]["name"],
            role=ROLE_ALIASES[s["role"]],
            image=s["image"],
            machine_type=s["machineType"],
            min_size=s["minSize"],
            max_size=s["maxSize"],
            subnets=tuple(s.get("subnets") or ()),
            zones=tuple(s.get("zones") or ()),
            root_volume=RootVolume(
                size=s["rootVolumeSize"], type=s["rootVolumeType"], iops=s.get("rootVolumeIops"),
                throughput=s.get("rootVolumeThroughput"), encrypted=bool(s.get("rootVolumeEncryption", True)),
                encryption_key=s.get("rootVolumeEncryptionKey"),
                delete_on_termination=bool(s.get("rootVolumeDeleteOnTermination", True)),
                optimization=bool(s.get("rootVolumeOptimization", False)),
            ),
            volumes=tuple(
                Volume(device=v["device"], size=v["size"], type=v.get("type", "gp3"),
                       encrypted=bool(v.get("encrypted", True)), key=v.get("key"), iops=v.get("iops"),
                       throughput=v.get("throughput"),
                       delete_on_termination=bool(v.get("deleteOnTermination", True)))
                for v in s.get("volumes") or ()
            ),
            associate_public_ip=s.get("associatePublicIp"),
            additional_security_groups=tuple(s.get("additionalSecurityGroups") or ()),
            cloud_labels=dict(s.get("cloudLabels") or {}),
            node_labels=dict(s.get("nodeLabels") or {}),
            taints=tuple(s.get("taints") or ()),
            http_tokens=md.get("httpTokens", "required"),
            http_put_response_hop_limit=md.get("httpPutResponseHopLimit", 1),
            additional_user_data=tuple(UserDataPart(u["name"], u["type"], u["content"])
                                       for u in s.get("additionalUserData") or ()),
            compress_user_data=bool(s.get("compressUserData", False)),
            mixed_instances_policy=MixedInstancesPolicy.from_dict(mip) if mip else None,
            max_price=s.get("maxPrice"),
            iam_profile=value_at(s, "iam", "profile"),
            external_load_balancers=tuple(
                ExternalLoadBalancer(e.get("loadBalancerName"), e.get("targetGroupArn"))
                for e in s.get("externalLoadBalancers") or ()
            ),
            suspend_processes=tuple(s.get("suspendProcesses") or ()),
            detailed_instance_monitoring=bool(s.get("detailedInstanceMonitoring", False)),
            cpu_credits=s.get("cpuCredits"),
            tenancy=s.get("tenancy"),
            instance_protection=bool(s.get("instanceProtection", False)),
            capacity_rebalance=s.get("capacityRebalance"),
            max_instance_lifetime_seconds=_duration_seconds(s.get("maxInstanceLifetime")),
            security_group_override=s.get("securityGroupOverride"),
            instance_refresh=bool(value_at(s, "instanceRefresh", "enabled", default=False)),
            manager=s.get("manager") or MANAGER_CLOUD_GROUP,
            warm_pool=WarmPool.from_dict(s["warmPool"]) if s.get("warmPool") is not None else None,
            instance_interruption_behavior=s.get("instanceInterruptionBehavior"),
            spot_duration_minutes=s.get("spotDurationInMinutes"),
            kubelet_node_labels=dict(value_at(s, "kubelet", "nodeLabels", default={})),
            containerd=Containerd.from_dict(s.get("containerd") or {}),
            autoscale=s.get("autoscale") is not False,
            rolling_update_max_unavailable=value_at(s, "rollingUpdate", "maxUnavailable"),
            raw=doc,
        )


def _duration_seconds(value: str | None) -> int:
    """Go-style durations as kops writes them (`72h`, `90m0s`, `3600s`)."""
    if not value:
        return 0
    import re

    total = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(h|m|s)", value):
        total += float(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return int(total)
