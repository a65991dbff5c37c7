"""`spec.networking`: which CNI the cluster runs, and the settings of each CNI kopsgen configures. Each
settings block is kops's, field for field, as written (None: unset; the addon applies kops's default)."""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.spec.api.fields import kops_block, kops_name, kops_settings, value_at


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
