"""Which addons a cluster gets (kops's rules and order) and the spec-derived values of each.

An addon is either built here from our template (complete) or NotBuilt: kopsgen refuses a spec
that enables it rather than leave the cluster without it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Callable

from kopsgen.bootstrap import addon_dns, addon_networking, nodeupconfig, pki, versions
from kopsgen.bootstrap.addon_values import control_plane_replicas as _control_plane_replicas
from kopsgen.bootstrap.addon_values import dns_service_ip as _dns_service_ip
from kopsgen.bootstrap.addon_values import flag as _flag
from kopsgen.bootstrap.addon_values import spec_value as _spec
from kopsgen.bootstrap.addon_values import version_label as _version_label
from kopsgen.bootstrap.addons import Addon, NotBuilt, Objects, render_objects
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.manifests import system_component_env
from kopsgen.errors import RenderError
from kopsgen.ir import naming
from kopsgen.spec import service_accounts

# A value only the applying tool knows (the NTH queue's URL holds the account ID): the manifest
# carries this marker, and Terraform / the uploader replace it (see statefiles.Substitution).
NTH_QUEUE_URL_MARKER = "@@kopsgen:nth-queue-url@@"

KOPS_CONTROLLER_PORT = 3988
KOPS_CONTROLLER_PKI = "/etc/kubernetes/kops-controller/pki"
API_SERVER_LOCAL = [{"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"}]


# ---------------------------------------------------------------- kops-controller


def _kops_controller_config(ctx: BootstrapContext) -> str:
    cluster = ctx.cluster_spec
    cert_names = ["kubelet", "kubelet-server"]
    signing_cas = [pki.KUBERNETES_CA]
    if nodeupconfig.uses_cilium_etcd(ctx):
        # each node's Cilium agent gets a client certificate for Cilium's etcd
        cert_names.append("etcd-client-cilium")
        signing_cas.append(pki.ETCD_CLIENTS_CA_CILIUM)
    if (_spec(ctx, "kubeProxy", "enabled") is not False):
        cert_names.append("kube-proxy")
    if ctx.cni() == "kuberouter":
        cert_names.append("kube-router")
    roles = sorted({_node_role_name(ctx, ig) for ig in ctx.spec.instance_groups if ig.is_node})
    aws: dict[str, Any] = {"nodesRoles": roles, "Region": ctx.spec.cluster.region}
    if ctx.aws.get("useIPBasedNodeNames"):
        aws["useIPBasedNodeNames"] = True
    # key order is kops-controller's own (Go struct order): the file is compared byte for byte by nobody,
    # but keeping it makes diffs against kops readable
    config: dict[str, Any] = {
        "clusterName": ctx.name, "cloud": "aws", "configBase": ctx.config_base.url,
        "secretStore": cluster.get("secretStore") or ctx.config_base.path("secrets"),
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
    if ((ctx.cluster_spec.get("kopsgen") or {}).get("allowTooNewKubernetes")) is True:
        return [{"name": "KOPS_RUN_TOO_NEW_VERSION", "value": "1"}]
    return []


# ---------------------------------------------------------------- DNS


def _corefile(ctx: BootstrapContext) -> str:
    external = _spec(ctx, "kubeDNS", "externalCoreFile")
    if external:
        return external.rstrip("\n")
    domain = _spec(ctx, "kubeDNS", "domain") or ctx.cluster_spec.get("clusterDNSDomain") or "cluster.local"
    upstream = " ".join(_spec(ctx, "kubeDNS", "upstreamNameservers") or ()) or "/etc/resolv.conf"
    lines = [".:53 {", "    errors", "    health {", "      lameduck 10s", "    }", "    ready",
             f"    kubernetes {domain}. in-addr.arpa ip6.arpa {{", "      pods insecure",
             "      fallthrough in-addr.arpa ip6.arpa", "      ttl 30", "    }"]
    if ctx.uses_none_dns:  # no DNS records: resolve the cluster's own names from /etc/hosts
        lines += [f"    hosts /rootfs/etc/hosts {ctx.name} {{", "      ttl 30", "      fallthrough", "    }"]
    lines += ["    prometheus :9153", f"    forward . {upstream} {{", "      max_concurrent 1000", "    }",
              "    cache 30", "    loop", "    reload", "    loadbalance"]
    if ctx.spec.cluster.ipv6:
        lines.append("    dns64")
    lines.append("}")
    return "\n".join(lines)


def _coredns_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    if not ctx.uses_none_dns:  # /etc/hosts is only read when there are no DNS records
        pod = objects[4]["spec"]["template"]["spec"]
        pod["containers"][0]["volumeMounts"] = [m for m in pod["containers"][0]["volumeMounts"]
                                                if m["name"] != "etc-hosts"]
        pod["volumes"] = [v for v in pod["volumes"] if v["name"] != "etc-hosts"]
    return objects


COREDNS = Addon(
    name="coredns.addons.k8s.io", id="k8s-1.12", template="addon-coredns.yaml",
    values=lambda ctx: {
        "corefile": _corefile(ctx),
        "image": _spec(ctx, "kubeDNS", "coreDNSImage") or versions.COREDNS_IMAGE,
        "autoscaler_image": _spec(ctx, "kubeDNS", "cpaImage") or versions.DNS_AUTOSCALER_IMAGE,
        "memory_limit": _spec(ctx, "kubeDNS", "memoryLimit") or "170Mi",
        "cpu_request": _spec(ctx, "kubeDNS", "cpuRequest") or "100m",
        "memory_request": _spec(ctx, "kubeDNS", "memoryRequest") or "70Mi",
        "server_ip": _spec(ctx, "kubeDNS", "serverIP") or _dns_service_ip(ctx),
    },
    adjust=_coredns_adjust)


def _dns_controller_args(ctx: BootstrapContext) -> list[str]:
    external = ctx.cluster_spec.get("externalDns") or ctx.cluster_spec.get("externalDNS")
    if external is None:
        args = ["--watch-ingress=false"]
    else:
        args = [f"--watch-ingress={'true' if external.get('watchIngress') else 'false'}"]
        if external.get("watchNamespace"):
            args.append(f"--watch-namespace={external['watchNamespace']}")
    args.append("--dns=aws-route53")
    zone = ctx.cluster_spec.get("dnsZone")
    if zone:
        args.append(f"--zone={zone}" if "." in zone else f"--zone=*/{zone}")
    args.append("--internal-ipv6" if ctx.spec.cluster.ipv6 else "--internal-ipv4")
    args += ["--zone=*/*", "-v=2"]
    return args


DNS_CONTROLLER = Addon(
    name="dns-controller.addons.k8s.io", id="k8s-1.12", template="addon-dns-controller.yaml",
    values=lambda ctx: {
        "version_label": _version_label(ctx), "image": versions.kops_image("dns-controller", ctx.kops_version),
        "args": _dns_controller_args(ctx),
        "env": API_SERVER_LOCAL + [e for e in system_component_env(ctx) if e["name"] != "AWS_REGION"],
    })

# Without DNS records (or with external-dns) dns-controller must go: an empty manifest, pruned.
DNS_CONTROLLER_REMOVED = Addon(name="dns-controller.addons.k8s.io", id="k8s-1.12", template=None, build_prune=True)

KUBELET_API_RBAC = Addon(name="kubelet-api.rbac.addons.k8s.io", id="k8s-1.9",
                         template="addon-kubelet-api-rbac.yaml")

LIMIT_RANGE = Addon(name="limit-range.addons.k8s.io", id=None, template="addon-limit-range.yaml",
                    file_name="v1.5.0.yaml")

# the RuntimeClass pods use to run in gVisor's sandbox on the groups that have it
GVISOR = Addon(name="gvisor.addons.k8s.io", id="k8s-1.20", template="addon-gvisor.yaml")

STORAGE_AWS = Addon(name="storage-aws.addons.k8s.io", id="v1.15.0", template="addon-storage-aws.yaml")


# ---------------------------------------------------------------- node termination handler


def _nth(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = ctx.spec.cluster.node_termination_handler.get(key)
    return default if value is None else value


def _nth_env(ctx: BootstrapContext) -> list[dict]:
    field = lambda path: {"valueFrom": {"fieldRef": {"fieldPath": path}}}  # noqa: E731
    env = [("NODE_NAME", field("spec.nodeName")), ("POD_NAME", field("metadata.name")),
           ("NAMESPACE", field("metadata.namespace")),
           ("ENABLE_PROBES_SERVER", "true"), ("PROBES_SERVER_PORT", "8080"), ("PROBES_SERVER_ENDPOINT", "/healthz"),
           ("LOG_LEVEL", "info"), ("JSON_LOGGING", "true"), ("LOG_FORMAT_VERSION", "2"),
           ("ENABLE_PROMETHEUS_SERVER", _flag(_nth(ctx, "prometheusEnable"))), ("PROMETHEUS_SERVER_PORT", "9092"),
           ("CHECK_TAG_BEFORE_DRAINING", "true"),
           ("MANAGED_TAG", _nth(ctx, "managedASGTag", "aws-node-termination-handler/managed")),
           ("USE_PROVIDER_ID", "true"), ("DRY_RUN", "false"), ("CORDON_ONLY", "false"),
           ("TAINT_NODE", _flag(_nth(ctx, "taintNode"))),
           ("ENABLE_OUT_OF_SERVICE_TAINT", _flag(_nth(ctx, "enableOutOfServiceTaint"))),
           ("EXCLUDE_FROM_LOAD_BALANCERS", _flag(_nth(ctx, "excludeFromLoadBalancers", True))),
           ("DELETE_LOCAL_DATA", "true"), ("IGNORE_DAEMON_SETS", "true"),
           ("POD_TERMINATION_GRACE_PERIOD", str(_nth(ctx, "podTerminationGracePeriod", -1))),
           ("NODE_TERMINATION_GRACE_PERIOD", "120"), ("EMIT_KUBERNETES_EVENTS", "true"),
           ("COMPLETE_LIFECYCLE_ACTION_DELAY_SECONDS", "-1"), ("ENABLE_SQS_TERMINATION_DRAINING", "true"),
           ("QUEUE_URL", NTH_QUEUE_URL_MARKER),
           ("DELETE_SQS_MSG_IF_NODE_NOT_FOUND", _flag(_nth(ctx, "deleteSQSMsgIfNodeNotFound"))),
           ("WORKERS", "10")]
    if _nth(ctx, "webhookTemplate"):
        env.append(("WEBHOOK_TEMPLATE", _nth(ctx, "webhookTemplate")))
    if _nth(ctx, "webhookURL"):
        env.append(("WEBHOOK_URL", _nth(ctx, "webhookURL")))
    env += [("HEARTBEAT_INTERVAL", "-1"), ("HEARTBEAT_UNTIL", "-1"), ("SQS_MSG_VISIBILITY_TIMEOUT_SEC", "20")]
    return [{"name": k, **v} if isinstance(v, dict) else {"name": k, "value": v} for k, v in env]


def _nth_daemonset_env(ctx: BootstrapContext) -> list[dict]:
    """The environment of the metadata-service mode (no queue)."""
    field = lambda path: {"valueFrom": {"fieldRef": {"fieldPath": path}}}  # noqa: E731
    env = [("NODE_NAME", field("spec.nodeName")), ("POD_NAME", field("metadata.name")),
           ("NAMESPACE", field("metadata.namespace")),
           ("ENABLE_PROBES_SERVER", "false"), ("PROBES_SERVER_PORT", "8080"), ("PROBES_SERVER_ENDPOINT", "/healthz"),
           ("LOG_LEVEL", "info"), ("JSON_LOGGING", "true"), ("LOG_FORMAT_VERSION", "2"),
           ("ENABLE_PROMETHEUS_SERVER", _flag(_nth(ctx, "prometheusEnable"))), ("PROMETHEUS_SERVER_PORT", "9092"),
           ("METADATA_TRIES", "3"), ("DRY_RUN", "false"), ("CORDON_ONLY", "false"),
           ("TAINT_NODE", _flag(_nth(ctx, "taintNode"))),
           ("ENABLE_OUT_OF_SERVICE_TAINT", _flag(_nth(ctx, "enableOutOfServiceTaint"))),
           ("EXCLUDE_FROM_LOAD_BALANCERS", _flag(_nth(ctx, "excludeFromLoadBalancers", True))),
           ("DELETE_LOCAL_DATA", "true"), ("IGNORE_DAEMON_SETS", "true"),
           ("POD_TERMINATION_GRACE_PERIOD", str(_nth(ctx, "podTerminationGracePeriod", -1))),
           ("NODE_TERMINATION_GRACE_PERIOD", "120"), ("EMIT_KUBERNETES_EVENTS", "true"),
           ("ENABLE_SPOT_INTERRUPTION_DRAINING", _flag(_nth(ctx, "enableSpotInterruptionDraining", True))),
           ("ENABLE_ASG_LIFECYCLE_DRAINING", "true"),
           ("ENABLE_SCHEDULED_EVENT_DRAINING", _flag(_nth(ctx, "enableScheduledEventDraining", True))),
           ("ENABLE_REBALANCE_MONITORING", _flag(_nth(ctx, "enableRebalanceMonitoring"))),
           ("ENABLE_REBALANCE_DRAINING", _flag(_nth(ctx, "enableRebalanceDraining"))),
           ("ENABLE_SQS_TERMINATION_DRAINING", "false"), ("UPTIME_FROM_FILE", "/proc/uptime")]
    if _nth(ctx, "webhookTemplate"):
        env.append(("WEBHOOK_TEMPLATE", _nth(ctx, "webhookTemplate")))
    if _nth(ctx, "webhookURL"):
        env.append(("WEBHOOK_URL", _nth(ctx, "webhookURL")))
    return [{"name": k, **v} if isinstance(v, dict) else {"name": k, "value": v} for k, v in env]


def _nth_values(ctx: BootstrapContext) -> dict:
    version = _nth(ctx, "version", versions.NODE_TERMINATION_HANDLER_VERSION)
    return {"version": version, "replicas": _control_plane_replicas(ctx),
            "image": versions.NODE_TERMINATION_HANDLER_IMAGE.format(version=version),
            "env": _nth_env(ctx), "cpu_request": _nth(ctx, "cpuRequest", "50m"),
            "memory_request": _nth(ctx, "memoryRequest", "64Mi")}


def _nth_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    limit = _nth(ctx, "memoryLimit")
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
        "version": values["version"], "image": values["image"], "env": _nth_daemonset_env(ctx),
        "resources": resources})
    return objects[:3] + daemonset


NODE_TERMINATION_HANDLER = Addon(
    name="node-termination-handler.aws", id="k8s-1.11", template="addon-node-termination-handler.yaml",
    build_prune=True, values=_nth_values, adjust=_nth_adjust)


# ---------------------------------------------------------------- cloud controller manager

# cloudControllerManager field -> flag, as the CCM takes them (sorted by flag when written)
_CCM_FLAGS = {"allocateNodeCIDRs": "allocate-node-cidrs", "allowUntaggedCloud": "allow-untagged-cloud",
              "cidrAllocatorType": "cidr-allocator-type", "cloudProvider": "cloud-provider",
              "clusterCIDR": "cluster-cidr", "clusterName": "cluster-name",
              "concurrentNodeSyncs": "concurrent-node-syncs", "configureCloudRoutes": "configure-cloud-routes",
              "controllers": "controllers", "enableLeaderMigration": "enable-leader-migration",
              "master": "master", "nodeStatusUpdateFrequency": "node-status-update-frequency",
              "useServiceAccountCredentials": "use-service-account-credentials"}


def _ccm_args(ctx: BootstrapContext) -> list[str]:
    ccm = ctx.cluster_spec.get("cloudControllerManager") or {}
    flags: dict[str, str] = {}
    for field, flag in _CCM_FLAGS.items():
        value = ccm.get(field)
        if value is None or value == "" or value == []:
            continue
        flags[flag] = ",".join(value) if isinstance(value, list) else _flag(value) if isinstance(value, bool) \
            else str(value)
    leader = (ccm.get("leaderElection") or {}).get("leaderElect")
    if leader is not None:
        flags["leader-elect"] = _flag(leader)
    if ccm.get("logLevel"):
        flags["v"] = str(ccm["logLevel"])
    args = [f"--{k}={v}" for k, v in sorted(flags.items())]
    if not ccm.get("logLevel"):
        args.append("--v=2")
    if not ccm.get("cloudProvider"):
        args.append("--cloud-provider=aws")
    if ccm.get("useServiceAccountCredentials") is None:
        args.append("--use-service-account-credentials=true")
    args.append("--cloud-config=/etc/kubernetes/cloud.config")
    return args


AWS_CLOUD_CONTROLLER = Addon(
    name="aws-cloud-controller.addons.k8s.io", id="k8s-1.18", template="addon-aws-cloud-controller.yaml",
    values=lambda ctx: {"image": _spec(ctx, "cloudControllerManager", "image")
                        or versions.CLOUD_CONTROLLER_MANAGER_IMAGE, "args": _ccm_args(ctx)})


# ---------------------------------------------------------------- EBS CSI driver


def _ebs_env(ctx: BootstrapContext, controller: bool) -> list[dict]:
    env: list[dict] = []
    if ctx.spec.cluster.ipv6:
        env.append({"name": "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "value": "IPv6"})
    env.append({"name": "AWS_REGION", "value": ctx.spec.cluster.region})
    endpoint = "unix:///var/lib/csi/sockets/pluginproxy/csi.sock" if controller else "unix:/csi/csi.sock"
    env += [{"name": "CSI_ENDPOINT", "value": endpoint},
            {"name": "CSI_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
    if controller:
        secret = lambda key: {"secretKeyRef": {"key": key, "name": "aws-secret", "optional": True}}  # noqa: E731
        meta = lambda key: {"configMapKeyRef": {"key": key, "name": "aws-meta", "optional": True}}  # noqa: E731
        env += [{"name": "AWS_ACCESS_KEY_ID", "valueFrom": secret("key_id")},
                {"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": secret("access_key")},
                {"name": "AWS_EC2_ENDPOINT", "valueFrom": meta("endpoint")},
                {"name": "AWS_SAGEMAKER_ENDPOINT", "valueFrom": meta("sagemaker_endpoint")}]
    return env


def _ebs_values(ctx: BootstrapContext) -> dict:
    version = _spec(ctx, "cloudConfig", "awsEBSCSIDriver", "version") or versions.EBS_CSI_DRIVER_VERSION
    tags = {"KubernetesCluster": ctx.name, **ctx.spec.cluster.cloud_labels}
    return {
        "version": version, "cluster": ctx.name, "replicas": _control_plane_replicas(ctx),
        "extra_tags": ",".join(f"{k}={v}" for k, v in sorted(tags.items())),
        "driver_image": versions.EBS_CSI_DRIVER_IMAGE.format(version=version),
        "provisioner_image": versions.CSI_PROVISIONER_IMAGE, "attacher_image": versions.CSI_ATTACHER_IMAGE,
        "resizer_image": versions.CSI_RESIZER_IMAGE, "snapshotter_image": versions.CSI_SNAPSHOTTER_IMAGE,
        "livenessprobe_image": versions.CSI_LIVENESS_PROBE_IMAGE,
        "registrar_image": versions.CSI_NODE_DRIVER_REGISTRAR_IMAGE,
        "node_env": _ebs_env(ctx, controller=False), "controller_env": _ebs_env(ctx, controller=True),
        "kube_api_qps": str(_spec(ctx, "cloudConfig", "awsEBSCSIDriver", "kubeAPIQPS") or "20"),
        "kube_api_burst": str(_spec(ctx, "cloudConfig", "awsEBSCSIDriver", "kubeAPIBurst") or "100"),
    }


def _ebs_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    by_kind = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    controller = by_kind[("Deployment", "ebs-csi-controller")]["spec"]["template"]["spec"]
    if not _spec(ctx, "snapshotController", "enabled"):
        controller["containers"] = [c for c in controller["containers"] if c["name"] != "csi-snapshotter"]
    node_args = by_kind[("DaemonSet", "ebs-csi-node")]["spec"]["template"]["spec"]["containers"][0]["args"]
    limit = _spec(ctx, "cloudConfig", "awsEBSCSIDriver", "volumeAttachLimit")
    if limit:
        node_args.insert(3, f"--volume-attach-limit={limit}")
    if ctx.kubernetes_minor >= 35:
        by_kind[("CSIDriver", "ebs.csi.aws.com")]["spec"]["nodeAllocatableUpdatePeriodSeconds"] = 10
    return objects


AWS_EBS_CSI_DRIVER = Addon(
    name="aws-ebs-csi-driver.addons.k8s.io", id="k8s-1.17", template="addon-aws-ebs-csi-driver.yaml",
    values=_ebs_values, adjust=_ebs_adjust)


# ---------------------------------------------------------------- cluster-autoscaler


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
        if (ig.raw.get("spec") or {}).get("autoscale") is False or ig.manager != "CloudGroup":
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


# ---------------------------------------------------------------- metrics-server, node-problem-detector


def _metrics_server_values(ctx: BootstrapContext) -> dict:
    # insecure unless written as false (kops's default)
    secure = _spec(ctx, "metricsServer", "insecure") is False
    address_type = "InternalIP" if ctx.spec.cluster.ipv6 else "Hostname"
    args = ["--secure-port=10250", "--kubelet-use-node-status-port", "--metric-resolution=15s",
            f"--kubelet-preferred-address-types={address_type}"]
    if secure:
        args += ["--tls-cert-file=/srv/tls.crt", "--tls-private-key-file=/srv/tls.key"]
    else:
        args += ["--cert-dir=/tmp", "--kubelet-insecure-tls"]
    return {"image": _spec(ctx, "metricsServer", "image") or versions.METRICS_SERVER_IMAGE, "args": args,
            "secure": secure, "skip_tls_verify": True if not secure else None,
            # cert-manager's CA injector gives the API server the CA of the serving certificate
            "api_service_annotations": {"cert-manager.io/inject-ca-from": "kube-system/metrics-server"}
            if secure else None}


def _metrics_server_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    api_service = next(o for o in objects if o["kind"] == "APIService")
    for key, where in (("annotations", api_service["metadata"]), ("insecureSkipTLSVerify", api_service["spec"])):
        if where[key] is None:
            del where[key]
    return objects


METRICS_SERVER = Addon(name="metrics-server.addons.k8s.io", id="k8s-1.11", template="addon-metrics-server.yaml",
                       selector={"k8s-app": "metrics-server"},
                       # kops asks for PKI unless `insecure` is written explicitly as true
                       needs_pki=lambda ctx: _spec(ctx, "metricsServer", "insecure") is not True,
                       values=_metrics_server_values, adjust=_metrics_server_adjust)


def _npd_values(ctx: BootstrapContext) -> dict:
    limits = {"memory": _spec(ctx, "nodeProblemDetector", "memoryLimit") or "80Mi"}
    if _spec(ctx, "nodeProblemDetector", "cpuLimit"):
        limits["cpu"] = _spec(ctx, "nodeProblemDetector", "cpuLimit")
    return {"image": _spec(ctx, "nodeProblemDetector", "image") or versions.NODE_PROBLEM_DETECTOR_IMAGE,
            "resources": {"limits": limits,
                          "requests": {"cpu": _spec(ctx, "nodeProblemDetector", "cpuRequest") or "10m",
                                       "memory": _spec(ctx, "nodeProblemDetector", "memoryRequest") or "80Mi"}}}


NODE_PROBLEM_DETECTOR = Addon(name="node-problem-detector.addons.k8s.io", id="k8s-1.17",
                              template="addon-node-problem-detector.yaml", build_prune=True, values=_npd_values)


# ---------------------------------------------------------------- Amazon VPC CNI


def _amazon_vpc_values(ctx: BootstrapContext) -> dict:
    options = ctx.networking.get("amazonvpc") or {}
    ipv6 = ctx.spec.cluster.ipv6
    env = {"ADDITIONAL_ENI_TAGS": "{}", "AWS_VPC_CNI_NODE_PORT_SUPPORT": "true", "AWS_VPC_ENI_MTU": "9001",
           "AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER": "false", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "false",
           "AWS_VPC_K8S_CNI_EXTERNALSNAT": "false", "AWS_VPC_K8S_CNI_LOG_FILE": "/host/var/log/aws-routed-eni/ipamd.log",
           "AWS_VPC_K8S_CNI_LOGLEVEL": "DEBUG", "AWS_VPC_K8S_CNI_RANDOMIZESNAT": "prng",
           "AWS_VPC_K8S_CNI_VETHPREFIX": "eni", "AWS_VPC_K8S_PLUGIN_LOG_FILE": "/var/log/aws-routed-eni/plugin.log",
           "AWS_VPC_K8S_PLUGIN_LOG_LEVEL": "DEBUG", "DISABLE_INTROSPECTION": "false", "DISABLE_METRICS": "false",
           "ENABLE_POD_ENI": "false", "ENABLE_PREFIX_DELEGATION": "false", "ENABLE_SUBNET_DISCOVERY": "true",
           "NETWORK_POLICY_ENFORCING_MODE": "standard", "WARM_ENI_TARGET": "1", "WARM_PREFIX_TARGET": "1",
           "DISABLE_NETWORK_RESOURCE_PROVISIONING": "false"}
    env.update({e["name"]: str(e.get("value", "")) for e in options.get("env") or ()})
    env["ENABLE_IPv4"], env["ENABLE_IPv6"] = _flag(not ipv6), _flag(ipv6)
    if ipv6:
        env["ENABLE_PREFIX_DELEGATION"], env["WARM_PREFIX_TARGET"] = "true", "1"
    env["ADDITIONAL_ENI_TAGS"] = json.dumps({"KubernetesCluster": ctx.name,
                                             f"kubernetes.io/cluster/{ctx.name}": "owned"}, separators=(",", ":"))
    version = versions.AMAZON_VPC_CNI_VERSION
    listed = [{"name": k, "value": v} for k, v in sorted(env.items())]
    listed += [{"name": "VPC_CNI_VERSION", "value": version},
               {"name": "MY_NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
               {"name": "MY_POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
               {"name": "CLUSTER_NAME", "value": ctx.name}]
    return {"version": version, "env": listed, "ipv6": _flag(ipv6),
            "image": options.get("image") or versions.AMAZON_VPC_CNI_IMAGE.format(version=version),
            "init_image": options.get("initImage") or versions.AMAZON_VPC_CNI_INIT_IMAGE.format(version=version),
            "policy_agent_image": options.get("networkPolicyAgentImage") or versions.AMAZON_VPC_POLICY_AGENT_IMAGE}


AMAZON_VPC = Addon(name="networking.amazon-vpc-routed-eni", id="k8s-1.16", template="addon-amazon-vpc-cni.yaml",
                   selector={"role.kubernetes.io/networking": "1"}, needs_rolling_update="all",
                   values=_amazon_vpc_values)


# ---------------------------------------------------------------- aws-iam-authenticator


def _aws_auth(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = _spec(ctx, "authentication", "aws", key)
    return default if value is None else value


def _aws_auth_values(ctx: BootstrapContext) -> dict:
    mode = _aws_auth(ctx, "backendMode")
    mounted_file = not mode or "MountedFile" in mode
    args = ["server"]
    if mounted_file:
        args.append("--config=/etc/aws-iam-authenticator/config.yaml")
    if _aws_auth(ctx, "clusterID") or (mode and not mounted_file):
        args.append(f"--cluster-id={_aws_auth(ctx, 'clusterID') or ctx.name}")
    args += ["--state-dir=/var/aws-iam-authenticator", "--kubeconfig-pregenerated=true"]
    if mode:
        args.append(f"--backend-mode={mode}")
    limits = {"memory": _aws_auth(ctx, "memoryLimit", "20Mi")}
    if _aws_auth(ctx, "cpuLimit"):
        limits["cpu"] = _aws_auth(ctx, "cpuLimit")
    mounts = [{"name": "config", "mountPath": "/etc/aws-iam-authenticator/"}] if mounted_file else []
    mounts += [{"name": "state", "mountPath": "/var/aws-iam-authenticator/"},
               {"name": "output", "mountPath": "/etc/kubernetes/aws-iam-authenticator/"}]
    volumes = [{"name": "config", "configMap": {"name": "aws-iam-authenticator"}}] if mounted_file else []
    volumes += [{"name": "output", "hostPath": {"path": "/srv/kubernetes/aws-iam-authenticator/"}},
                {"name": "state", "hostPath": {"path": "/srv/kubernetes/aws-iam-authenticator/"}}]
    return {"image": _aws_auth(ctx, "image", versions.AWS_IAM_AUTHENTICATOR_IMAGE), "args": args,
            "resources": {"limits": limits, "requests": {"memory": _aws_auth(ctx, "memoryRequest", "20Mi"),
                                                         "cpu": _aws_auth(ctx, "cpuRequest", "10m")}},
            "volume_mounts": mounts, "volumes": volumes}


def _aws_auth_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    mode = _aws_auth(ctx, "backendMode") or ""
    if "CRD" in mode:
        for i, mapping in enumerate(_aws_auth(ctx, "identityMappings") or ()):
            objects.append({"apiVersion": "iamauthenticator.k8s.aws/v1alpha1", "kind": "IAMIdentityMapping",
                            "metadata": {"name": f"iam-identity-mapping-{i}",
                                         "labels": {"k8s-app": "aws-iam-authenticator"}},
                            "spec": {"arn": mapping.get("arn"), "username": mapping.get("username"),
                                     "groups": list(mapping.get("groups") or ())}})
    return objects


AUTHENTICATION_AWS = Addon(name="authentication.aws", id="k8s-1.12", template="addon-authentication-aws.yaml",
                           selector={"role.kubernetes.io/authentication": "1"}, values=_aws_auth_values,
                           adjust=_aws_auth_adjust)


# ---------------------------------------------------------------- Calico

# The CNI configuration calico-node installs on each node; the __NAMES__ are filled in there.
CALICO_CNI_CONFIG = """{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "log_file_path": "/var/log/calico/cni/cni.log",
      "datastore_type": "kubernetes",
      "nodename": "__KUBERNETES_NODE_NAME__",
      "mtu": __CNI_MTU__,
      "ipam": {
          "assign_ipv4": "true",
          "assign_ipv6": "false",
          "type": "calico-ipam"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "__KUBECONFIG_FILEPATH__"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    }
  ]
}"""


def _calico(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = (ctx.networking.get("calico") or {}).get(key)
    return default if value is None else value


def _calico_values(ctx: BootstrapContext) -> dict:
    if ctx.spec.cluster.ipv6:
        raise RenderError("spec.networking.calico: kopsgen builds Calico for IPv4 clusters only (not yet IPv6)")
    if _calico(ctx, "typhaReplicas"):
        raise RenderError("spec.networking.calico.typhaReplicas: kopsgen does not build Calico's Typha yet")
    mode = _calico(ctx, "encapsulationMode", "ipip")
    ipip = (_calico(ctx, "ipipMode") or "CrossSubnet") if mode == "ipip" else "Never"
    vxlan = (_calico(ctx, "vxlanMode") or "CrossSubnet") if mode == "vxlan" else "Never"
    from_config = lambda key: {"valueFrom": {"configMapKeyRef": {"key": key, "name": "calico-config"}}}  # noqa: E731
    cluster_cidr = _spec(ctx, "kubeControllerManager", "clusterCIDR") or ctx.cluster_spec.get("podCIDR")
    env: list[tuple[str, Any]] = [
        ("DATASTORE_TYPE", "kubernetes"), ("WAIT_FOR_DATASTORE", "true"),
        ("NODENAME", {"valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}),
        ("CALICO_NETWORKING_BACKEND", from_config("calico_backend")), ("CLUSTER_TYPE", "kops,bgp"),
        ("IP", "autodetect"), ("IP6", "none"),
        ("IP_AUTODETECTION_METHOD", _calico(ctx, "ipv4AutoDetectionMethod", "first-found")),
        ("IP6_AUTODETECTION_METHOD", _calico(ctx, "ipv6AutoDetectionMethod", "none")),
        ("CALICO_IPV4POOL_IPIP", ipip), ("CALICO_IPV4POOL_VXLAN", vxlan),
        ("CALICO_IPV6POOL_VXLAN", (_calico(ctx, "vxlanMode") or "Never") if mode == "vxlan" else "Never"),
        ("FELIX_IPINIPMTU", from_config("veth_mtu")), ("FELIX_VXLANMTU", from_config("veth_mtu")),
        ("FELIX_WIREGUARDMTU", from_config("veth_mtu")),
        ("CALICO_IPV4POOL_CIDR", cluster_cidr), ("CALICO_DISABLE_FILE_LOGGING", "true"),
        ("FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"), ("FELIX_IPV6SUPPORT", "false"),
        ("FELIX_HEALTHENABLED", "true"), ("FELIX_AWSSRCDSTCHECK", _calico(ctx, "awsSrcDstCheck", "Disable")),
        ("FELIX_BPFENABLED", _flag(_calico(ctx, "bpfEnabled"))),
        ("FELIX_BPFEXTERNALSERVICEMODE", _calico(ctx, "bpfExternalServiceMode", "Tunnel")),
        ("FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED", _flag(_calico(ctx, "bpfKubeProxyIptablesCleanupEnabled"))),
        ("FELIX_BPFLOGLEVEL", _calico(ctx, "bpfLogLevel", "Off")),
        ("FELIX_CHAININSERTMODE", _calico(ctx, "chainInsertMode", "insert")),
        ("FELIX_IPTABLESBACKEND", _calico(ctx, "iptablesBackend", "Auto"))]
    if _calico(ctx, "nftablesMode"):
        env.append(("FELIX_NFTABLESMODE", _calico(ctx, "nftablesMode")))
    env += [("FELIX_LOGSEVERITYSCREEN", _calico(ctx, "logSeverityScreen", "info")),
            ("FELIX_PROMETHEUSMETRICSENABLED", _flag(_calico(ctx, "prometheusMetricsEnabled"))),
            ("FELIX_PROMETHEUSMETRICSPORT", str(_calico(ctx, "prometheusMetricsPort", 9091))),
            ("FELIX_PROMETHEUSGOMETRICSENABLED", _flag(_calico(ctx, "prometheusGoMetricsEnabled"))),
            ("FELIX_PROMETHEUSPROCESSMETRICSENABLED", _flag(_calico(ctx, "prometheusProcessMetricsEnabled"))),
            ("FELIX_WIREGUARDENABLED", _flag(_calico(ctx, "wireguardEnabled")))]
    env += [(e["name"], e["value"]) for e in system_component_env(ctx) if e["name"] != "AWS_REGION"]
    registry = _calico(ctx, "registry", "docker.io")
    version = _calico(ctx, "version", versions.CALICO_VERSION)
    bird = ["-bird-live"] if mode == "ipip" else []
    return {
        "backend": "bird" if mode == "ipip" else mode, "mtu": str(_calico(ctx, "mtu", 0)),
        "cni_network_config": CALICO_CNI_CONFIG,
        "cni_image": f"{registry}/calico/cni:{version}", "node_image": f"{registry}/calico/node:{version}",
        "kube_controllers_image": f"{registry}/calico/kube-controllers:{version}",
        "node_env": [{"name": k, **v} if isinstance(v, dict) else {"name": k, "value": v} for k, v in env],
        "cpu_request": _calico(ctx, "cpuRequest", "250m"),
        "live_command": ["/bin/calico-node", "-felix-live", *bird],
        "ready_command": ["/bin/calico-node", "-felix-ready", *(["-bird-ready"] if bird else [])],
    }


def _calico_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    if _calico(ctx, "prometheusMetricsEnabled"):
        node = next(o for o in objects if o["kind"] == "DaemonSet")["spec"]["template"]["spec"]["containers"][0]
        node["ports"] = [{"containerPort": int(_calico(ctx, "prometheusMetricsPort", 9091)), "name": "metrics",
                          "protocol": "TCP"}]
    return objects


CALICO = Addon(name="networking.projectcalico.org", id="k8s-1.25", template="addon-calico.yaml",
               selector={"role.kubernetes.io/networking": "1"}, build_prune=True, values=_calico_values,
               adjust=_calico_adjust)


# ---------------------------------------------------------------- cert-manager, load balancer controller, snapshots


def _cert_manager_values(ctx: BootstrapContext) -> dict:
    cm = ctx.cluster_spec.get("certManager") or {}
    version = versions.CERT_MANAGER_VERSION
    args = ["--v=2", "--cluster-resource-namespace=$(POD_NAMESPACE)", "--leader-election-namespace=kube-system",
            f"--acme-http01-solver-image={versions.CERT_MANAGER_IMAGE.format(component='acmesolver', version=version)}",
            "--max-concurrent-challenges=60", "--enable-certificate-owner-ref=true"]
    if cm.get("defaultIssuer"):
        args += [f"--default-issuer-name={cm['defaultIssuer']}", "--default-issuer-kind=ClusterIssuer",
                 "--default-issuer-group=cert-manager.io"]
    for gate, enabled in sorted((cm.get("featureGates") or {}).items()):
        args.append(f"--feature-gates={gate}={_flag(enabled) if isinstance(enabled, bool) else enabled}")
    return {"version": version, "controller_args": args,
            "controller_env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                               {"name": "AWS_REGION", "value": ctx.spec.cluster.region}],
            **{f"{c}_image": versions.CERT_MANAGER_IMAGE.format(component=c, version=version)
               for c in ("cainjector", "controller", "webhook")}}


def _cert_manager_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    nameservers = _spec(ctx, "certManager", "nameservers")
    if nameservers:
        pod = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "cert-manager")
        pod["spec"]["template"]["spec"].update(dnsConfig={"nameservers": list(nameservers)}, dnsPolicy="None")
    return objects


CERT_MANAGER = Addon(name="certmanager.io", id="k8s-1.16", template="addon-cert-manager.yaml", no_selector=True,
                     build_prune=True, values=_cert_manager_values, adjust=_cert_manager_adjust)


def _lbc(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = _spec(ctx, "awsLoadBalancerController", key)
    return default if value is None else value


def _lbc_values(ctx: BootstrapContext) -> dict:
    version = _lbc(ctx, "version", versions.AWS_LOAD_BALANCER_CONTROLLER_VERSION)
    tags = {"KubernetesCluster": ctx.name, **ctx.spec.cluster.cloud_labels}
    args = [f"--cluster-name={ctx.name}", "--ingress-class=alb", f"--aws-region={ctx.spec.cluster.region}",
            "--metrics-bind-addr=:9442", f"--enable-waf={_flag(_lbc(ctx, 'enableWAF'))}",
            f"--enable-wafv2={_flag(_lbc(ctx, 'enableWAFv2'))}", f"--enable-shield={_flag(_lbc(ctx, 'enableShield'))}",
            "--default-tags=" + ",".join(f"{k}={v}" for k, v in sorted(tags.items()))]
    resources = {"limits": {"cpu": _lbc(ctx, "cpuLimit", "200m"), "memory": _lbc(ctx, "memoryLimit", "500Mi")},
                 "requests": {"cpu": _lbc(ctx, "cpuRequest", "100m"), "memory": _lbc(ctx, "memoryRequest", "200Mi")}}
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


def _snapshot_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    if _spec(ctx, "snapshotController", "installDefaultClass"):
        objects.append({"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
                        "metadata": {"name": "csi-hostpath-snapclass",
                                     "annotations": {"snapshot.storage.kubernetes.io/is-default-class": "true"}},
                        "driver": "ebs.csi.aws.com", "deletionPolicy": "Delete"})
    return objects


SNAPSHOT_CONTROLLER = Addon(
    name="snapshot-controller.addons.k8s.io", id="k8s-1.20", template="addon-snapshot-controller.yaml", needs_pki=True,
    values=lambda ctx: {"controller_image": versions.SNAPSHOT_CONTROLLER_IMAGE,
                        "webhook_image": versions.SNAPSHOT_VALIDATION_WEBHOOK_IMAGE,
                        "dns_names": ["snapshot-validation-service.kube-system.svc",
                                      f"snapshot-validation-service.kube-system.svc.{ctx.name}"]},
    adjust=_snapshot_adjust)


# ---------------------------------------------------------------- which addons, when


def _external_permissions(ctx: BootstrapContext) -> bool:
    return service_accounts.external_permissions(ctx.spec.cluster)


def _enabled(*path: str) -> Callable[[BootstrapContext], bool]:
    return lambda ctx: bool(_spec(ctx, *path, "enabled"))


def _dns_controller_wanted(ctx: BootstrapContext) -> bool:
    provider = _spec(ctx, "externalDns", "provider")
    return not ctx.uses_none_dns and provider in (None, "dns-controller")


def _dns_provider(ctx: BootstrapContext) -> str:
    return _spec(ctx, "kubeDNS", "provider") or "CoreDNS"


def _networking(kind: str) -> Callable[[BootstrapContext], bool]:
    return lambda ctx: ctx.cni() == kind


def _always(ctx: BootstrapContext) -> bool:
    return True


def _group_containerd(ig, *path: str) -> Any:
    node: Any = ((ig.raw.get("spec") or {}).get("containerd")) or {}
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _nvidia_wanted(ctx: BootstrapContext) -> bool:
    """The cluster's containerd, or any group's, runs NVIDIA GPUs."""
    return bool(_spec(ctx, "containerd", "nvidiaGPU", "enabled")) or \
        any(_group_containerd(ig, "nvidiaGPU", "enabled") is True for ig in ctx.spec.instance_groups)


def _gvisor_wanted(ctx: BootstrapContext) -> bool:
    return any(ig.is_node and _group_containerd(ig, "gvisor", "enabled") is True for ig in ctx.spec.instance_groups)


ADDONS: list[tuple[Callable[[BootstrapContext], bool], Addon | NotBuilt]] = [
    (_always, KOPS_CONTROLLER),
    (lambda ctx: _dns_provider(ctx) == "KubeDNS", addon_dns.KUBE_DNS),
    (lambda ctx: _dns_provider(ctx) == "CoreDNS", COREDNS),
    (_always, KUBELET_API_RBAC),
    (_always, LIMIT_RANGE),
    (_dns_controller_wanted, DNS_CONTROLLER),
    (lambda ctx: not _dns_controller_wanted(ctx), DNS_CONTROLLER_REMOVED),
    (lambda ctx: not ctx.uses_none_dns and _spec(ctx, "externalDns", "provider") == "external-dns",
     addon_dns.EXTERNAL_DNS),
    (lambda ctx: _dns_provider(ctx) == "CoreDNS" and bool(_spec(ctx, "kubeDNS", "nodeLocalDNS", "enabled")),
     addon_dns.NODE_LOCAL_DNS),
    (_enabled("clusterAutoscaler"), CLUSTER_AUTOSCALER),
    (_enabled("metricsServer"), METRICS_SERVER),
    (lambda ctx: bool(_spec(ctx, "certManager", "enabled")) and _spec(ctx, "certManager", "managed") is not False,
     CERT_MANAGER),
    (lambda ctx: ctx.spec.cluster.nth_enabled, NODE_TERMINATION_HANDLER),
    (_enabled("nodeProblemDetector"), NODE_PROBLEM_DETECTOR),
    # the device plugin alone would not do: nodeup must also install the driver and label and taint
    # the GPU nodes, which needs to know which instance types have GPUs (kops asks EC2)
    (_nvidia_wanted, NotBuilt("nvidia.addons.k8s.io", "spec.containerd.nvidiaGPU.enabled")),
    (_gvisor_wanted, GVISOR),
    (lambda ctx: _enabled("awsLoadBalancerController")(ctx) and not _external_permissions(ctx),
     AWS_LOAD_BALANCER_CONTROLLER),
    (lambda ctx: _enabled("awsLoadBalancerController")(ctx) and _external_permissions(ctx),
     AWS_LOAD_BALANCER_CONTROLLER_IRSA),
    (_enabled("podIdentityWebhook"),
     NotBuilt("eks-pod-identity-webhook.addons.k8s.io", "spec.podIdentityWebhook.enabled")),
    (lambda ctx: bool(_spec(ctx, "cloudConfig", "manageStorageClasses")), STORAGE_AWS),
    (_networking("kopeio"), addon_networking.KOPEIO_NETWORKING),
    (_networking("flannel"), addon_networking.FLANNEL),
    (_networking("calico"), CALICO),
    (_networking("kuberouter"), addon_networking.KUBE_ROUTER),
    (_networking("amazonvpc"), AMAZON_VPC),
    (_networking("kindnet"), addon_networking.KINDNET),
    (_networking("cilium"), addon_networking.CILIUM),
    (lambda ctx: _spec(ctx, "authentication", "kopeio") is not None,
     NotBuilt("authentication.kope.io", "spec.authentication.kopeio")),
    (lambda ctx: _spec(ctx, "authentication", "aws") is not None, AUTHENTICATION_AWS),
    (_always, AWS_CLOUD_CONTROLLER),
    (lambda ctx: _spec(ctx, "cloudConfig", "awsEBSCSIDriver", "managed") is not False, AWS_EBS_CSI_DRIVER),
    (_enabled("snapshotController"), SNAPSHOT_CONTROLLER),
    (_enabled("karpenter"), NotBuilt("karpenter.sh", "spec.karpenter.enabled")),
]

# For the docs and the tests: which addons kopsgen builds, which it refuses.
BUILT = tuple(sorted({a.name for _, a in ADDONS if isinstance(a, Addon)}))
NOT_BUILT = tuple(sorted({a.name for _, a in ADDONS if isinstance(a, NotBuilt)}))
