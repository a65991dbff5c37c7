"""Typed, read-only view of a completed (defaulted and validated) cluster spec.

The YAML is loaded, checked against the JSON Schema, defaulted and validated as plain
dicts (the shape users write and `get cluster --full` prints). Once that has succeeded,
`ClusterSpec.from_documents` turns it into these frozen dataclasses, which are all the
builders and the bootstrap code read. Construction cannot fail on a validated spec, so
nothing here checks input; `raw` keeps the whole document for the parts that are passed
through untouched (bootstrap/passthrough.py: component settings written into nodeup configs,
the completed spec in the state store). The settings blocks addons and CNIs read (`kubeDNS`,
`networking.calico`, ...) are dataclasses whose fields are kops's, as written (kops_settings).

Field names follow kops's API (in snake_case); roles use kops's current names
(ControlPlane, Node, Bastion, APIServer) whatever the input spelled.
"""

from __future__ import annotations

import ipaddress
from dataclasses import Field, dataclass, field, fields
from functools import cached_property
from typing import Any

ROLE_CONTROL_PLANE = "ControlPlane"
ROLE_NODE = "Node"
ROLE_BASTION = "Bastion"
ROLE_API_SERVER = "APIServer"

SUBNET_PUBLIC = "Public"
SUBNET_PRIVATE = "Private"
SUBNET_UTILITY = "Utility"
SUBNET_DUALSTACK = "DualStack"

DNS_PUBLIC = "Public"
DNS_PRIVATE = "Private"
DNS_NONE = "None"

# Who runs an instance group's instances: an auto-scaling group, or Karpenter (no group at all).
MANAGER_CLOUD_GROUP = "CloudGroup"
MANAGER_KARPENTER = "Karpenter"

# The input may still say "Master" (kops accepts both).
ROLE_ALIASES = {"Master": ROLE_CONTROL_PLANE, "ControlPlane": ROLE_CONTROL_PLANE, "Node": ROLE_NODE,
                "Bastion": ROLE_BASTION, "APIServer": ROLE_API_SERVER}


def value_at(d: Any, *keys: str, default: Any = None) -> Any:
    """The value at a path of keys in nested mappings, `default` where a step is missing, null or not a
    mapping (raw spec documents may hold anything)."""
    for key in keys:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return default if d is None else d


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _as_written(value: Any) -> Any:
    """A setting as the user wrote it, lists made tuples (the typed view is read-only)."""
    return tuple(value) if isinstance(value, list) else value


def kops_settings(cls: type, d: Any) -> Any:
    """A settings block of kops's spec (`kubeDNS`, `clusterAutoscaler`, `calico`, ...) as the frozen dataclass
    `cls`: each field is the value of kops's field of the same name in camelCase (or of the name in the
    field's `kops` metadata), as written; None (the field's default) where unset or null. The consumer
    applies the addon's own default, as kops's templates do."""
    d = d if isinstance(d, dict) else {}
    values = {}
    for f in fields(cls):
        value = d.get(kops_field_name(f))
        block = f.metadata.get("block")
        if block is not None:
            if isinstance(value, dict):
                values[f.name] = kops_settings(block, value)
        elif value is not None:
            values[f.name] = _as_written(value)
    return cls(**values)


def kops_field_name(f: Field) -> str:
    """The name in kops's spec of a field of a settings block (see kops_settings)."""
    return f.metadata.get("kops") or _camel(f.name)


def kops_name(name: str) -> Any:
    """A field whose kops name is not its own name in camelCase (`coreDNSImage`, `clusterID`)."""
    return field(default=None, metadata={"kops": name})


def kops_block(cls: type, name: str | None = None) -> Any:
    """A nested settings block (None when the spec has none): kops_settings fills it as `cls`."""
    return field(default=None, metadata={"block": cls, **({"kops": name} if name else {})})


# ---------------------------------------------------------------- settings blocks of addons and components
# Each field is kops's field of the same name, as written (None: unset; the addon applies kops's default).


@dataclass(frozen=True)
class AwsAuthentication:
    """`spec.authentication.aws`: aws-iam-authenticator."""

    backend_mode: str | None = None
    cluster_id: str | None = kops_name("clusterID")
    image: str | None = None
    memory_request: str | None = None
    cpu_request: str | None = None
    memory_limit: str | None = None
    cpu_limit: str | None = None
    identity_mappings: tuple[dict, ...] | None = None     # {arn, username, groups}


@dataclass(frozen=True)
class ClusterAutoscaler:
    """`spec.clusterAutoscaler` (beside `enabled`)."""

    expander: str | None = None
    create_priority_expander_config: bool | None = None
    image: str | None = None
    balance_similar_node_groups: bool | None = None
    emit_per_nodegroup_metrics: bool | None = None
    aws_use_static_instance_list: bool | None = None
    ignore_daemon_sets_utilization: bool | None = None
    scale_down_utilization_threshold: str | None = None
    skip_nodes_with_custom_controller_pods: bool | None = None
    skip_nodes_with_local_storage: bool | None = None
    skip_nodes_with_system_pods: bool | None = None
    scale_down_delay_after_add: str | None = None
    scale_down_unneeded_time: str | None = None
    scale_down_unready_time: str | None = None
    new_pod_scale_up_delay: str | None = None
    max_node_provision_time: str | None = None
    cordon_node_before_terminating: bool | None = None
    pod_annotations: dict | None = None
    cpu_request: str | None = None
    memory_request: str | None = None


@dataclass(frozen=True)
class LeaderElection:
    leader_elect: bool | None = None


@dataclass(frozen=True)
class CloudControllerManager:
    """`spec.cloudControllerManager`: the AWS cloud controller manager's flags."""

    image: str | None = None
    allocate_node_cidrs: bool | None = kops_name("allocateNodeCIDRs")
    allow_untagged_cloud: bool | None = None
    cidr_allocator_type: str | None = None
    cloud_provider: str | None = None
    cluster_cidr: str | None = kops_name("clusterCIDR")
    cluster_name: str | None = None
    concurrent_node_syncs: int | None = None
    configure_cloud_routes: bool | None = None
    controllers: tuple[str, ...] | None = None
    enable_leader_migration: bool | None = None
    master: str | None = None
    node_status_update_frequency: str | None = None
    use_service_account_credentials: bool | None = None
    leader_election: LeaderElection | None = kops_block(LeaderElection)
    log_level: int | None = None


@dataclass(frozen=True)
class NodeLocalDNS:
    """`spec.kubeDNS.nodeLocalDNS` (beside `enabled`)."""

    local_ip: str | None = kops_name("localIP")
    external_core_file: str | None = None
    forward_to_kube_dns: bool | None = kops_name("forwardToKubeDNS")
    additional_config: str | None = None
    pod_annotations: dict | None = None
    image: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None


