"""The cluster autoscaler."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import control_plane_replicas as _control_plane_replicas
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.addons.values import or_default as _or
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError
from kopsgen.ir import naming
from kopsgen.spec.api import MANAGER_CLOUD_GROUP


def _autoscaler_values(ctx: BootstrapContext) -> dict:
    a = ctx.spec.cluster.cluster_autoscaler
    if a.expander == "priority" and a.create_priority_expander_config:
        raise RenderError("spec.clusterAutoscaler.createPriorityExpanderConfig: kopsgen does not build the "
                          "priority expander's ConfigMap yet")
    image = a.image or \
        f"{versions.CLUSTER_AUTOSCALER_REPOSITORY}:{versions.CLUSTER_AUTOSCALER_IMAGE.get(ctx.kubernetes_minor, 'latest')}"
    command = ["./cluster-autoscaler",
               f"--balance-similar-node-groups={_flag(a.balance_similar_node_groups)}",
               f"--emit-per-nodegroup-metrics={_flag(a.emit_per_nodegroup_metrics)}",
               "--cloud-provider=aws",
               f"--aws-use-static-instance-list={_flag(a.aws_use_static_instance_list)}",
               f"--expander={_or(a.expander, 'random')}"]
    # every node group the autoscaler may resize, by auto-scaling group name (in group-name order)
    for ig in sorted(ctx.spec.node_groups, key=lambda g: g.name):
        if not ig.autoscale or ig.manager != MANAGER_CLOUD_GROUP:
            continue
        command.append(f"--nodes={ig.min_size}:{ig.max_size}:{naming.autoscaling_group(ig.name, ig.role, ctx.name)}")
    command += [f"--ignore-daemonsets-utilization={_flag(a.ignore_daemon_sets_utilization)}",
                f"--scale-down-utilization-threshold={_or(a.scale_down_utilization_threshold, '0.5')}",
                f"--skip-nodes-with-custom-controller-pods="
                f"{_flag(_or(a.skip_nodes_with_custom_controller_pods, True))}",
                f"--skip-nodes-with-local-storage={_flag(_or(a.skip_nodes_with_local_storage, True))}",
                f"--skip-nodes-with-system-pods={_flag(_or(a.skip_nodes_with_system_pods, True))}",
                f"--scale-down-delay-after-add={_or(a.scale_down_delay_after_add, '10m0s')}",
                f"--scale-down-unneeded-time={_or(a.scale_down_unneeded_time, '10m0s')}",
                f"--scale-down-unready-time={_or(a.scale_down_unready_time, '20m0s')}",
                f"--new-pod-scale-up-delay={_or(a.new_pod_scale_up_delay, '0s')}",
                f"--max-node-provision-time={_or(a.max_node_provision_time, '15m0s')}",
                f"--cordon-node-before-terminating={_flag(_or(a.cordon_node_before_terminating, True))}",
                "--logtostderr=true", "--stderrthreshold=info", "--v=4"]
    annotations = {"prometheus.io/port": "8085", "prometheus.io/scrape": "true",
                   **(a.pod_annotations or {})}
    return {"replicas": _control_plane_replicas(ctx), "image": image, "command": command,
            "region": ctx.spec.cluster.region, "pod_annotations": annotations,
            "cpu_request": _or(a.cpu_request, "100m"),
            "memory_request": _or(a.memory_request, "300Mi")}


CLUSTER_AUTOSCALER = Addon(name="cluster-autoscaler.addons.k8s.io", id="k8s-1.15",
                           template="addon-cluster-autoscaler.yaml", values=_autoscaler_values)
