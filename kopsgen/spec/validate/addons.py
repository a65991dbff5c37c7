"""Addons that need cert-manager or another setting, the node termination handler, the cluster's warm pool,
kopsgen's own addons (spec.kopsgen.addons)."""

from __future__ import annotations

from kopsgen.spec.api.cni import pods_have_vpc_addresses
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.validate.common import Validation, int_of


def check_addons(v: Validation) -> None:
    s = v.spec
    needs_cert_manager = (
        (("metricsServer", "enabled"), value_at(s, "metricsServer", "enabled") is True
         and value_at(s, "metricsServer", "insecure") is not True, "a secure metrics server"),
        (("awsLoadBalancerController", "enabled"), value_at(s, "awsLoadBalancerController", "enabled") is True,
         "the AWS Load Balancer Controller"),
        (("snapshotController", "enabled"), value_at(s, "snapshotController", "enabled") is True,
         "the snapshot controller"),
        (("podIdentityWebhook", "enabled"), value_at(s, "podIdentityWebhook", "enabled") is True,
         "the pod identity webhook"),
    )
    for path, enabled, what in needs_cert_manager:
        if enabled and not v.cert_manager():
            v.error(("spec",) + path, f"{what} needs certManager.enabled: true")
    if value_at(s, "certManager", "hostedZoneIDs") and value_at(s, "iam", "useServiceAccountExternalPermissions") is not True:
        v.error(("spec", "certManager", "hostedZoneIDs"), "DNS-01 validation needs "
                                                          "iam.useServiceAccountExternalPermissions: true")
    if value_at(s, "clusterAutoscaler", "expander") == "price":
        v.error(("spec", "clusterAutoscaler", "expander"), "the price expander only works on GCE")
    nth = s.get("nodeTerminationHandler")
    if isinstance(nth, dict) and nth.get("enableSQSTerminationDraining") is True:
        if nth.get("enableSpotInterruptionDraining") is False:
            v.error(("spec", "nodeTerminationHandler", "enableSpotInterruptionDraining"),
                    "spot interruption draining cannot be turned off in queue mode")
        if nth.get("enableRebalanceMonitoring") is True and nth.get("enableRebalanceDraining") is not True:
            v.error(("spec", "nodeTerminationHandler", "enableRebalanceMonitoring"),
                    "in queue mode rebalance events can only drain: set enableRebalanceDraining: true")
    warm = s.get("warmPool")
    if isinstance(warm, dict):
        if int_of(warm.get("maxSize")) is not None and (int_of(warm.get("minSize")) or 0) > warm["maxSize"]:
            v.error(("spec", "warmPool", "maxSize"), f"maxSize {warm['maxSize']} is below minSize {warm.get('minSize')}")
        if warm.get("additionalImages") and warm.get("maxSize") is not None:
            v.error(("spec", "warmPool", "additionalImages"), "additional images can only be set on instance groups")

    check_kopsgen_addons(v)


NGF = ("spec", "kopsgen", "addons", "nginxGatewayFabric")


def check_kopsgen_addons(v: Validation) -> None:
    s = v.spec
    if value_at(s, *NGF[1:], "enabled") is not True:
        return
    if value_at(s, "awsLoadBalancerController", "enabled") is not True:
        v.error(NGF + ("enabled",), "NGINX Gateway Fabric's Gateways are reached through an NLB that the AWS load "
                                    "balancer controller makes: set awsLoadBalancerController.enabled: true")
    networking = s.get("networking")
    if value_at(s, *NGF[1:], "loadBalancer", "targetType") == "ip" and \
            not pods_have_vpc_addresses(networking if isinstance(networking, dict) else {}):
        v.error(NGF + ("loadBalancer", "targetType"),
                "an NLB can only target pods that have VPC addresses (networking.amazonvpc, or Cilium with "
                "ipam: eni); with this network use targetType: instance")