@dataclass(frozen=True)
class KubeDNS:
    """`spec.kubeDNS` (beside `provider`, see AddonSwitches)."""

    domain: str | None = None
    external_core_file: str | None = None
    upstream_nameservers: tuple[str, ...] | None = None
    stub_domains: dict | None = None
    core_dns_image: str | None = kops_name("coreDNSImage")
    cpa_image: str | None = None
    server_ip: str | None = kops_name("serverIP")
    memory_limit: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None
    cache_max_size: int | None = None
    cache_max_concurrent: int | None = None
    node_local_dns: NodeLocalDNS | None = kops_block(NodeLocalDNS, "nodeLocalDNS")


@dataclass(frozen=True)
class ExternalDns:
    """`spec.externalDns` (beside `provider`)."""

    watch_ingress: bool | None = None
    watch_namespace: str | None = None


@dataclass(frozen=True)
class HttpProxy:
    host: str | None = None
    port: int | None = None


@dataclass(frozen=True)
class EgressProxySpec:
    """`spec.egressProxy` (or v1alpha3's `networking.egressProxy`)."""

    http_proxy: HttpProxy | None = kops_block(HttpProxy)
    excludes: str | None = None


@dataclass(frozen=True)
class EtcdManager:
    """`etcdClusters[].manager`."""

    image: str | None = None
    log_level: int | None = None
    backup_interval: str | None = None
    discovery_poll_interval: str | None = None
    backup_retention_days: int | None = None
    env: tuple[dict, ...] | None = None          # {name, value}


@dataclass(frozen=True)
class NodeTerminationHandler:
    """`spec.nodeTerminationHandler` (v1alpha2's place; v1alpha3 moved it to cloudProvider.aws)."""

    enabled: bool | None = None
    enable_sqs_termination_draining: bool | None = kops_name("enableSQSTerminationDraining")
    managed_asg_tag: str | None = kops_name("managedASGTag")
    enable_spot_interruption_draining: bool | None = None
    enable_scheduled_event_draining: bool | None = None
    enable_rebalance_monitoring: bool | None = None
    enable_rebalance_draining: bool | None = None
    enable_prometheus_metrics: bool | None = kops_name("prometheusEnable")
    taint_node: bool | None = None
    enable_out_of_service_taint: bool | None = None
    exclude_from_load_balancers: bool | None = None
    pod_termination_grace_period: int | None = None
    delete_sqs_msg_if_node_not_found: bool | None = kops_name("deleteSQSMsgIfNodeNotFound")
    webhook_template: str | None = None
    webhook_url: str | None = kops_name("webhookURL")
    version: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None
    memory_limit: str | None = None


# ---------------------------------------------------------------- the CNIs' settings (spec.networking.<cni>)


@dataclass(frozen=True)
class Calico:
    typha_replicas: int | None = None
    encapsulation_mode: str | None = None
    ipip_mode: str | None = None
    vxlan_mode: str | None = None
    ipv4_auto_detection_method: str | None = None
    ipv6_auto_detection_method: str | None = None
    aws_src_dst_check: str | None = None           # Enable | Disable | DoNothing
    bpf_enabled: bool | None = None
    bpf_external_service_mode: str | None = None
    bpf_kube_proxy_iptables_cleanup_enabled: bool | None = None
    bpf_log_level: str | None = None
    chain_insert_mode: str | None = None
    iptables_backend: str | None = None
    nftables_mode: str | None = None
    log_severity_screen: str | None = None
    prometheus_metrics_enabled: bool | None = None
    prometheus_metrics_port: int | None = None
    prometheus_go_metrics_enabled: bool | None = None
    prometheus_process_metrics_enabled: bool | None = None
    wireguard_enabled: bool | None = None
    registry: str | None = None
    version: str | None = None
    mtu: int | None = None
    cpu_request: str | None = None


@dataclass(frozen=True)
class Flannel:
    backend: str | None = None
    iptables_resync_seconds: int | None = None


@dataclass(frozen=True)
class KindnetMasquerade:
    enabled: bool | None = None
    non_masquerade_cidrs: tuple[str, ...] | None = kops_name("nonMasqueradeCIDRs")


@dataclass(frozen=True)
class Kindnet:
    version: str | None = None
    log_level: int | None = None
    network_policies: bool | None = None
    admin_network_policies: bool | None = None
    baseline_admin_network_policies: bool | None = None
    dns_caching: bool | None = None
    nat64: bool | None = None
    fast_path_threshold: int | None = None
    masquerade: KindnetMasquerade | None = kops_block(KindnetMasquerade)


@dataclass(frozen=True)
class KubeRouter:
    use_nftables_for_netpol: bool | None = kops_name("useNFTablesForNetpol")


@dataclass(frozen=True)
class AmazonVpc:
    image_name: str | None = None                # the CNI's image
    init_image_name: str | None = None           # its init container's image
    network_policy_agent_image: str | None = None
    env: tuple[dict, ...] | None = None          # {name, value}: over the CNI's defaults


@dataclass(frozen=True)
class CiliumHubble:
    enabled: bool | None = None
    metrics: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CiliumIngress:
    enabled: bool | None = None
    enforce_https: bool | None = None
    enable_secrets_sync: bool | None = None
    load_balancer_annotation_prefixes: str | None = None
    default_load_balancer_mode: str | None = None      # shared | dedicated
    shared_load_balancer_service_name: str | None = None


@dataclass(frozen=True)
class CiliumGatewayAPI:
    enabled: bool | None = None
    enable_secrets_sync: bool | None = None


@dataclass(frozen=True)
class Cilium:
    """`networking.cilium`."""

    version: str | None = None
    registry: str | None = None
    ipam: str | None = None                        # eni: pods get VPC addresses from ENIs the operator attaches
    chaining_mode: str | None = None               # portmap: the standard CNI plugins are installed too
    etcd_managed: bool | None = None               # Cilium keeps its state in an etcd cluster of its own
    tunnel: str | None = None
    disable_masquerade: bool | None = None
    enable_bpf_masquerade: bool | None = kops_name("enableBPFMasquerade")
    enable_encryption: bool | None = None
    encryption_type: str | None = None             # ipsec | wireguard
    node_encryption: bool | None = None
    enable_prometheus_metrics: bool | None = None
    agent_prometheus_port: int | None = None
    metrics: tuple[str, ...] | None = None
    agent_pod_annotations: dict | None = None
    operator_pod_annotations: dict | None = None
    cluster_id: int | None = kops_name("clusterID")
    cluster_name: str | None = None
    debug: bool | None = None
    disable_endpoint_crd: bool | None = kops_name("disableEndpointCRD")
    identity_allocation_mode: str | None = None
    identity_change_grace_period: str | None = None
    monitor_aggregation: str | None = None
    preallocate_bpf_maps: bool | None = kops_name("preallocateBPFMaps")
    enable_l7_proxy: bool | None = None
    auto_direct_node_routes: bool | None = None
    enable_local_redirect_policy: bool | None = None
    enable_node_port: bool | None = None
    bpf_lb_sock: bool | None = kops_name("bpfLBSock")
    bpf_lb_sock_host_ns_only: bool | None = kops_name("bpfLBSockHostNSOnly")
    enable_service_topology: bool | None = None
    cni_exclusive: bool | None = None
    enable_endpoint_health_checking: bool | None = None
    enable_host_firewall: bool | None = None
    to_fqdns_dns_reject_response_code: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None
    extra_config: dict | None = None               # agent settings over everything kopsgen writes
    hubble: CiliumHubble | None = kops_block(CiliumHubble)
    ingress: CiliumIngress | None = kops_block(CiliumIngress)
    gateway_api: CiliumGatewayAPI | None = kops_block(CiliumGatewayAPI, "gatewayAPI")


