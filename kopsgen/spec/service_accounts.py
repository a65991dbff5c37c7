"""Which addons run under an IAM role of their own (IRSA), decided once for the two that need to know:
the IAM builder, which makes each role, and the bootstrap, which gives the addon's pods that role's
credentials (a projected service-account token and the role's ARN).

kops's rule: with `iam.useServiceAccountExternalPermissions`, every addon that calls AWS gets a role
trusted by the cluster's OIDC provider, and its permissions leave the control-plane role; cert-manager
gets one whenever it solves DNS-01 challenges in the hosted zones it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.spec.api import DNS_NONE, Cluster
from kopsgen.spec.api.fields import value_at


@dataclass(frozen=True)
class ServiceAccount:
    namespace: str
    name: str


DNS_CONTROLLER = ServiceAccount("kube-system", "dns-controller")
EXTERNAL_DNS = ServiceAccount("kube-system", "external-dns")
CLUSTER_AUTOSCALER = ServiceAccount("kube-system", "cluster-autoscaler")
CERT_MANAGER = ServiceAccount("kube-system", "cert-manager")
NODE_TERMINATION_HANDLER = ServiceAccount("kube-system", "aws-node-termination-handler")
LOAD_BALANCER_CONTROLLER = ServiceAccount("kube-system", "aws-load-balancer-controller")
KUBE_ROUTER = ServiceAccount("kube-system", "kube-router")
CLOUD_CONTROLLER_MANAGER = ServiceAccount("kube-system", "aws-cloud-controller-manager")
EBS_CSI_DRIVER = ServiceAccount("kube-system", "ebs-csi-controller-sa")
FLUENT_BIT = ServiceAccount("kube-system", "fluent-bit")               # kopsgen's own (spec.kopsgen.addons)


def external_permissions(cluster: Cluster) -> bool:
    """`iam.useServiceAccountExternalPermissions`: addons use roles of their own, not the instances'."""
    return cluster.iam.use_service_account_external_permissions


def addon_service_accounts(cluster: Cluster) -> list[ServiceAccount]:
    """The addons' service accounts that get their own role, in kops's order."""
    spec = cluster.raw.get("spec") or {}
    dns = cluster.dns_type != DNS_NONE
    external_dns = value_at(spec, "externalDns", "provider") == "external-dns"
    irsa = external_permissions(cluster)
    accounts = []
    if irsa:
        if dns and not external_dns:
            accounts.append(DNS_CONTROLLER)
        if dns and external_dns:
            accounts.append(EXTERNAL_DNS)
        if value_at(spec, "clusterAutoscaler", "enabled"):
            accounts.append(CLUSTER_AUTOSCALER)
    cert_manager = spec.get("certManager") or {}
    if cert_manager.get("enabled") and cert_manager.get("managed", True) is not False \
            and cert_manager.get("hostedZoneIDs"):
        accounts.append(CERT_MANAGER)
    if irsa:
        if cluster.nth_enabled:
            accounts.append(NODE_TERMINATION_HANDLER)
        if value_at(spec, "awsLoadBalancerController", "enabled"):
            accounts.append(LOAD_BALANCER_CONTROLLER)
        if "kuberouter" in (spec.get("networking") or {}):
            accounts.append(KUBE_ROUTER)
        accounts.append(CLOUD_CONTROLLER_MANAGER)
        if value_at(spec, "cloudConfig", "awsEBSCSIDriver", "managed") is not False:
            accounts.append(EBS_CSI_DRIVER)
        if cluster.kopsgen_addons.fluent_bit is not None:
            accounts.append(FLUENT_BIT)
    return accounts
