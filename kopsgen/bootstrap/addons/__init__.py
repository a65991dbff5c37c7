"""The bootstrap channel's addons: which addons a cluster gets (kops's rules and kops's order).

kops-channels, a static pod on the control plane, applies every addon of the bootstrap channel
(`addons/bootstrap-channel.yaml`), in order. This package builds that channel:

- base.py: what an addon is, how its manifest is made from our template and how the channel lists it;
- values.py: the small readings of the spec several addons share;
- one module per addon family (core, dns, networking/, storage, autoscaling, metrics, node_health,
  certificates, load_balancing, authentication, cloud, runtime), each defining its Addons and the
  values kops derives for them from the completed spec; kopsgen's own addons (spec.kopsgen.addons,
  not kops's) are the families ingress, web_ui, logging and monitoring, listed after kops's;
- this module: the list of addons in kops's order with the condition under which a cluster gets
  each. An addon kopsgen does not build yet is NotBuilt: a spec that enables it is refused with a
  RenderError naming the field, rather than leave the cluster without it.

Imports go one way: this module imports the families, the families import base and values.
"""

from __future__ import annotations

from typing import Callable

from kopsgen.bootstrap.addons import (authentication, autoscaling, certificates, cloud, core, dns, ingress,
                                      load_balancing, logging, metrics, monitoring, node_health, runtime, storage,
                                      web_ui)
from kopsgen.bootstrap.addons.base import Addon, AddonFile, NotBuilt, build_channel
from kopsgen.bootstrap.addons.networking import amazon_vpc, calico, cilium, overlays
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError
from kopsgen.spec import service_accounts
from kopsgen.spec.api.addons import AddonSwitches
from kopsgen.spec.api.extensions import KopsgenAddons


def _external_permissions(ctx: BootstrapContext) -> bool:
    return service_accounts.external_permissions(ctx.spec.cluster)


def _switches(ctx: BootstrapContext) -> AddonSwitches:
    return ctx.spec.cluster.addons


def _own(ctx: BootstrapContext) -> KopsgenAddons:
    return ctx.spec.cluster.kopsgen_addons


def _dns_controller_wanted(ctx: BootstrapContext) -> bool:
    return not ctx.uses_none_dns and _switches(ctx).external_dns_provider in (None, "dns-controller")


def _networking(kind: str) -> Callable[[BootstrapContext], bool]:
    return lambda ctx: ctx.cni() == kind


def _always(ctx: BootstrapContext) -> bool:
    return True


def _nvidia_wanted(ctx: BootstrapContext) -> bool:
    """The cluster's containerd, or any group's, runs NVIDIA GPUs."""
    return ctx.spec.cluster.containerd.nvidia_gpu_enabled or \
        any(ig.containerd.nvidia_gpu_enabled for ig in ctx.spec.instance_groups)


def _gvisor_wanted(ctx: BootstrapContext) -> bool:
    return any(ig.is_node and ig.containerd.gvisor_enabled for ig in ctx.spec.instance_groups)


def _load_balancer_controller(ctx: BootstrapContext) -> bool:
    return ctx.spec.cluster.aws_load_balancer_controller.enabled