@dataclass(frozen=True)
class CniNetworking:
    """`networking.cni`: a CNI the user installs."""

    uses_secondary_ip: bool | None = kops_name("usesSecondaryIP")


@dataclass(frozen=True)
class Route:
    cidr: str
    target: str


@dataclass(frozen=True)
class Subnet:
    name: str
    zone: str
    type: str
    cidr: str | None = None
    ipv6_cidr: str | None = None
    id: str | None = None            # an existing subnet: referenced, never created
    egress: str | None = None        # nat-…, tgw-…, "External" or None (kopsgen creates a NAT gateway)
    public_ip: str | None = None     # an existing EIP for this zone's NAT gateway
    additional_routes: tuple[Route, ...] = ()

    @property
    def shared(self) -> bool:
        return self.id is not None

    @staticmethod
    def from_dict(d: dict) -> "Subnet":
        return Subnet(
            name=d["name"], zone=d["zone"], type=d["type"], cidr=d.get("cidr"), ipv6_cidr=d.get("ipv6CIDR"),
            id=d.get("id"), egress=d.get("egress"), public_ip=d.get("publicIP"),
            additional_routes=tuple(Route(r["cidr"], r["target"]) for r in d.get("additionalRoutes") or ()),
        )


@dataclass(frozen=True)
class LoadBalancerSubnet:
    name: str
    private_ipv4_address: str | None = None
    allocation_id: str | None = None


@dataclass(frozen=True)
class AccessLog:
    bucket: str
    bucket_prefix: str | None = None
    interval: int | None = None


@dataclass(frozen=True)
class ApiLoadBalancer:
    type: str                         # Public | Internal
    lb_class: str                     # Network (kops 1.37 builds only NLBs for the API)
    idle_timeout_seconds: int | None = None
    security_group_override: str | None = None
    additional_security_groups: tuple[str, ...] = ()
    use_for_internal_api: bool = False
    ssl_certificate: str | None = None
    ssl_policy: str | None = None
    cross_zone_load_balancing: bool = False
    subnets: tuple[LoadBalancerSubnet, ...] = ()
    access_log: AccessLog | None = None
    deletion_protection: bool = False

    @staticmethod
    def from_dict(d: dict) -> "ApiLoadBalancer":
        log = d.get("accessLog")
        return ApiLoadBalancer(
            type=d.get("type", "Public"), lb_class=d.get("class", "Network"),
            idle_timeout_seconds=d.get("idleTimeoutSeconds"),
            security_group_override=d.get("securityGroupOverride"),
            additional_security_groups=tuple(d.get("additionalSecurityGroups") or ()),
            use_for_internal_api=bool(d.get("useForInternalApi")),
            ssl_certificate=d.get("sslCertificate") or None, ssl_policy=d.get("sslPolicy"),
            cross_zone_load_balancing=bool(d.get("crossZoneLoadBalancing")),
            subnets=tuple(LoadBalancerSubnet(s["name"], s.get("privateIPv4Address"), s.get("allocationId"))
                          for s in d.get("subnets") or ()),
            access_log=AccessLog(log["bucket"], log.get("bucketPrefix"), log.get("interval")) if log else None,
            deletion_protection=bool(d.get("deletionProtection")),
        )


@dataclass(frozen=True)
class EtcdMember:
    name: str
    instance_group: str
    volume_type: str
    volume_size: int
    volume_iops: int | None
    volume_throughput: int | None
    encrypted: bool
    kms_key_id: str | None


@dataclass(frozen=True)
class EtcdCluster:
    name: str
    members: tuple[EtcdMember, ...]
    backup_store: str | None = None       # backups.backupStore (None: kops's <configBase>/backups/etcd/<name>)
    version: str | None = None            # etcd's version (None: kopsgen's default)
    image: str | None = None              # one etcd image instead of etcd-manager's bundled versions
    cpu_request: str | None = None
    memory_request: str | None = None
    manager: EtcdManager = EtcdManager()

    @staticmethod
    def from_dict(d: dict) -> "EtcdCluster":
        members = tuple(
            EtcdMember(
                name=m["name"], instance_group=m["instanceGroup"], volume_type=m.get("volumeType", "gp3"),
                volume_size=m.get("volumeSize", 20), volume_iops=m.get("volumeIops"),
                volume_throughput=m.get("volumeThroughput"), encrypted=bool(m.get("encryptedVolume", False)),
                kms_key_id=m.get("kmsKeyId"),
            )
            for m in d.get("etcdMembers") or ()
        )
        return EtcdCluster(d["name"], members, backup_store=value_at(d, "backups", "backupStore") or None,
                           version=str(d["version"]) if d.get("version") else None, image=d.get("image") or None,
                           cpu_request=d.get("cpuRequest"), memory_request=d.get("memoryRequest"),
                           manager=kops_settings(EtcdManager, d.get("manager")))


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


def _cluster_warm_pool(s: dict) -> "WarmPool | None":
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
class MetricsServer:
    """`spec.metricsServer` (beside `enabled`)."""

    image: str | None = None
    insecure: bool | None = None          # unset: insecure (kops's default), but kops still asks for PKI


@dataclass(frozen=True)
class NodeProblemDetector:
    """`spec.nodeProblemDetector` (beside `enabled`)."""

    image: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None
    cpu_limit: str | None = None
    memory_limit: str | None = None


@dataclass(frozen=True)
class CertManager:
    """`spec.certManager` (beside `enabled`, `managed` and `hostedZoneIDs`)."""

    default_issuer: str | None = None
    feature_gates: dict[str, object] = field(default_factory=dict)
    nameservers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwsEbsCsiDriver:
    """`spec.cloudConfig.awsEBSCSIDriver` (beside `managed`); numbers as written."""

    version: str | None = None
    kube_api_qps: object = None
    kube_api_burst: object = None
    volume_attach_limit: object = None


