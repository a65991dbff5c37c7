"""The Cluster document, and `ClusterSpec`: the completed cluster with its instance groups, which is what
the builders and the bootstrap receive. `Cluster.from_dict` puts together the parts each module of this
package reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kopsgen.spec.api.addons import (
    AddonSwitches, AwsAuthentication, AwsEbsCsiDriver, AwsLoadBalancerController, CertManager, CloudControllerManager,
    ClusterAutoscaler, ExternalDns, KubeDNS, MetricsServer, NodeProblemDetector, NodeTerminationHandler,
)
from kopsgen.spec.api.cni import Networking
from kopsgen.spec.api.etcd import EtcdCluster
from kopsgen.spec.api.extensions import FlowLogs, KopsgenAddons, ssm_access_of
from kopsgen.spec.api.fields import kops_settings, optional_block, value_at
from kopsgen.spec.api.iam import Iam, ServiceAccountIssuerDiscovery
from kopsgen.spec.api.instancegroup import Containerd, InstanceGroup, WarmPool, cluster_warm_pool, warm_pool_of
from kopsgen.spec.api.network import (
    DNS_NONE, DNS_PUBLIC, SUBNET_PRIVATE, ApiLoadBalancer, EgressProxySpec, Subnet, is_ipv6_cluster, port_range,
    region_of_zone,
)


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
            warm_pool=cluster_warm_pool(s),
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
            service_account_issuer_discovery=ServiceAccountIssuerDiscovery.from_spec(s),
            external_policies={k: tuple(v or ()) for k, v in (s.get("externalPolicies") or {}).items()},
            additional_policies={k: v for k, v in (s.get("additionalPolicies") or {}).items()},
            key_store=s.get("keyStore"),
            secret_store=s.get("secretStore"),
            encryption_config=bool(s.get("encryptionConfig")),
            nlb_security_group_mode=value_at(s, "cloudConfig", "nlbSecurityGroupMode"),
            snapshot_controller_enabled=bool(value_at(s, "snapshotController", "enabled")),
            aws_load_balancer_controller=AwsLoadBalancerController.from_dict(s.get("awsLoadBalancerController") or {}),
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
            metrics_server=MetricsServer.from_spec(s),
            node_problem_detector=NodeProblemDetector.from_spec(s),
            cert_manager=CertManager.from_spec(s),
            snapshot_controller_install_default_class=bool(value_at(s, "snapshotController", "installDefaultClass")),
            aws_ebs_csi_driver=AwsEbsCsiDriver.from_spec(s),
            aws_authentication=kops_settings(AwsAuthentication, value_at(s, "authentication", "aws")),
            cluster_autoscaler=kops_settings(ClusterAutoscaler, s.get("clusterAutoscaler")),
            cloud_controller_manager=kops_settings(CloudControllerManager, s.get("cloudControllerManager")),
            kube_dns=kops_settings(KubeDNS, s.get("kubeDNS")),
            external_dns=optional_block(ExternalDns, s.get("externalDns") or s.get("externalDNS")),
            egress_proxy=optional_block(EgressProxySpec, s.get("egressProxy") or networking.get("egressProxy")),
            addon_manifests=tuple(a["manifest"] for a in s.get("addons") or () if a.get("manifest")),
            kube_proxy_mode=value_at(s, "kubeProxy", "proxyMode"),
            kube_controller_manager_cluster_cidr=value_at(s, "kubeControllerManager", "clusterCIDR") or None,
            ntp_managed=value_at(s, "ntp", "managed") is not False,
        )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


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
