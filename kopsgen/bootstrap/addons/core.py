"""The addons every cluster gets: kops-controller (which signs the nodes' certificates and labels
them), the kubelet API's RBAC and the default LimitRange."""

from __future__ import annotations

import json
from typing import Any

from kopsgen.bootstrap import nodeupconfig, pki, versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import version_label as _version_label
from kopsgen.bootstrap.addons.values import API_SERVER_LOCAL
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.manifests import system_component_env
from kopsgen.ir import naming


KOPS_CONTROLLER_PORT = 3988
KOPS_CONTROLLER_PKI = "/etc/kubernetes/kops-controller/pki"


def _kops_controller_config(ctx: BootstrapContext) -> str:
    cert_names = ["kubelet", "kubelet-server"]
    signing_cas = [pki.KUBERNETES_CA]
    if nodeupconfig.uses_cilium_etcd(ctx):
        # each node's Cilium agent gets a client certificate for Cilium's etcd
        cert_names.append("etcd-client-cilium")
        signing_cas.append(pki.ETCD_CLIENTS_CA_CILIUM)
    if ctx.spec.cluster.kube_proxy_enabled:
        cert_names.append("kube-proxy")
    if ctx.cni() == "kuberouter":
        cert_names.append("kube-router")
    roles = sorted({_node_role_name(ctx, ig) for ig in ctx.spec.instance_groups if ig.is_node})
    aws: dict[str, Any] = {"nodesRoles": roles, "Region": ctx.spec.cluster.region}
    if ctx.spec.cluster.use_ip_based_node_names:
        aws["useIPBasedNodeNames"] = True
    # key order is kops-controller's own (Go struct order): the file is compared byte for byte by nobody,
    # but keeping it makes diffs against kops readable
    config: dict[str, Any] = {
        "clusterName": ctx.name, "cloud": "aws", "configBase": ctx.config_base.url,
        "secretStore": ctx.spec.cluster.secret_store or ctx.config_base.path("secrets"),
        "server": {"Listen": f":{KOPS_CONTROLLER_PORT}", "provider": {"aws": aws},
                   "serverKeyPath": f"{KOPS_CONTROLLER_PKI}/kops-controller.key",
                   "serverCertificatePath": f"{KOPS_CONTROLLER_PKI}/kops-controller.crt",
                   "caBasePath": KOPS_CONTROLLER_PKI, "signingCAs": signing_cas, "certNames": cert_names},
    }
    if ctx.spec.cluster.ipv6:
        config["enableCloudIPAM"] = True
    return json.dumps(config, separators=(",", ":")) + "\n"


def _node_role_name(ctx: BootstrapContext, ig) -> str:
    """The IAM role kops-controller trusts for a node group: kopsgen's role for the group's role,
    or, for a group with its own instance profile, the role of that name (kops looks it up in
    AWS; kopsgen assumes the profile and its role share the name)."""
    if ig.iam_profile:
        return ig.iam_profile.rsplit("/", 1)[-1]
    return naming.iam_role(ig.role, ctx.name)


KOPS_CONTROLLER = Addon(
    name="kops-controller.addons.k8s.io", id="k8s-1.16", template="addon-kops-controller.yaml",
    needs_rolling_update="control-plane",
    values=lambda ctx: {
        "config": _kops_controller_config(ctx), "version_label": _version_label(ctx), "cluster": ctx.name,
        "image": versions.kops_image("kops-controller", ctx.kops_version),
        "env": API_SERVER_LOCAL + sorted(system_component_env(ctx) + _too_new_env(ctx), key=lambda e: e["name"]),
    })


def _too_new_env(ctx: BootstrapContext) -> list[dict]:
    """kops-controller checks the Kubernetes version against its own release too; kops passes it
    KOPS_RUN_TOO_NEW_VERSION when the user bypassed that check (spec.kopsgen.allowTooNewKubernetes)."""
    if ctx.spec.cluster.allow_too_new_kubernetes:
        return [{"name": "KOPS_RUN_TOO_NEW_VERSION", "value": "1"}]
    return []


KUBELET_API_RBAC = Addon(name="kubelet-api.rbac.addons.k8s.io", id="k8s-1.9",
                         template="addon-kubelet-api-rbac.yaml")

LIMIT_RANGE = Addon(name="limit-range.addons.k8s.io", id=None, template="addon-limit-range.yaml",
                    file_name="v1.5.0.yaml")
