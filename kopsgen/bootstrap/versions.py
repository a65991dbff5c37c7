"""Every image and version the bootstrap files pin, in one table.

Values that kops's completed cluster spec carries (containerd and runc versions, the cloud
controller manager image, the EBS CSI driver and node-termination-handler versions, etcd
versions, ...) are read from the completed spec; the entries marked "spec default" below are
only used when a spec reaches the bootstrap without them, and match what kops fills in.
Everything else here is decided by the bootstrap alone.

Images of kops's own components follow the kops release (releases.py), never this table.
"""

from __future__ import annotations

from functools import lru_cache

from kopsgen import yamlfast
from kopsgen.bootstrap.templating import template

# ---------------------------------------------------------------- etcd

ETCD_MANAGER_IMAGE = "registry.k8s.io/etcd-manager/etcd-manager-slim:v3.0.20260707"
# The newest patch of each etcd minor that etcd-manager carries; older patches of the same minor
# run from the newest one's binaries (the manifest mounts them under every patch's path).
ETCD_LATEST_PATCHES = ("3.5.31", "3.6.12", "3.7.0")
ETCD_IMAGE = "registry.k8s.io/etcd:v{version}"
ETCD_DEFAULT_VERSION = "3.5.31"                     # spec default
ETCD_BACKUP_RETENTION_DAYS = 90                      # spec default

# ---------------------------------------------------------------- node binaries

CONTAINERD_VERSION = "2.3.4"                         # spec default
RUNC_VERSION = "1.4.3"                               # spec default
PAUSE_IMAGE = "registry.k8s.io/pause:3.10.1"         # spec default
ECR_CREDENTIAL_PROVIDER = "https://artifacts.k8s.io/binaries/cloud-provider-aws/v1.31.7"
# CNI plugins by the lowest Kubernetes minor they are used from
CNI_PLUGINS = ((36, "1.9.1"), (35, "1.8.0"), (34, "1.7.1"), (32, "1.6.2"))

# ---------------------------------------------------------------- addons

COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.14.2"
KUBE_DNS_IMAGE = "registry.k8s.io/k8s-dns-kube-dns:1.15.13"
KUBE_DNS_DNSMASQ_IMAGE = "registry.k8s.io/k8s-dns-dnsmasq-nanny:1.15.13"
KUBE_DNS_SIDECAR_IMAGE = "registry.k8s.io/k8s-dns-sidecar:1.15.13"
KUBE_DNS_AUTOSCALER_IMAGE = "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.8.8"
NODE_LOCAL_DNS_IMAGE = "registry.k8s.io/dns/k8s-dns-node-cache:1.26.0"   # spec default
EXTERNAL_DNS_IMAGE = "registry.k8s.io/external-dns/external-dns:v0.14.1"
DNS_AUTOSCALER_IMAGE = "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0"
NODE_TERMINATION_HANDLER_IMAGE = "public.ecr.aws/aws-ec2/aws-node-termination-handler:{version}"
NODE_TERMINATION_HANDLER_VERSION = "v1.25.5"          # spec default
CLOUD_CONTROLLER_MANAGER_IMAGE = "registry.k8s.io/provider-aws/cloud-controller-manager:v1.36.1"  # spec default
EBS_CSI_DRIVER_IMAGE = "registry.k8s.io/provider-aws/aws-ebs-csi-driver:{version}"
EBS_CSI_DRIVER_VERSION = "v1.58.0"                    # spec default
CSI_PROVISIONER_IMAGE = "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0"
CSI_ATTACHER_IMAGE = "registry.k8s.io/sig-storage/csi-attacher:v4.11.0"
CSI_RESIZER_IMAGE = "registry.k8s.io/sig-storage/csi-resizer:v2.1.0"
CSI_SNAPSHOTTER_IMAGE = "registry.k8s.io/sig-storage/csi-snapshotter:v8.5.0"
CSI_LIVENESS_PROBE_IMAGE = "registry.k8s.io/sig-storage/livenessprobe:v2.18.0"
CSI_NODE_DRIVER_REGISTRAR_IMAGE = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.16.0"
METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.8.0"
NODE_PROBLEM_DETECTOR_IMAGE = "registry.k8s.io/node-problem-detector/node-problem-detector:v0.8.18"
CALICO_VERSION = "v3.31.6"
CILIUM_VERSION = "v1.18.12"                           # spec default
FLANNEL_IMAGE = "ghcr.io/flannel-io/flannel:v0.28.9"
FLANNEL_CNI_PLUGIN_IMAGE = "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3"
KINDNET_IMAGE = "registry.k8s.io/networking/kindnet:{version}"
KINDNET_VERSION = "v1.0.1"                            # spec default
KUBE_ROUTER_IMAGE = "docker.io/cloudnativelabs/kube-router:v2.11.1"
KOPEIO_NETWORKING_IMAGE = "kopeio/networking-agent:1.0.20181028"
CERT_MANAGER_VERSION = "v1.19.5"
CERT_MANAGER_IMAGE = "quay.io/jetstack/cert-manager-{component}:{version}"
AWS_LOAD_BALANCER_CONTROLLER_VERSION = "v3.3.0"
AWS_LOAD_BALANCER_CONTROLLER_IMAGE = "public.ecr.aws/eks/aws-load-balancer-controller:{version}"
SNAPSHOT_CONTROLLER_IMAGE = "registry.k8s.io/sig-storage/snapshot-controller:v6.0.1"
SNAPSHOT_VALIDATION_WEBHOOK_IMAGE = "registry.k8s.io/sig-storage/snapshot-validation-webhook:v6.0.1"
AMAZON_VPC_CNI_VERSION = "v1.23.0"
AMAZON_VPC_CNI_IMAGE = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:{version}"
AMAZON_VPC_CNI_INIT_IMAGE = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni-init:{version}"
AMAZON_VPC_POLICY_AGENT_IMAGE = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.4.1"
AWS_IAM_AUTHENTICATOR_IMAGE = "public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7"
# cluster-autoscaler follows the Kubernetes minor
CLUSTER_AUTOSCALER_IMAGE = {32: "v1.32.7", 33: "v1.33.4", 34: "v1.34.3", 35: "v1.35.1", 36: "v1.36.0"}
CLUSTER_AUTOSCALER_REPOSITORY = "registry.k8s.io/autoscaling/cluster-autoscaler"


def kops_image(component: str, kops_version: str) -> str:
    """kops's own images are tagged with the kops release (`+` is not allowed in a tag)."""
    return f"registry.k8s.io/kops/{component}:{kops_version.replace('+', '-')}"


def cni_plugins_version(kubernetes_minor: int) -> str:
    for minimum, version in CNI_PLUGINS:
        if kubernetes_minor >= minimum:
            return version
    return CNI_PLUGINS[-1][1]


# ---------------------------------------------------------------- kopsgen's own addons (spec.kopsgen.addons)
# Their versions and images are data with their sources: templates/addon-versions-kopsgen.yaml.
KOPSGEN_ADDON_VERSIONS = "addon-versions-kopsgen.yaml"


@lru_cache(maxsize=None)
def _kopsgen_addon_table() -> dict:
    return yamlfast.safe_load(template(KOPSGEN_ADDON_VERSIONS))


def kopsgen_addon(name: str) -> dict[str, str]:
    """The pinned version and images of one of kopsgen's own addons (gatewayAPI, nginxGatewayFabric, ...)."""
    return dict(_kopsgen_addon_table()[name])