ADDONS: list[tuple[Callable[[BootstrapContext], bool], Addon | NotBuilt]] = [
    (_always, core.KOPS_CONTROLLER),
    (lambda ctx: _switches(ctx).kube_dns_provider == "KubeDNS", dns.KUBE_DNS),
    (lambda ctx: _switches(ctx).kube_dns_provider == "CoreDNS", dns.COREDNS),
    (_always, core.KUBELET_API_RBAC),
    (_always, core.LIMIT_RANGE),
    (_dns_controller_wanted, dns.DNS_CONTROLLER),
    (lambda ctx: not _dns_controller_wanted(ctx), dns.DNS_CONTROLLER_REMOVED),
    (lambda ctx: not ctx.uses_none_dns and _switches(ctx).external_dns_provider == "external-dns",
     dns.EXTERNAL_DNS),
    (lambda ctx: _switches(ctx).kube_dns_provider == "CoreDNS" and _switches(ctx).node_local_dns,
     dns.NODE_LOCAL_DNS),
    (lambda ctx: _switches(ctx).cluster_autoscaler, autoscaling.CLUSTER_AUTOSCALER),
    (lambda ctx: _switches(ctx).metrics_server, metrics.METRICS_SERVER),
    (lambda ctx: _switches(ctx).cert_manager and _switches(ctx).cert_manager_managed, certificates.CERT_MANAGER),
    (lambda ctx: ctx.spec.cluster.nth_enabled, node_health.NODE_TERMINATION_HANDLER),
    (lambda ctx: _switches(ctx).node_problem_detector, node_health.NODE_PROBLEM_DETECTOR),
    # the device plugin alone would not do: nodeup must also install the driver and label and taint
    # the GPU nodes, which needs to know which instance types have GPUs (kops asks EC2)
    (_nvidia_wanted, NotBuilt("nvidia.addons.k8s.io", "spec.containerd.nvidiaGPU.enabled")),
    (_gvisor_wanted, runtime.GVISOR),
    (lambda ctx: _load_balancer_controller(ctx) and not _external_permissions(ctx),
     load_balancing.AWS_LOAD_BALANCER_CONTROLLER),
    (lambda ctx: _load_balancer_controller(ctx) and _external_permissions(ctx),
     load_balancing.AWS_LOAD_BALANCER_CONTROLLER_IRSA),
    (lambda ctx: _switches(ctx).pod_identity_webhook,
     NotBuilt("eks-pod-identity-webhook.addons.k8s.io", "spec.podIdentityWebhook.enabled")),
    (lambda ctx: _switches(ctx).manage_storage_classes, storage.STORAGE_AWS),
    (_networking("kopeio"), overlays.KOPEIO_NETWORKING),
    (_networking("flannel"), overlays.FLANNEL),
    (_networking("calico"), calico.CALICO),
    (_networking("kuberouter"), overlays.KUBE_ROUTER),
    (_networking("amazonvpc"), amazon_vpc.AMAZON_VPC),
    (_networking("kindnet"), overlays.KINDNET),
    (_networking("cilium"), cilium.CILIUM),
    (lambda ctx: _switches(ctx).authentication_kopeio,
     NotBuilt("authentication.kope.io", "spec.authentication.kopeio")),
    (lambda ctx: _switches(ctx).authentication_aws, authentication.AUTHENTICATION_AWS),
    (_always, cloud.AWS_CLOUD_CONTROLLER),
    (lambda ctx: _switches(ctx).ebs_csi_driver_managed, storage.AWS_EBS_CSI_DRIVER),
    (lambda ctx: ctx.spec.cluster.snapshot_controller_enabled, storage.SNAPSHOT_CONTROLLER),
    (lambda ctx: ctx.spec.cluster.karpenter_enabled, NotBuilt("karpenter.sh", "spec.karpenter.enabled")),
    # kopsgen's own (spec.kopsgen.addons), after kops's: cert-manager and the load balancer controller come first
    (lambda ctx: _own(ctx).gateway_api, ingress.GATEWAY_API),
    (lambda ctx: _own(ctx).nginx_gateway_fabric is not None, ingress.NGINX_GATEWAY_FABRIC),
    (lambda ctx: _own(ctx).headlamp is not None, web_ui.HEADLAMP),
    (lambda ctx: _own(ctx).fluent_bit is not None, logging.FLUENT_BIT),
    (lambda ctx: _own(ctx).kube_state_metrics is not None, monitoring.KUBE_STATE_METRICS),
    (lambda ctx: _own(ctx).node_exporter is not None, monitoring.NODE_EXPORTER),
]

# For the docs and the tests: which addons kopsgen builds, which it refuses.
BUILT = tuple(sorted({a.name for _, a in ADDONS if isinstance(a, Addon)}))
NOT_BUILT = tuple(sorted({a.name for _, a in ADDONS if isinstance(a, NotBuilt)}))


def selected(ctx: BootstrapContext) -> list[Addon]:
    """The cluster's addons, in kops's order."""
    out = []
    for condition, addon in ADDONS:
        if condition(ctx):
            if isinstance(addon, NotBuilt):
                raise RenderError(f"{addon.field}: kopsgen does not build the {addon.name} addon manifest yet "
                                  f"(kops would install it); remove the setting or install the addon yourself")
            out.append(addon)
    return out


def build(ctx: BootstrapContext) -> tuple[bytes, list[AddonFile]]:
    """The bootstrap channel and the manifests of the cluster's addons."""
    return build_channel(ctx, selected(ctx))