@dataclass(frozen=True)
class AddonSwitches:
    """The settings that decide which addons the bootstrap channel holds (kops's field in each comment)."""

    kube_dns_provider: str = "CoreDNS"             # kubeDNS.provider: CoreDNS | KubeDNS
    node_local_dns: bool = False                   # kubeDNS.nodeLocalDNS.enabled
    external_dns_provider: str | None = None       # externalDns.provider: dns-controller | external-dns
    cluster_autoscaler: bool = False               # clusterAutoscaler.enabled
    metrics_server: bool = False                   # metricsServer.enabled
    cert_manager: bool = False                     # certManager.enabled
    cert_manager_managed: bool = True              # certManager.managed (false: installed by the user)
    node_problem_detector: bool = False            # nodeProblemDetector.enabled
    pod_identity_webhook: bool = False             # podIdentityWebhook.enabled
    manage_storage_classes: bool = False           # cloudConfig.manageStorageClasses
    ebs_csi_driver_managed: bool = True            # cloudConfig.awsEBSCSIDriver.managed
    authentication_aws: bool = False               # authentication.aws is set
    authentication_kopeio: bool = False            # authentication.kopeio is set

    @staticmethod
    def from_spec(s: dict) -> "AddonSwitches":
        return AddonSwitches(
            kube_dns_provider=value_at(s, "kubeDNS", "provider") or "CoreDNS",
            node_local_dns=bool(value_at(s, "kubeDNS", "nodeLocalDNS", "enabled")),
            external_dns_provider=value_at(s, "externalDns", "provider"),
            cluster_autoscaler=bool(value_at(s, "clusterAutoscaler", "enabled")),
            metrics_server=bool(value_at(s, "metricsServer", "enabled")),
            cert_manager=bool(value_at(s, "certManager", "enabled")),
            cert_manager_managed=value_at(s, "certManager", "managed") is not False,
            node_problem_detector=bool(value_at(s, "nodeProblemDetector", "enabled")),
            pod_identity_webhook=bool(value_at(s, "podIdentityWebhook", "enabled")),
            manage_storage_classes=bool(value_at(s, "cloudConfig", "manageStorageClasses")),
            ebs_csi_driver_managed=value_at(s, "cloudConfig", "awsEBSCSIDriver", "managed") is not False,
            authentication_aws=value_at(s, "authentication", "aws") is not None,
            authentication_kopeio=value_at(s, "authentication", "kopeio") is not None,
        )


@dataclass(frozen=True)
class ServiceAccountExternalPermission:
    """An entry of `iam.serviceAccountExternalPermissions`: a service account that gets a role of its own."""

    namespace: str
    name: str
    inline_policy: str | None = None        # aws.inlinePolicy (JSON statements)
    policy_arns: tuple[str, ...] = ()       # aws.policyARNs


@dataclass(frozen=True)
class Iam:
    """`spec.iam`."""

    permissions_boundary: str | None = None
    allow_container_registry: bool = False
    use_service_account_external_permissions: bool = False
    service_account_external_permissions: tuple[ServiceAccountExternalPermission, ...] = ()

    @staticmethod
    def from_dict(d: dict) -> "Iam":
        return Iam(
            permissions_boundary=d.get("permissionsBoundary"),
            allow_container_registry=bool(d.get("allowContainerRegistry")),
            use_service_account_external_permissions=bool(d.get("useServiceAccountExternalPermissions")),
            service_account_external_permissions=tuple(
                ServiceAccountExternalPermission(e["namespace"], e["name"], value_at(e, "aws", "inlinePolicy"),
                                                 tuple(value_at(e, "aws", "policyARNs", default=())))
                for e in d.get("serviceAccountExternalPermissions") or ()),
        )


@dataclass(frozen=True)
class ServiceAccountIssuerDiscovery:
    """`spec.serviceAccountIssuerDiscovery`."""

    enable_aws_oidc_provider: bool = False
    additional_audiences: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwsLoadBalancerController:
    """`spec.awsLoadBalancerController`."""

    enabled: bool = False
    enable_waf: bool = False
    enable_wafv2: bool = False
    enable_shield: bool = False
    version: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None
    cpu_limit: str | None = None
    memory_limit: str | None = None


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


def pods_have_vpc_addresses(networking: dict) -> bool:
    """Pods get VPC addresses with `spec.networking` (Amazon VPC CNI, Cilium's ENI IPAM): a load balancer may
    target them directly."""
    return networking.get("amazonvpc") is not None or value_at(networking, "cilium", "ipam") == "eni"


@dataclass(frozen=True)
class Networking:
    """The CNI in use: its kops name (`calico`, `cilium`, `kubenet`, `cni`, ...) and the settings of each CNI."""

    kind: str
    # every CNI the spec names (`spec.networking.<cni>`; validation wants one, kops reads each it finds)
    providers: tuple[str, ...] = ()
    # the settings of the CNIs kopsgen configures (empty when the spec does not name that CNI)
    calico: Calico = Calico()
    flannel: Flannel = Flannel()
    kindnet: Kindnet = Kindnet()
    kube_router: KubeRouter = KubeRouter()         # kuberouter (or kubeRouter)
    amazon_vpc: AmazonVpc = AmazonVpc()            # amazonvpc
    cilium: Cilium = Cilium()
    cni: CniNetworking = CniNetworking()
    isolate_control_plane: bool = False            # isolateControlPlane (no kube-proxy on the control plane)

    def uses(self, provider: str) -> bool:
        return provider in self.providers

    @property
    def pods_have_vpc_addresses(self) -> bool:
        """Pods get VPC addresses (Amazon VPC CNI, Cilium's ENI IPAM): a load balancer may target them."""
        return self.uses("amazonvpc") or (self.uses("cilium") and self.cilium.ipam == "eni")

    @staticmethod
    def from_dict(d: dict) -> "Networking":
        kinds = [k for k in d if k not in ("networkID", "networkCIDR", "additionalNetworkCIDRs", "subnets",
                                          "tagSubnets", "topology", "egressProxy", "nonMasqueradeCIDR",
                                          "podCIDR", "serviceClusterIPRange", "isolateControlPlane")]
        kind = kinds[0] if kinds else "cni"
        return Networking(kind, tuple(kinds),
                          calico=kops_settings(Calico, d.get("calico")),
                          flannel=kops_settings(Flannel, d.get("flannel")),
                          kindnet=kops_settings(Kindnet, d.get("kindnet")),
                          kube_router=kops_settings(KubeRouter, d.get("kuberouter") or d.get("kubeRouter")),
                          amazon_vpc=kops_settings(AmazonVpc, d.get("amazonvpc")),
                          cilium=kops_settings(Cilium, d.get("cilium")),
                          cni=kops_settings(CniNetworking, d.get("cni")),
                          isolate_control_plane=bool(d.get("isolateControlPlane")))


@dataclass(frozen=True)
class StateStore:
    """Where the cluster's files live: `s3://bucket/prefix/<cluster>` or `file:///dir/<cluster>`."""

    url: str                  # the config base, e.g. s3://bucket/clusters/minimal.example.com
    scheme: str               # s3 | file | memfs
    bucket: str               # bucket (s3, memfs) or directory (file)
    key_prefix: str           # key of the config base inside the bucket

    @staticmethod
    def parse(url: str) -> "StateStore":
        scheme, _, rest = url.partition("://")
        bucket, _, prefix = rest.partition("/")
        if scheme == "file":
            return StateStore(url, scheme, "", rest)
        return StateStore(url, scheme, bucket, prefix.strip("/"))


