"""The AWS load balancer controller (Ingress and Service load balancers)."""

from __future__ import annotations

import dataclasses
from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import control_plane_replicas as _control_plane_replicas
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.context import BootstrapContext


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _lbc_values(ctx: BootstrapContext) -> dict:
    lbc = ctx.spec.cluster.aws_load_balancer_controller
    version = _or(lbc.version, versions.AWS_LOAD_BALANCER_CONTROLLER_VERSION)
    tags = {"KubernetesCluster": ctx.name, **ctx.spec.cluster.cloud_labels}
    args = [f"--cluster-name={ctx.name}", "--ingress-class=alb", f"--aws-region={ctx.spec.cluster.region}",
            "--metrics-bind-addr=:9442", f"--enable-waf={_flag(lbc.enable_waf)}",
            f"--enable-wafv2={_flag(lbc.enable_wafv2)}", f"--enable-shield={_flag(lbc.enable_shield)}",
            "--default-tags=" + ",".join(f"{k}={v}" for k, v in sorted(tags.items()))]
    resources = {"limits": {"cpu": _or(lbc.cpu_limit, "200m"), "memory": _or(lbc.memory_limit, "500Mi")},
                 "requests": {"cpu": _or(lbc.cpu_request, "100m"), "memory": _or(lbc.memory_request, "200Mi")}}
    return {"version": version, "chart": f"aws-load-balancer-controller-{version.removeprefix('v')}",
            "replicas": _control_plane_replicas(ctx), "args": args, "resources": resources,
            "image": versions.AWS_LOAD_BALANCER_CONTROLLER_IMAGE.format(version=version)}


LBC_NAME = "aws-load-balancer-controller"


def _lbc_on_any_node(ctx: BootstrapContext, objects: Objects) -> Objects:
    """With a role of its own (its credentials come from a projected token, irsa.py) the controller
    needs neither the host's network nor a control-plane node: it may run anywhere, preferably with its
    replicas on different nodes, and may surge during a rolling update (kops's IRSA manifest)."""
    deployment = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == LBC_NAME)
    deployment["spec"].pop("strategy")
    pod = deployment["spec"]["template"]["spec"]
    for key in ("hostNetwork", "tolerations"):
        pod.pop(key)
    pod["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100, "podAffinityTerm": {
            "topologyKey": "kubernetes.io/hostname",
            "labelSelector": {"matchExpressions": [
                {"key": "app.kubernetes.io/name", "operator": "In", "values": [LBC_NAME]}]}}}]}}
    return objects


AWS_LOAD_BALANCER_CONTROLLER = Addon(
    name="aws-load-balancer-controller.addons.k8s.io", id="k8s-1.19",
    template="addon-aws-load-balancer-controller.yaml", needs_pki=True, build_prune=True, values=_lbc_values)
# with iam.useServiceAccountExternalPermissions: its own role, any node (kops's separate manifest ID)
AWS_LOAD_BALANCER_CONTROLLER_IRSA = dataclasses.replace(AWS_LOAD_BALANCER_CONTROLLER, id="k8s-1.19-irsa",
                                                        adjust=_lbc_on_any_node)
