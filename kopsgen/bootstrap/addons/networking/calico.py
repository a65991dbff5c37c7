"""Calico."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.addons.values import spec_value as _spec
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.manifests import system_component_env
from kopsgen.errors import RenderError


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