FLOW_LOGS_CLOUDWATCH = "CloudWatchLogs"
FLOW_LOGS_S3 = "S3"


@dataclass(frozen=True)
class FlowLogs:
    """`spec.kopsgen.flowLogs` (a kopsgen extension): the VPC's flow logs, on unless `enabled: false`."""

    destination: str = FLOW_LOGS_CLOUDWATCH   # CloudWatchLogs | S3
    traffic_type: str = "ALL"                 # ALL | ACCEPT | REJECT
    retention_days: int = 365                 # CloudWatchLogs: how long records are kept
    s3_bucket_arn: str | None = None          # S3: an existing bucket (and optional prefix) to write to

    @staticmethod
    def from_spec(s: dict) -> "FlowLogs | None":
        d = value_at(s, "kopsgen", "flowLogs", default={}) or {}
        if d.get("enabled", True) is False:
            return None
        return FlowLogs(destination=d.get("destination", FLOW_LOGS_CLOUDWATCH),
                        traffic_type=d.get("trafficType", "ALL"), retention_days=d.get("retentionInDays", 365),
                        s3_bucket_arn=d.get("s3BucketARN"))


# ---------------------------------------------------------------- spec.kopsgen.addons (kopsgen's own addons)

# The defaults of each addon's settings; spec/defaults.py writes them into an enabled addon's block.
ADDON_RESOURCES = {
    "nginxGatewayFabric": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    "nginx": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
    "headlamp": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    "fluentBit": {"requests": {"cpu": "50m", "memory": "100Mi"}, "limits": {"memory": "300Mi"}},
    "kubeStateMetrics": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
    "nodeExporter": {"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
}
NGF_REPLICAS = 2
NGINX_REPLICAS = 2
HEADLAMP_REPLICAS = 1
CLUSTER_LOGS_RETENTION_DAYS = 365
NLB_SCHEMES = ("internet-facing", "internal")


def addon_resources(written: Any, default: dict) -> dict:
    """`resources` of an addon: what the spec writes, each missing request or limit taken from `default`."""
    out = {kind: dict(values) for kind, values in default.items()}
    for kind in ("requests", "limits"):
        values = value_at(written, kind)
        for key, value in (values.items() if isinstance(values, dict) else ()):
            out.setdefault(kind, {})[key] = value
    return {kind: dict(sorted(values.items())) for kind, values in sorted(out.items()) if values}


@dataclass(frozen=True)
class NginxGatewayFabric:
    """`spec.kopsgen.addons.nginxGatewayFabric` (enabled)."""

    replicas: int = NGF_REPLICAS
    resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["nginxGatewayFabric"]))
    image: str | None = None
    nginx_replicas: int = NGINX_REPLICAS
    nginx_resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["nginx"]))
    nginx_image: str | None = None
    scheme: str = "internet-facing"
    source_ranges: tuple[str, ...] = ()
    target_type: str | None = None        # None: ip where pods have VPC addresses, else instance
    default_gateway: bool = True


@dataclass(frozen=True)
class Headlamp:
    """`spec.kopsgen.addons.headlamp` (enabled)."""

    replicas: int = HEADLAMP_REPLICAS
    resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["headlamp"]))
    image: str | None = None
    read_only_viewer: bool = True
    base_url: str = ""


@dataclass(frozen=True)
class FluentBit:
    """`spec.kopsgen.addons.fluentBit` (enabled): container and node logs to the cluster's log group."""

    resources: dict = field(default_factory=lambda: addon_resources({}, ADDON_RESOURCES["fluentBit"]))
    image: str | None = None
    retention_days: int = CLUSTER_LOGS_RETENTION_DAYS
    kms_key_arn: str | None = None        # None: a key of its own


@dataclass(frozen=True)
class MetricsExporter:
    """`spec.kopsgen.addons.kubeStateMetrics` / `nodeExporter` (enabled)."""

    resources: dict
    image: str | None = None


@dataclass(frozen=True)
class KopsgenAddons:
    """`spec.kopsgen.addons`: kopsgen's own addons; each is None when off (the default)."""

    gateway_api: bool = False
    nginx_gateway_fabric: NginxGatewayFabric | None = None
    headlamp: Headlamp | None = None
    fluent_bit: FluentBit | None = None
    kube_state_metrics: MetricsExporter | None = None
    node_exporter: MetricsExporter | None = None

    @staticmethod
    def from_spec(s: dict) -> "KopsgenAddons":
        a = value_at(s, "kopsgen", "addons", default={})

        def on(key: str) -> dict | None:
            d = value_at(a, key, default={})
            return d if d.get("enabled") is True else None

        ngf, headlamp, logs, ksm, exporter = (on(k) for k in ("nginxGatewayFabric", "headlamp", "fluentBit",
                                                              "kubeStateMetrics", "nodeExporter"))
        gateway_api = value_at(a, "gatewayAPI", "enabled")
        return KopsgenAddons(
            gateway_api=gateway_api if isinstance(gateway_api, bool) else ngf is not None,
            nginx_gateway_fabric=None if ngf is None else NginxGatewayFabric(
                replicas=ngf.get("replicas", NGF_REPLICAS),
                resources=addon_resources(ngf.get("resources"), ADDON_RESOURCES["nginxGatewayFabric"]),
                image=ngf.get("image"),
                nginx_replicas=value_at(ngf, "nginx", "replicas", default=NGINX_REPLICAS),
                nginx_resources=addon_resources(value_at(ngf, "nginx", "resources"), ADDON_RESOURCES["nginx"]),
                nginx_image=value_at(ngf, "nginx", "image"),
                scheme=value_at(ngf, "loadBalancer", "scheme", default="internet-facing"),
                source_ranges=tuple(value_at(ngf, "loadBalancer", "sourceRanges", default=())),
                target_type=value_at(ngf, "loadBalancer", "targetType"),
                default_gateway=ngf.get("defaultGateway") is not False),
            headlamp=None if headlamp is None else Headlamp(
                replicas=headlamp.get("replicas", HEADLAMP_REPLICAS),
                resources=addon_resources(headlamp.get("resources"), ADDON_RESOURCES["headlamp"]),
                image=headlamp.get("image"), read_only_viewer=headlamp.get("readOnlyViewer") is not False,
                base_url=headlamp.get("baseURL") or ""),
            fluent_bit=None if logs is None else FluentBit(
                resources=addon_resources(logs.get("resources"), ADDON_RESOURCES["fluentBit"]),
                image=logs.get("image"),
                retention_days=value_at(logs, "logGroup", "retentionInDays", default=CLUSTER_LOGS_RETENTION_DAYS),
                kms_key_arn=value_at(logs, "logGroup", "kmsKeyARN")),
            kube_state_metrics=None if ksm is None else MetricsExporter(
                addon_resources(ksm.get("resources"), ADDON_RESOURCES["kubeStateMetrics"]), ksm.get("image")),
            node_exporter=None if exporter is None else MetricsExporter(
                addon_resources(exporter.get("resources"), ADDON_RESOURCES["nodeExporter"]), exporter.get("image")),
        )


