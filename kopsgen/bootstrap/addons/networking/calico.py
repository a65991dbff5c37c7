"""Calico."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.addons.values import or_default as _or
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


def _calico_values(ctx: BootstrapContext) -> dict:
    c = ctx.spec.cluster.networking.calico
    if ctx.spec.cluster.ipv6:
        raise RenderError("spec.networking.calico: kopsgen builds Calico for IPv4 clusters only (not yet IPv6)")
    if c.typha_replicas:
        raise RenderError("spec.networking.calico.typhaReplicas: kopsgen does not build Calico's Typha yet")
    mode = _or(c.encapsulation_mode, "ipip")
    ipip = (c.ipip_mode or "CrossSubnet") if mode == "ipip" else "Never"
    vxlan = (c.vxlan_mode or "CrossSubnet") if mode == "vxlan" else "Never"
    from_config = lambda key: {"valueFrom": {"configMapKeyRef": {"key": key, "name": "calico-config"}}}  # noqa: E731
    cluster_cidr = ctx.spec.cluster.kube_controller_manager_cluster_cidr or ctx.spec.cluster.pod_cidr
    env: list[tuple[str, Any]] = [
        ("DATASTORE_TYPE", "kubernetes"), ("WAIT_FOR_DATASTORE", "true"),
        ("NODENAME", {"valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}),
        ("CALICO_NETWORKING_BACKEND", from_config("calico_backend")), ("CLUSTER_TYPE", "kops,bgp"),
        ("IP", "autodetect"), ("IP6", "none"),
        ("IP_AUTODETECTION_METHOD", _or(c.ipv4_auto_detection_method, "first-found")),
        ("IP6_AUTODETECTION_METHOD", _or(c.ipv6_auto_detection_method, "none")),
        ("CALICO_IPV4POOL_IPIP", ipip), ("CALICO_IPV4POOL_VXLAN", vxlan),
        ("CALICO_IPV6POOL_VXLAN", (c.vxlan_mode or "Never") if mode == "vxlan" else "Never"),
        ("FELIX_IPINIPMTU", from_config("veth_mtu")), ("FELIX_VXLANMTU", from_config("veth_mtu")),
        ("FELIX_WIREGUARDMTU", from_config("veth_mtu")),
        ("CALICO_IPV4POOL_CIDR", cluster_cidr), ("CALICO_DISABLE_FILE_LOGGING", "true"),
        ("FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"), ("FELIX_IPV6SUPPORT", "false"),
        ("FELIX_HEALTHENABLED", "true"), ("FELIX_AWSSRCDSTCHECK", _or(c.aws_src_dst_check, "Disable")),
        ("FELIX_BPFENABLED", _flag(c.bpf_enabled)),
        ("FELIX_BPFEXTERNALSERVICEMODE", _or(c.bpf_external_service_mode, "Tunnel")),
        ("FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED", _flag(c.bpf_kube_proxy_iptables_cleanup_enabled)),
        ("FELIX_BPFLOGLEVEL", _or(c.bpf_log_level, "Off")),
        ("FELIX_CHAININSERTMODE", _or(c.chain_insert_mode, "insert")),
        ("FELIX_IPTABLESBACKEND", _or(c.iptables_backend, "Auto"))]
    if c.nftables_mode:
        env.append(("FELIX_NFTABLESMODE", c.nftables_mode))
    env += [("FELIX_LOGSEVERITYSCREEN", _or(c.log_severity_screen, "info")),
            ("FELIX_PROMETHEUSMETRICSENABLED", _flag(c.prometheus_metrics_enabled)),
            ("FELIX_PROMETHEUSMETRICSPORT", str(_or(c.prometheus_metrics_port, 9091))),
            ("FELIX_PROMETHEUSGOMETRICSENABLED", _flag(c.prometheus_go_metrics_enabled)),
            ("FELIX_PROMETHEUSPROCESSMETRICSENABLED", _flag(c.prometheus_process_metrics_enabled)),
            ("FELIX_WIREGUARDENABLED", _flag(c.wireguard_enabled))]
    env += [(e["name"], e["value"]) for e in system_component_env(ctx) if e["name"] != "AWS_REGION"]
    registry = _or(c.registry, "docker.io")
    version = _or(c.version, versions.CALICO_VERSION)
    bird = ["-bird-live"] if mode == "ipip" else []
    return {
        "backend": "bird" if mode == "ipip" else mode, "mtu": str(_or(c.mtu, 0)),
        "cni_network_config": CALICO_CNI_CONFIG,
        "cni_image": f"{registry}/calico/cni:{version}", "node_image": f"{registry}/calico/node:{version}",
        "kube_controllers_image": f"{registry}/calico/kube-controllers:{version}",
        "node_env": [{"name": k, **v} if isinstance(v, dict) else {"name": k, "value": v} for k, v in env],
        "cpu_request": _or(c.cpu_request, "250m"),
        "live_command": ["/bin/calico-node", "-felix-live", *bird],
        "ready_command": ["/bin/calico-node", "-felix-ready", *(["-bird-ready"] if bird else [])],
    }


def _calico_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    c = ctx.spec.cluster.networking.calico
    if c.prometheus_metrics_enabled:
        node = next(o for o in objects if o["kind"] == "DaemonSet")["spec"]["template"]["spec"]["containers"][0]
        node["ports"] = [{"containerPort": int(_or(c.prometheus_metrics_port, 9091)), "name": "metrics",
                          "protocol": "TCP"}]
    return objects


CALICO = Addon(name="networking.projectcalico.org", id="k8s-1.25", template="addon-calico.yaml",
               selector={"role.kubernetes.io/networking": "1"}, build_prune=True, values=_calico_values,
               adjust=_calico_adjust)
