"""The cluster autoscaler."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import control_plane_replicas as _control_plane_replicas
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.addons.values import spec_value as _spec
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError
from kopsgen.ir import naming
from kopsgen.spec.api import MANAGER_CLOUD_GROUP


def _autoscaler(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = _spec(ctx, "clusterAutoscaler", key)
    return default if value is None else value


def _autoscaler_values(ctx: BootstrapContext) -> dict:
    if _autoscaler(ctx, "expander") == "priority" and _autoscaler(ctx, "createPriorityExpenderConfig"):
        raise RenderError("spec.clusterAutoscaler.createPriorityExpenderConfig: kopsgen does not build the "
                          "priority expander's ConfigMap yet")
    image = _autoscaler(ctx, "image") or \
        f"{versions.CLUSTER_AUTOSCALER_REPOSITORY}:{versions.CLUSTER_AUTOSCALER_IMAGE.get(ctx.kubernetes_minor, 'latest')}"
    command = ["./cluster-autoscaler",
               f"--balance-similar-node-groups={_flag(_autoscaler(ctx, 'balanceSimilarNodeGroups'))}",
               f"--emit-per-nodegroup-metrics={_flag(_autoscaler(ctx, 'emitPerNodegroupMetrics'))}",
               "--cloud-provider=aws",
               f"--aws-use-static-instance-list={_flag(_autoscaler(ctx, 'awsUseStaticInstanceList'))}",
               f"--expander={_autoscaler(ctx, 'expander', 'random')}"]
    # every node group the autoscaler may resize, by auto-scaling group name (in group-name order)
    for ig in sorted(ctx.spec.node_groups, key=lambda g: g.name):
        if not ig.autoscale or ig.manager != MANAGER_CLOUD_GROUP:
            continue
        command.append(f"--nodes={ig.min_size}:{ig.max_size}:{naming.autoscaling_group(ig.name, ig.role, ctx.name)}")
    command += [f"--ignore-daemonsets-utilization={_flag(_autoscaler(ctx, 'ignoreDaemonSetsUtilization'))}",
                f"--scale-down-utilization-threshold={_autoscaler(ctx, 'scaleDownUtilizationThreshold', '0.5')}",
                f"--skip-nodes-with-custom-controller-pods="
                f"{_flag(_autoscaler(ctx, 'skipNodesWithCustomControllerPods', True))}",
                f"--skip-nodes-with-local-storage={_flag(_autoscaler(ctx, 'skipNodesWithLocalStorage', True))}",
                f"--skip-nodes-with-system-pods={_flag(_autoscaler(ctx, 'skipNodesWithSystemPods', True))}",
                f"--scale-down-delay-after-add={_autoscaler(ctx, 'scaleDownDelayAfterAdd', '10m0s')}",
                f"--scale-down-unneeded-time={_autoscaler(ctx, 'scaleDownUnneededTime', '10m0s')}",
                f"--scale-down-unready-time={_autoscaler(ctx, 'scaleDownUnreadyTime', '20m0s')}",
                f"--new-pod-scale-up-delay={_autoscaler(ctx, 'newPodScaleUpDelay', '0s')}",
                f"--max-node-provision-time={_autoscaler(ctx, 'maxNodeProvisionTime', '15m0s')}",
                f"--cordon-node-before-terminating={_flag(_autoscaler(ctx, 'cordonNodeBeforeTerminating', True))}",
                "--logtostderr=true", "--stderrthreshold=info", "--v=4"]
    annotations = {"prometheus.io/port": "8085", "prometheus.io/scrape": "true",
                   **(_autoscaler(ctx, "podAnnotations") or {})}
    return {"replicas": _control_plane_replicas(ctx), "image": image, "command": command,
            "region": ctx.spec.cluster.region, "pod_annotations": annotations,
            "cpu_request": _autoscaler(ctx, "cpuRequest", "100m"),
            "memory_request": _autoscaler(ctx, "memoryRequest", "300Mi")}


CLUSTER_AUTOSCALER = Addon(name="cluster-autoscaler.addons.k8s.io", id="k8s-1.15",
                           template="addon-cluster-autoscaler.yaml", values=_autoscaler_values)
