"""Node health: the AWS node termination handler (drains nodes AWS is about to stop) and the node
problem detector."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects, render_objects
from kopsgen.bootstrap.addons.values import control_plane_replicas as _control_plane_replicas
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.addons.values import or_default as _or
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.spec.api.addons import NodeTerminationHandler


# A value only the applying tool knows (the NTH queue's URL holds the account ID): the manifest
# carries this marker, and Terraform / the uploader replace it (see statefiles.Substitution).
NTH_QUEUE_URL_MARKER = "@@kopsgen:nth-queue-url@@"


def _nth(ctx: BootstrapContext) -> NodeTerminationHandler:
    return ctx.spec.cluster.node_termination_handler


def _nth_env(ctx: BootstrapContext, queue_mode: bool) -> list[dict]:
    """The handler's environment as kops's manifests set it: reading an SQS queue (queue mode, a Deployment),
    or each node's metadata service (a DaemonSet)."""
    nth = _nth(ctx)
    field = lambda path: {"valueFrom": {"fieldRef": {"fieldPath": path}}}  # noqa: E731
    env = [("NODE_NAME", field("spec.nodeName")), ("POD_NAME", field("metadata.name")),
           ("NAMESPACE", field("metadata.namespace")),
           ("ENABLE_PROBES_SERVER", _flag(queue_mode)), ("PROBES_SERVER_PORT", "8080"),
           ("PROBES_SERVER_ENDPOINT", "/healthz"),
           ("LOG_LEVEL", "info"), ("JSON_LOGGING", "true"), ("LOG_FORMAT_VERSION", "2"),
           ("ENABLE_PROMETHEUS_SERVER", _flag(nth.enable_prometheus_metrics)), ("PROMETHEUS_SERVER_PORT", "9092")]
    if queue_mode:
        env += [("CHECK_TAG_BEFORE_DRAINING", "true"),
                ("MANAGED_TAG", _or(nth.managed_asg_tag, "aws-node-termination-handler/managed")),
                ("USE_PROVIDER_ID", "true")]
    else:
        env += [("METADATA_TRIES", "3")]
    env += [("DRY_RUN", "false"), ("CORDON_ONLY", "false"), ("TAINT_NODE", _flag(nth.taint_node)),
            ("ENABLE_OUT_OF_SERVICE_TAINT", _flag(nth.enable_out_of_service_taint)),
            ("EXCLUDE_FROM_LOAD_BALANCERS", _flag(_or(nth.exclude_from_load_balancers, True))),
            ("DELETE_LOCAL_DATA", "true"), ("IGNORE_DAEMON_SETS", "true"),
            ("POD_TERMINATION_GRACE_PERIOD", str(_or(nth.pod_termination_grace_period, -1))),
            ("NODE_TERMINATION_GRACE_PERIOD", "120"), ("EMIT_KUBERNETES_EVENTS", "true")]
    if queue_mode:
        env += [("COMPLETE_LIFECYCLE_ACTION_DELAY_SECONDS", "-1"), ("ENABLE_SQS_TERMINATION_DRAINING", "true"),
                ("QUEUE_URL", NTH_QUEUE_URL_MARKER),
                ("DELETE_SQS_MSG_IF_NODE_NOT_FOUND", _flag(nth.delete_sqs_msg_if_node_not_found)),
                ("WORKERS", "10")]
    else:
        env += [("ENABLE_SPOT_INTERRUPTION_DRAINING", _flag(_or(nth.enable_spot_interruption_draining, True))),
                ("ENABLE_ASG_LIFECYCLE_DRAINING", "true"),
                ("ENABLE_SCHEDULED_EVENT_DRAINING", _flag(_or(nth.enable_scheduled_event_draining, True))),
                ("ENABLE_REBALANCE_MONITORING", _flag(nth.enable_rebalance_monitoring)),
                ("ENABLE_REBALANCE_DRAINING", _flag(nth.enable_rebalance_draining)),
                ("ENABLE_SQS_TERMINATION_DRAINING", "false"), ("UPTIME_FROM_FILE", "/proc/uptime")]
    if nth.webhook_template:
        env.append(("WEBHOOK_TEMPLATE", nth.webhook_template))
    if nth.webhook_url:
        env.append(("WEBHOOK_URL", nth.webhook_url))
    if queue_mode:
        env += [("HEARTBEAT_INTERVAL", "-1"), ("HEARTBEAT_UNTIL", "-1"), ("SQS_MSG_VISIBILITY_TIMEOUT_SEC", "20")]
    return [{"name": k, **v} if isinstance(v, dict) else {"name": k, "value": v} for k, v in env]


def _nth_values(ctx: BootstrapContext) -> dict:
    version = _or(_nth(ctx).version, versions.NODE_TERMINATION_HANDLER_VERSION)
    return {"version": version, "replicas": _control_plane_replicas(ctx),
            "image": versions.NODE_TERMINATION_HANDLER_IMAGE.format(version=version),
            "env": _nth_env(ctx, queue_mode=True), "cpu_request": _or(_nth(ctx).cpu_request, "50m"),
            "memory_request": _or(_nth(ctx).memory_request, "64Mi")}


def _nth_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    limit = _nth(ctx).memory_limit
    if ctx.spec.cluster.nth_queue_mode:
        if limit:
            objects[3]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = {"memory": limit}
        return objects
    # without a queue: one handler per node instead of the queue reader and its disruption budget
    values = _nth_values(ctx)
    resources: dict[str, Any] = {"requests": {"cpu": values["cpu_request"], "memory": values["memory_request"]}}
    if limit:
        resources["limits"] = {"memory": limit}
    daemonset = render_objects("addon-node-termination-handler-daemonset.yaml", {
        "version": values["version"], "image": values["image"], "env": _nth_env(ctx, queue_mode=False),
        "resources": resources})
    return objects[:3] + daemonset


NODE_TERMINATION_HANDLER = Addon(
    name="node-termination-handler.aws", id="k8s-1.11", template="addon-node-termination-handler.yaml",
    build_prune=True, values=_nth_values, adjust=_nth_adjust)


def _npd_values(ctx: BootstrapContext) -> dict:
    npd = ctx.spec.cluster.node_problem_detector
    limits = {"memory": npd.memory_limit or "80Mi"}
    if npd.cpu_limit:
        limits["cpu"] = npd.cpu_limit
    return {"image": npd.image or versions.NODE_PROBLEM_DETECTOR_IMAGE,
            "resources": {"limits": limits,
                          "requests": {"cpu": npd.cpu_request or "10m", "memory": npd.memory_request or "80Mi"}}}


NODE_PROBLEM_DETECTOR = Addon(name="node-problem-detector.addons.k8s.io", id="k8s-1.17",
                              template="addon-node-problem-detector.yaml", build_prune=True, values=_npd_values)
