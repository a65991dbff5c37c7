"""Settings of the addons and components kops runs (`kubeDNS`, `clusterAutoscaler`, the node termination
handler, the cloud controller manager, ...), and `AddonSwitches`: which of them the bootstrap channel holds.
In a block filled by `kops_settings`, each field is kops's field of the same name, as written (None: unset;
the addon applies kops's default)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kopsgen.spec.api.fields import kops_block, kops_name, value_at


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


@dataclass(frozen=True)
class MetricsServer:
    """`spec.metricsServer` (beside `enabled`)."""

    image: str | None = None
    insecure: bool | None = None          # unset: insecure (kops's default), but kops still asks for PKI

    @staticmethod
    def from_spec(s: dict) -> "MetricsServer":
        return MetricsServer(image=value_at(s, "metricsServer", "image"),
                             insecure=value_at(s, "metricsServer", "insecure"))


@dataclass(frozen=True)
class NodeProblemDetector:
    """`spec.nodeProblemDetector` (beside `enabled`)."""

    image: str | None = None
    cpu_request: str | None = None
    memory_request: str | None = None
    cpu_limit: str | None = None
    memory_limit: str | None = None

    @staticmethod
    def from_spec(s: dict) -> "NodeProblemDetector":
        return NodeProblemDetector(**{name: value_at(s, "nodeProblemDetector", key) for name, key in (
            ("image", "image"), ("cpu_request", "cpuRequest"), ("memory_request", "memoryRequest"),
            ("cpu_limit", "cpuLimit"), ("memory_limit", "memoryLimit"))})


@dataclass(frozen=True)
class CertManager:
    """`spec.certManager` (beside `enabled`, `managed` and `hostedZoneIDs`)."""

    default_issuer: str | None = None
    feature_gates: dict[str, object] = field(default_factory=dict)
    nameservers: tuple[str, ...] = ()

    @staticmethod
    def from_spec(s: dict) -> "CertManager":
        return CertManager(default_issuer=value_at(s, "certManager", "defaultIssuer"),
                           feature_gates=dict(value_at(s, "certManager", "featureGates", default={})),
                           nameservers=tuple(value_at(s, "certManager", "nameservers", default=())))


@dataclass(frozen=True)
class AwsEbsCsiDriver:
    """`spec.cloudConfig.awsEBSCSIDriver` (beside `managed`); numbers as written."""

    version: str | None = None
    kube_api_qps: object = None
    kube_api_burst: object = None
    volume_attach_limit: object = None

    @staticmethod
    def from_spec(s: dict) -> "AwsEbsCsiDriver":
        return AwsEbsCsiDriver(version=value_at(s, "cloudConfig", "awsEBSCSIDriver", "version"),
                               kube_api_qps=value_at(s, "cloudConfig", "awsEBSCSIDriver", "kubeAPIQPS"),
                               kube_api_burst=value_at(s, "cloudConfig", "awsEBSCSIDriver", "kubeAPIBurst"),
                               volume_attach_limit=value_at(s, "cloudConfig", "awsEBSCSIDriver", "volumeAttachLimit"))


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

    @staticmethod
    def from_dict(d: dict) -> "AwsLoadBalancerController":
        return AwsLoadBalancerController(
            enabled=bool(d.get("enabled")), enable_waf=bool(d.get("enableWAF")),
            enable_wafv2=bool(d.get("enableWAFv2")), enable_shield=bool(d.get("enableShield")),
            version=d.get("version"), cpu_request=d.get("cpuRequest"),
            memory_request=d.get("memoryRequest"), cpu_limit=d.get("cpuLimit"), memory_limit=d.get("memoryLimit"))



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