@dataclass(frozen=True)
class Cluster:
    name: str
    region: str
    kubernetes_version: str
    config_base: StateStore
    network_cidr: str | None
    additional_network_cidrs: tuple[str, ...]
    network_id: str | None
    ipv6: bool
    subnets: tuple[Subnet, ...]
    dns_type: str
    dns_zone: str | None
    master_public_name: str
    master_internal_name: str
    api_load_balancer: ApiLoadBalancer | None
    ssh_access: tuple[str, ...]
    kubernetes_api_access: tuple[str, ...]
    node_port_access: tuple[str, ...]
    ssh_key_name: str | None
    networking: Networking
    etcd_clusters: tuple[EtcdCluster, ...]
    cloud_labels: dict[str, str]
    non_masquerade_cidr: str
    service_cluster_ip_range: str
    pod_cidr: str | None
    bastion_public_name: str | None
    iam: Iam
    node_termination_handler: NodeTerminationHandler
    raw: dict = field(compare=False, repr=False)
    # the bastion's load balancer (topology.bastion.loadBalancer)
    bastion_load_balancer_type: str = "Public"
    bastion_load_balancer_security_groups: tuple[str, ...] = ()
    service_node_port_range: tuple[int, int] = (30000, 32767)   # kubeAPIServer.serviceNodePortRange
    # the OpenSSH public key to import; set by pipeline.typed_spec, since it may come from a file (spec/sshkey.py)
    ssh_public_key: str | None = None
    warm_pool: "WarmPool | None" = None            # spec.warmPool: the default of node groups
    karpenter_enabled: bool = False
    # kopsgen extensions (spec.kopsgen): hardening of a VPC kopsgen creates
    flow_logs: FlowLogs | None = FlowLogs()
    restrict_default_security_group: bool = True
    # ... a way in: SSM Session Manager on every role kopsgen creates (spec.kopsgen.ssmAccess)
    ssm_access: bool = False
    # ... and of the CloudFormation output: nested stacks even while one template would do
    cloudformation_nested_stacks: bool = False
    # the region of the configBase's S3 bucket (spec.kopsgen.configBaseRegion; None: the cluster's region,
    # unless `update cluster` looked it up in S3)
    config_base_region: str | None = None
    # ... and of the Terraform output: etcd volumes Terraform refuses to destroy (opt-in, so destroy still works)
    prevent_etcd_volume_destroy: bool = False
    # kubeAPIServer.serviceAccountIssuer: after defaults, the issuer URL of service-account tokens
    service_account_issuer: str | None = None
    service_account_issuer_discovery: ServiceAccountIssuerDiscovery = ServiceAccountIssuerDiscovery()
    # externalPolicies / additionalPolicies, by kops's role key (master or control-plane, node, bastion, apiserver)
    external_policies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    additional_policies: dict[str, str] = field(default_factory=dict)
    key_store: str | None = None                   # keyStore
    secret_store: str | None = None                # secretStore
    encryption_config: bool = False                # encryptionConfig (secrets encrypted at rest)
    nlb_security_group_mode: str | None = None     # cloudConfig.nlbSecurityGroupMode
    snapshot_controller_enabled: bool = False      # snapshotController.enabled
    aws_load_balancer_controller: AwsLoadBalancerController = AwsLoadBalancerController()
    containerd: Containerd = Containerd()
    cert_manager_hosted_zone_ids: tuple[str, ...] = ()              # certManager.hostedZoneIDs
    file_repository: str | None = None             # assets.fileRepository (a mirror of the downloads)
    container_registry: str | None = None          # assets.containerRegistry (a mirror of the images)
    container_proxy: str | None = None             # assets.containerProxy (a pull-through proxy of the images)
    cluster_dns_domain: str = "cluster.local"      # clusterDNSDomain (the default is kops's)
    kops_version: object = None                    # kopsgen.kopsVersion, as written (checked by the bootstrap)
    allow_too_new_kubernetes: bool = False         # kopsgen.allowTooNewKubernetes
    use_ip_based_node_names: bool = False          # cloudConfig.useIPBasedNodeNames
    addons: AddonSwitches = AddonSwitches()     # which addons the bootstrap channel holds
    kopsgen_addons: KopsgenAddons = KopsgenAddons()   # spec.kopsgen.addons: kopsgen's own (off by default)
    kube_proxy_enabled: bool = True                # kubeProxy.enabled (false: the CNI replaces kube-proxy)
    metrics_server: MetricsServer = MetricsServer()
    node_problem_detector: NodeProblemDetector = NodeProblemDetector()
    cert_manager: CertManager = CertManager()
    snapshot_controller_install_default_class: bool = False   # snapshotController.installDefaultClass
    aws_ebs_csi_driver: AwsEbsCsiDriver = AwsEbsCsiDriver()
    rolling_update_max_unavailable: int | str | None = None   # rollingUpdate.maxUnavailable (a count or "N%")
    # target.terraform.providerExtraConfig / filesProviderExtraConfig: extra settings of the two aws providers
    terraform_provider_extras: dict = field(default_factory=dict)
    terraform_files_provider_extras: dict = field(default_factory=dict)
    # settings that kops hands to addons and components (see the blocks above)
    aws_authentication: AwsAuthentication = AwsAuthentication()   # authentication.aws
    cluster_autoscaler: ClusterAutoscaler = ClusterAutoscaler()
    cloud_controller_manager: CloudControllerManager = CloudControllerManager()
    kube_dns: KubeDNS = KubeDNS()
    external_dns: ExternalDns | None = None        # externalDns (or externalDNS); None: not set
    egress_proxy: EgressProxySpec | None = None    # egressProxy (or networking.egressProxy); None: not set
    addon_manifests: tuple[str, ...] = ()          # addons[].manifest: channels kops-channels applies too
    kube_proxy_mode: str | None = None             # kubeProxy.proxyMode (iptables | ipvs | nftables)
    kube_controller_manager_cluster_cidr: str | None = None   # kubeControllerManager.clusterCIDR
    ntp_managed: bool = True                       # ntp.managed (false: the image's own time service)

    @property
    def zones(self) -> tuple[str, ...]:
        return tuple(sorted({s.zone for s in self.subnets}))

    @property
    def shared_vpc(self) -> bool:
        return self.network_id is not None

    @property
    def uses_none_dns(self) -> bool:
        """No DNS records at all (`topology.dns.type: None`): nodes find the API through /etc/hosts."""
        return self.dns_type == DNS_NONE

    def subnet(self, name: str) -> Subnet:
        for s in self.subnets:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def is_private_topology(self) -> bool:
        return any(s.type == SUBNET_PRIVATE for s in self.subnets)

    @property
    def nth_enabled(self) -> bool:
        """The node termination handler runs: kops's default, unless turned off or Karpenter does its
        job. Its settings are `spec.nodeTerminationHandler` (v1alpha2's place for them; v1alpha3 moved
        them to cloudProvider.aws), completed by defaults: builders and bootstrap read them here."""
        return not self.karpenter_enabled and self.node_termination_handler.enabled is not False

    @property
    def nth_queue_mode(self) -> bool:
        """The node termination handler runs and reads its events from an SQS queue
        (`enableSQSTerminationDraining`, on by default)."""
        return self.nth_enabled and self.node_termination_handler.enable_sqs_termination_draining \
            is not False

    @property
    def nth_managed_asg_tag(self) -> str:
        """The tag marking the groups the queue-mode handler acts on."""
        return self.node_termination_handler.managed_asg_tag or "aws-node-termination-handler/managed"

    @staticmethod
    def from_dict(doc: dict) -> "Cluster":
        s = doc["spec"]
        api = s.get("api") or {}
        networking = s.get("networking") or {}
        lb = api.get("loadBalancer")
        nmc = s.get("nonMasqueradeCIDR", "100.64.0.0/10")
        return Cluster(
            name=doc["metadata"]["name"],
            region=region_of_zone(s["subnets"][0]["zone"]),
            kubernetes_version=s["kubernetesVersion"],
            config_base=StateStore.parse(s["configBase"]),
            network_cidr=s.get("networkCIDR"),
            additional_network_cidrs=tuple(s.get("additionalNetworkCIDRs") or ()),
            network_id=s.get("networkID"),
            ipv6=is_ipv6_cluster(nmc),
            subnets=tuple(Subnet.from_dict(x) for x in s.get("subnets") or ()),
            dns_type=value_at(s, "topology", "dns", "type", default=DNS_PUBLIC),
            dns_zone=s.get("dnsZone"),
            master_public_name=s.get("masterPublicName", f"api.{doc['metadata']['name']}"),
            master_internal_name=s.get("masterInternalName", f"api.internal.{doc['metadata']['name']}"),
            api_load_balancer=ApiLoadBalancer.from_dict(lb) if lb is not None else None,
            ssh_access=tuple(s.get("sshAccess") or ()),
            kubernetes_api_access=tuple(s.get("kubernetesApiAccess") or ()),
            node_port_access=tuple(s.get("nodePortAccess") or ()),
            ssh_key_name=s.get("sshKeyName"),
            networking=Networking.from_dict(networking),
            etcd_clusters=tuple(EtcdCluster.from_dict(e) for e in s.get("etcdClusters") or ()),
            cloud_labels=dict(s.get("cloudLabels") or {}),
            non_masquerade_cidr=nmc,
            service_cluster_ip_range=s.get("serviceClusterIPRange", ""),
            pod_cidr=s.get("podCIDR"),
            bastion_public_name=value_at(s, "topology", "bastion", "bastionPublicName"),
            iam=Iam.from_dict(s.get("iam") or {}),
            node_termination_handler=kops_settings(NodeTerminationHandler, s.get("nodeTerminationHandler")),
            raw=doc,
            bastion_load_balancer_type=value_at(s, "topology", "bastion", "loadBalancer", "type", default="Public"),
            bastion_load_balancer_security_groups=tuple(
                value_at(s, "topology", "bastion", "loadBalancer", "additionalSecurityGroups", default=())),
            service_node_port_range=port_range(value_at(s, "kubeAPIServer", "serviceNodePortRange")),
            warm_pool=_cluster_warm_pool(s),
            karpenter_enabled=bool(value_at(s, "karpenter", "enabled", default=False)),
            flow_logs=FlowLogs.from_spec(s),
            restrict_default_security_group=value_at(s, "kopsgen", "restrictDefaultSecurityGroup", default=True)
            is not False,
            cloudformation_nested_stacks=value_at(s, "kopsgen", "nestedStacks", default=False) is True,
            config_base_region=value_at(s, "kopsgen", "configBaseRegion") or None,
            ssm_access=ssm_access_of(s),
            prevent_etcd_volume_destroy=value_at(s, "kopsgen", "preventEtcdVolumeDestroy", default=False) is True,
            rolling_update_max_unavailable=value_at(s, "rollingUpdate", "maxUnavailable"),
            terraform_provider_extras=dict(value_at(s, "target", "terraform", "providerExtraConfig") or {}),
            terraform_files_provider_extras=dict(value_at(s, "target", "terraform", "filesProviderExtraConfig")
                                                 or {}),
            service_account_issuer=_str_or_none(value_at(s, "kubeAPIServer", "serviceAccountIssuer")),
            service_account_issuer_discovery=ServiceAccountIssuerDiscovery(
                enable_aws_oidc_provider=bool(value_at(s, "serviceAccountIssuerDiscovery", "enableAWSOIDCProvider")),
                additional_audiences=tuple(value_at(s, "serviceAccountIssuerDiscovery", "additionalAudiences",
                                                    default=()))),
            external_policies={k: tuple(v or ()) for k, v in (s.get("externalPolicies") or {}).items()},
            additional_policies={k: v for k, v in (s.get("additionalPolicies") or {}).items()},
            key_store=s.get("keyStore"),
            secret_store=s.get("secretStore"),
            encryption_config=bool(s.get("encryptionConfig")),
            nlb_security_group_mode=value_at(s, "cloudConfig", "nlbSecurityGroupMode"),
            snapshot_controller_enabled=bool(value_at(s, "snapshotController", "enabled")),
            aws_load_balancer_controller=_aws_load_balancer_controller(s.get("awsLoadBalancerController") or {}),
            containerd=Containerd.from_dict(s.get("containerd") or {}),
            cert_manager_hosted_zone_ids=tuple(value_at(s, "certManager", "hostedZoneIDs", default=())),
            file_repository=value_at(s, "assets", "fileRepository"),
            container_registry=value_at(s, "assets", "containerRegistry"),
            container_proxy=value_at(s, "assets", "containerProxy"),
            cluster_dns_domain=s.get("clusterDNSDomain") or "cluster.local",
            kops_version=value_at(s, "kopsgen", "kopsVersion"),
            allow_too_new_kubernetes=value_at(s, "kopsgen", "allowTooNewKubernetes") is True,
            use_ip_based_node_names=bool(value_at(s, "cloudConfig", "useIPBasedNodeNames")),
            addons=AddonSwitches.from_spec(s),
            kopsgen_addons=KopsgenAddons.from_spec(s),
            kube_proxy_enabled=value_at(s, "kubeProxy", "enabled") is not False,
            metrics_server=MetricsServer(image=value_at(s, "metricsServer", "image"),
                                         insecure=value_at(s, "metricsServer", "insecure")),
            node_problem_detector=NodeProblemDetector(
                **{name: value_at(s, "nodeProblemDetector", key) for name, key in (
                    ("image", "image"), ("cpu_request", "cpuRequest"), ("memory_request", "memoryRequest"),
                    ("cpu_limit", "cpuLimit"), ("memory_limit", "memoryLimit"))}),
            cert_manager=CertManager(default_issuer=value_at(s, "certManager", "defaultIssuer"),
                                     feature_gates=dict(value_at(s, "certManager", "featureGates", default={})),
                                     nameservers=tuple(value_at(s, "certManager", "nameservers", default=()))),
            snapshot_controller_install_default_class=bool(value_at(s, "snapshotController", "installDefaultClass")),
            aws_ebs_csi_driver=AwsEbsCsiDriver(
                version=value_at(s, "cloudConfig", "awsEBSCSIDriver", "version"),
                kube_api_qps=value_at(s, "cloudConfig", "awsEBSCSIDriver", "kubeAPIQPS"),
                kube_api_burst=value_at(s, "cloudConfig", "awsEBSCSIDriver", "kubeAPIBurst"),
                volume_attach_limit=value_at(s, "cloudConfig", "awsEBSCSIDriver", "volumeAttachLimit")),
            aws_authentication=kops_settings(AwsAuthentication, value_at(s, "authentication", "aws")),
            cluster_autoscaler=kops_settings(ClusterAutoscaler, s.get("clusterAutoscaler")),
            cloud_controller_manager=kops_settings(CloudControllerManager, s.get("cloudControllerManager")),
            kube_dns=kops_settings(KubeDNS, s.get("kubeDNS")),
            external_dns=_optional_block(ExternalDns, s.get("externalDns") or s.get("externalDNS")),
            egress_proxy=_optional_block(EgressProxySpec, s.get("egressProxy") or networking.get("egressProxy")),
            addon_manifests=tuple(a["manifest"] for a in s.get("addons") or () if a.get("manifest")),
            kube_proxy_mode=value_at(s, "kubeProxy", "proxyMode"),
            kube_controller_manager_cluster_cidr=value_at(s, "kubeControllerManager", "clusterCIDR") or None,
            ntp_managed=value_at(s, "ntp", "managed") is not False,
        )


