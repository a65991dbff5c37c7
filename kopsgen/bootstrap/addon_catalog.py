"""Which addons a cluster gets (kops's rules and order) and the spec-derived values of each.

An addon is either built here from our template (complete) or NotBuilt: kopsgen refuses a spec
that enables it rather than leave the cluster without it.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons import Addon, NotBuilt, Objects
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.manifests import system_component_env
from kopsgen.errors import RenderError
from kopsgen.ir import naming

# A value only the applying tool knows (the NTH queue's URL holds the account ID): the manifest
# carries this marker, and Terraform / the uploader replace it (see statefiles.Substitution).
NTH_QUEUE_URL_MARKER = "@@kopsgen:nth-queue-url@@"

KOPS_CONTROLLER_PORT = 3988
KOPS_CONTROLLER_PKI = "/etc/kubernetes/kops-controller/pki"
API_SERVER_LOCAL = [{"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"}]


def _spec(ctx: BootstrapContext, *path: str) -> Any:
    node: Any = ctx.cluster_spec
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _version_label(ctx: BootstrapContext) -> str:
    return "v" + ctx.kops_version


def _control_plane_replicas(ctx: BootstrapContext) -> int:
    """Controllers pinned to the control plane run twice when it is highly available."""
    count = sum(ig.min_size for ig in ctx.spec.control_plane_groups)
    return 2 if count > 1 else 1


# ---------------------------------------------------------------- kops-controller


def _kops_controller_config(ctx: BootstrapContext) -> str:
    cluster = ctx.cluster_spec
    cert_names = ["kubelet", "kubelet-server"]
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
                   "caBasePath": KOPS_CONTROLLER_PKI, "signingCAs": ["kubernetes-ca"], "certNames": cert_names},
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
        "env": API_SERVER_LOCAL + system_component_env(ctx),
    })


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


def _dns_service_ip(ctx: BootstrapContext) -> str:
    """The tenth address of the service range, as kops picks it."""
    import ipaddress

    rng = ctx.cluster_spec.get("serviceClusterIPRange") or ctx.networking.get("serviceClusterIPRange")
    if not rng:
        raise RenderError("spec.serviceClusterIPRange: needed to place the cluster DNS service")
    return str(ipaddress.ip_network(rng, strict=False).network_address + 10)


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

STORAGE_AWS = Addon(name="storage-aws.addons.k8s.io", id="v1.15.0", template="addon-storage-aws.yaml")


# ---------------------------------------------------------------- node termination handler


def _nth(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = _spec(ctx, "nodeTerminationHandler", key)
    return default if value is None else value


def _flag(value: Any) -> str:
    return "true" if value else "false"


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


def _nth_values(ctx: BootstrapContext) -> dict:
    if not ctx.spec.cluster.nth_queue_mode:
        raise RenderError("spec.nodeTerminationHandler.enableSQSTerminationDraining: kopsgen builds the node "
                          "termination handler in queue mode only (kops's default); the instance-metadata "
                          "DaemonSet mode is not built yet")
    version = _nth(ctx, "version", versions.NODE_TERMINATION_HANDLER_VERSION)
    return {"version": version, "replicas": _control_plane_replicas(ctx),
            "image": versions.NODE_TERMINATION_HANDLER_IMAGE.format(version=version),
            "env": _nth_env(ctx), "cpu_request": _nth(ctx, "cpuRequest", "50m"),
            "memory_request": _nth(ctx, "memoryRequest", "64Mi")}


def _nth_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    limit = _nth(ctx, "memoryLimit")
    if limit:
        objects[3]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = {"memory": limit}
    return objects


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


# ---------------------------------------------------------------- which addons, when


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


ADDONS: list[tuple[Callable[[BootstrapContext], bool], Addon | NotBuilt]] = [
    (_always, KOPS_CONTROLLER),
    (lambda ctx: _dns_provider(ctx) == "KubeDNS", NotBuilt("kube-dns.addons.k8s.io", "spec.kubeDNS.provider")),
    (lambda ctx: _dns_provider(ctx) == "CoreDNS", COREDNS),
    (_always, KUBELET_API_RBAC),
    (_always, LIMIT_RANGE),
    (_dns_controller_wanted, DNS_CONTROLLER),
    (lambda ctx: not _dns_controller_wanted(ctx), DNS_CONTROLLER_REMOVED),
    (lambda ctx: not ctx.uses_none_dns and _spec(ctx, "externalDns", "provider") == "external-dns",
     NotBuilt("external-dns.addons.k8s.io", "spec.externalDns.provider")),
    (lambda ctx: _dns_provider(ctx) == "CoreDNS" and bool(_spec(ctx, "kubeDNS", "nodeLocalDNS", "enabled")),
     NotBuilt("nodelocaldns.addons.k8s.io", "spec.kubeDNS.nodeLocalDNS.enabled")),
    (_enabled("clusterAutoscaler"), NotBuilt("cluster-autoscaler.addons.k8s.io", "spec.clusterAutoscaler.enabled")),
    (_enabled("metricsServer"), NotBuilt("metrics-server.addons.k8s.io", "spec.metricsServer.enabled")),
    (lambda ctx: bool(_spec(ctx, "certManager", "enabled")) and _spec(ctx, "certManager", "managed") is not False,
     NotBuilt("certmanager.io", "spec.certManager.enabled")),
    (lambda ctx: ctx.spec.cluster.node_termination_handler.get("enabled", True)
     and not _enabled("karpenter")(ctx), NODE_TERMINATION_HANDLER),
    (_enabled("nodeProblemDetector"),
     NotBuilt("node-problem-detector.addons.k8s.io", "spec.nodeProblemDetector.enabled")),
    (lambda ctx: bool(_spec(ctx, "containerd", "nvidiaGPU", "enabled")),
     NotBuilt("nvidia.addons.k8s.io", "spec.containerd.nvidiaGPU.enabled")),
    (_enabled("awsLoadBalancerController"),
     NotBuilt("aws-load-balancer-controller.addons.k8s.io", "spec.awsLoadBalancerController.enabled")),
    (_enabled("podIdentityWebhook"),
     NotBuilt("eks-pod-identity-webhook.addons.k8s.io", "spec.podIdentityWebhook.enabled")),
    (lambda ctx: bool(_spec(ctx, "cloudConfig", "manageStorageClasses")), STORAGE_AWS),
    (_networking("flannel"), NotBuilt("networking.flannel", "spec.networking.flannel")),
    (_networking("calico"), NotBuilt("networking.projectcalico.org", "spec.networking.calico")),
    (_networking("kuberouter"), NotBuilt("networking.kuberouter", "spec.networking.kuberouter")),
    (_networking("amazonvpc"), NotBuilt("networking.amazon-vpc-routed-eni", "spec.networking.amazonvpc")),
    (_networking("kindnet"), NotBuilt("networking.kindnet", "spec.networking.kindnet")),
    (_networking("cilium"), NotBuilt("networking.cilium.io", "spec.networking.cilium")),
    (lambda ctx: _spec(ctx, "authentication", "kopeio") is not None,
     NotBuilt("authentication.kope.io", "spec.authentication.kopeio")),
    (lambda ctx: _spec(ctx, "authentication", "aws") is not None,
     NotBuilt("authentication.aws", "spec.authentication.aws")),
    (_always, AWS_CLOUD_CONTROLLER),
    (lambda ctx: _spec(ctx, "cloudConfig", "awsEBSCSIDriver", "managed") is not False, AWS_EBS_CSI_DRIVER),
    (_enabled("snapshotController"), NotBuilt("snapshot-controller.addons.k8s.io", "spec.snapshotController.enabled")),
    (_enabled("karpenter"), NotBuilt("karpenter.sh", "spec.karpenter.enabled")),
]

# For the docs and the tests: which addons kopsgen builds, which it refuses.
BUILT = tuple(sorted({a.name for _, a in ADDONS if isinstance(a, Addon)}))
NOT_BUILT = tuple(sorted({a.name for _, a in ADDONS if isinstance(a, NotBuilt)}))