def _optional_block(cls: type, d: Any) -> Any:
    """kops_settings of a block that matters by being there: None when unset or empty."""
    return kops_settings(cls, d) if d else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _aws_load_balancer_controller(d: dict) -> AwsLoadBalancerController:
    return AwsLoadBalancerController(enabled=bool(d.get("enabled")), enable_waf=bool(d.get("enableWAF")),
                                     enable_wafv2=bool(d.get("enableWAFv2")), enable_shield=bool(d.get("enableShield")),
                                     version=d.get("version"), cpu_request=d.get("cpuRequest"),
                                     memory_request=d.get("memoryRequest"), cpu_limit=d.get("cpuLimit"),
                                     memory_limit=d.get("memoryLimit"))


def ssm_access_of(s: dict) -> bool:
    """`spec.kopsgen.ssmAccess`; unset, on exactly when no SSH access is configured, so that a cluster
    always has a way in (sessions through SSM need no open port and no key)."""
    value = value_at(s, "kopsgen", "ssmAccess")
    return value if isinstance(value, bool) else not s.get("sshAccess")


def port_range(value: str | None, default: tuple[int, int] = (30000, 32767)) -> tuple[int, int]:
    """First and last port of a Kubernetes port range: `30000-32767`, `30000+2767` or `30000`."""
    if not value:
        return default
    value = value.strip()
    if "-" in value:
        first, last = value.split("-", 1)
        return int(first), int(last)
    if "+" in value:
        first, offset = value.split("+", 1)
        return int(first), int(first) + int(offset)
    return int(value), int(value)


def aws_partition(region: str) -> str:
    """The AWS partition a region belongs to (the `aws` in `arn:aws:...`)."""
    for prefix, partition in (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"),
                              ("us-iso-", "aws-iso"), ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f")):
        if region.startswith(prefix):
            return partition
    return "aws"


def region_of_zone(zone: str) -> str:
    """`us-east-1a` -> `us-east-1`; Local Zones (`us-east-1-bos-1a`) keep their parent region."""
    import re

    m = re.match(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)", zone)
    return m.group(1) if m else zone[:-1]


def is_ipv6_cluster(non_masquerade_cidr: Any) -> bool:
    """kops's rule: a cluster is IPv6 when its nonMasqueradeCIDR is an IPv6 network (`::/0`).
    Tolerates any value, since defaults and validation ask before the spec is known to be valid."""
    if not isinstance(non_masquerade_cidr, str):
        return False
    try:
        return ipaddress.ip_network(non_masquerade_cidr, strict=False).version == 6
    except ValueError:
        return False


@dataclass(frozen=True)
class ClusterSpec:
    """A completed cluster: the Cluster and its instance groups, sorted by name."""

    cluster: Cluster
    instance_groups: tuple[InstanceGroup, ...]
    # the base names of the files it was read from ("-": standard input); empty for a stored spec. The
    # header of the rendered files names them; never a path, which would differ from one machine to another
    source_files: tuple[str, ...] = ()

    def instance_group(self, name: str) -> InstanceGroup:
        found = self._groups_by_name.get(name)
        if found is None:
            raise KeyError(name)
        return found

    @cached_property
    def _groups_by_name(self) -> dict[str, InstanceGroup]:
        # looked up once per group and per etcd member: a scan each time would be quadratic in the groups
        by_name: dict[str, InstanceGroup] = {}
        for ig in self.instance_groups:
            by_name.setdefault(ig.name, ig)
        return by_name

    @property
    def control_plane_groups(self) -> tuple[InstanceGroup, ...]:
        return tuple(ig for ig in self.instance_groups if ig.is_control_plane)

    @property
    def node_groups(self) -> tuple[InstanceGroup, ...]:
        return tuple(ig for ig in self.instance_groups if ig.is_node)

    @property
    def bastion_groups(self) -> tuple[InstanceGroup, ...]:
        return tuple(ig for ig in self.instance_groups if ig.is_bastion)

    def warm_pool(self, ig: InstanceGroup) -> WarmPool | None:
        """The warm pool `ig` gets (its own or the cluster's; see warm_pool_of), None for none."""
        return warm_pool_of(ig.warm_pool, self.cluster.warm_pool, ig.role)

    @staticmethod
    def from_dicts(cluster: dict, instance_groups: list[dict]) -> "ClusterSpec":
        groups = sorted((InstanceGroup.from_dict(d) for d in instance_groups), key=lambda g: g.name)
        return ClusterSpec(Cluster.from_dict(cluster), tuple(groups))
