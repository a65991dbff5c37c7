"""Cilium."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.values import (NETWORKING_SELECTOR, api_internal_name, cloud_labels,
                                             control_plane_replicas, flag)
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError
from kopsgen.spec.api.cni import Cilium, CiliumGatewayAPI, CiliumHubble, CiliumIngress


# ---------------------------------------------------------------- Cilium

CILIUM_FIELD = "spec.networking.cilium"
# Cilium's own defaults where kops's completed spec leaves a field empty (kops's option builder
# fills most of them; these cover a spec that reaches the bootstrap without them).
CILIUM_DEFAULTS: dict[str, Any] = {
    "version": versions.CILIUM_VERSION, "identity_allocation_mode": "crd", "identity_change_grace_period": "5s",
    "cluster_name": "default", "monitor_aggregation": "medium", "to_fqdns_dns_reject_response_code": "refused",
    "agent_prometheus_port": 9090, "ipam": "kubernetes", "enable_l7_proxy": True, "enable_local_redirect_policy": False,
    "enable_endpoint_health_checking": True, "enable_host_firewall": False, "cni_exclusive": True,
}
# The agent's metrics ports: Envoy's, the operator's and Hubble's.
ENVOY_METRICS_PORT = 9964
OPERATOR_METRICS_PORT = 9963
HUBBLE_METRICS_PORT = 9965
# Groups of controllers whose metrics the agent reports when metrics are on.
CONTROLLER_GROUP_METRICS = "write-cni-file sync-host-ips sync-lb-maps-with-k8s-services"

# AWS's VPC CNI (if it ever ran on the node) leaves SNAT rules that drop traffic of pods with
# ENI addresses; the agent removes them each time it starts (idempotent).
ENI_REMOVE_VPC_CNI_RULES = """set -o errexit
set -o pipefail
set -o nounset

# remove the SNAT and connmark chains the AWS VPC CNI may have left behind
if [[ "$(iptables-save | grep -E -c 'AWS-SNAT-CHAIN|AWS-CONNMARK-CHAIN')" != "0" ]];
then
    echo 'Deleting iptables rules created by the AWS CNI VPC plugin'
    iptables-save | grep -E -v 'AWS-SNAT-CHAIN|AWS-CONNMARK-CHAIN' | iptables-restore
fi
echo 'Done!'
"""

_EMPTY_BLOCKS = {"hubble": CiliumHubble(), "ingress": CiliumIngress(), "gateway_api": CiliumGatewayAPI()}


class _Cilium:
    """The completed spec's Cilium options, with Cilium's defaults for what is unset."""

    def __init__(self, ctx: BootstrapContext):
        self.ctx = ctx
        self.options: Cilium = ctx.spec.cluster.networking.cilium

    def __call__(self, name: str, default: Any = None) -> Any:
        """The setting `name` (a field of spec.api.cni.Cilium), Cilium's default where it is unset, empty or 0."""
        value = getattr(self.options, name)
        if value is None or value == "" or value == 0 and not isinstance(value, bool):
            value = CILIUM_DEFAULTS.get(name, default)
        return default if value is None else value

    def enabled(self, part: str) -> bool:
        """hubble / ingress / gateway_api: on when the block is present, unless `enabled: false`."""
        block = getattr(self.options, part)
        return block is not None and block.enabled is not False

    def block(self, part: str) -> Any:
        """The block `part` (hubble, ingress or gateway_api), empty when the spec has none."""
        return getattr(self.options, part) or _EMPTY_BLOCKS[part]

    @property
    def ipv6(self) -> bool:
        return self.ctx.spec.cluster.ipv6

    @property
    def masquerade(self) -> bool:
        # v1alpha2 spells it inverted (disableMasquerade); unset: masquerade on IPv4 only
        disabled = self.options.disable_masquerade
        return not disabled if disabled is not None else not self.ipv6

    @property
    def tunnel(self) -> str:
        return self.options.tunnel or ("disabled" if self("ipam") == "eni" or self.ipv6 else "vxlan")

    @property
    def bpf_masquerade(self) -> bool:
        value = self.options.enable_bpf_masquerade
        return (self("ipam") == "eni" if value is None else bool(value)) and not self.ipv6

    def image(self, name: str) -> str:
        return f"{self('registry', 'quay.io')}/cilium/{name}:{self('version')}"


def _cilium_refusals(c: _Cilium) -> None:
    if c("enable_encryption") and c("encryption_type", "ipsec") == "ipsec":
        raise RenderError(f"{CILIUM_FIELD}.encryptionType: kopsgen does not build Cilium's IPsec encryption: its key "
                          "(kops's `ciliumpassword` secret) would be written into the rendered output; use "
                          "encryptionType: wireguard")


def _cilium_values(ctx: BootstrapContext) -> dict:
    c = _Cilium(ctx)
    _cilium_refusals(c)
    hubble, ingress, gateway = c.enabled("hubble"), c.enabled("ingress"), c.enabled("gateway_api")
    ingress_mode = c.block("ingress").default_load_balancer_mode or "shared"
    prometheus = bool(c("enable_prometheus_metrics"))
    annotations = {"container.apparmor.security.beta.kubernetes.io/cilium-agent": "unconfined",
                   "container.apparmor.security.beta.kubernetes.io/clean-cilium-state": "unconfined",
                   "container.apparmor.security.beta.kubernetes.io/mount-cgroup": "unconfined",
                   "container.apparmor.security.beta.kubernetes.io/apply-sysctl-overwrites": "unconfined",
                   "kubectl.kubernetes.io/default-container": "cilium-agent"}
    if prometheus:
        annotations.update({"prometheus.io/port": str(c("agent_prometheus_port")), "prometheus.io/scrape": "true"})
    annotations.update({k: str(v) for k, v in (c("agent_pod_annotations") or {}).items()})
    ports = []
    if hubble:
        ports.append({"name": "peer-service", "containerPort": 4244, "hostPort": 4244, "protocol": "TCP"})
        if c.block("hubble").metrics:
            ports.append({"name": "hubble-metrics", "containerPort": HUBBLE_METRICS_PORT,
                          "hostPort": HUBBLE_METRICS_PORT, "protocol": "TCP"})
    if prometheus:
        ports.append({"containerPort": int(c("agent_prometheus_port")), "name": "prometheus", "protocol": "TCP"})
    post_start = None
    if c("ipam") == "eni":
        post_start = {"exec": {"command": ["bash", "-c", ENI_REMOVE_VPC_CNI_RULES]}}
    localhost = "::1" if c.ipv6 else "127.0.0.1"
    return {
        # which optional parts exist
        "hubble": hubble, "hubble_metrics": hubble and bool(c.block("hubble").metrics),
        "ingress": ingress, "gateway_api": gateway, "envoy_config": ingress or gateway,
        "envoy_metrics_service": gateway and prometheus,
        "shared_ingress": ingress and ingress_mode == "shared", "prometheus": prometheus,
        "etcd_managed": bool(c("etcd_managed")), "debug_monitor": bool(c("debug")),
        # the agent's settings
        "identity_allocation_mode": c("identity_allocation_mode"),
        "disable_endpoint_crd": flag(c("disable_endpoint_crd")),
        "identity_change_grace_period": c("identity_change_grace_period"), "debug": flag(c("debug")),
        "enable_ipv4": flag(not c.ipv6), "enable_ipv6": flag(c.ipv6),
        "monitor_aggregation": c("monitor_aggregation"), "preallocate_bpf_maps": flag(c("preallocate_bpf_maps")),
        "cilium_cluster_name": c("cluster_name"), "enable_l7_proxy": flag(c("enable_l7_proxy")),
        "masquerade": flag(c.masquerade), "enable_bpf_masquerade": flag(c.bpf_masquerade),
        "auto_direct_node_routes": flag(c("auto_direct_node_routes")),
        "enable_local_redirect_policy": flag(c("enable_local_redirect_policy")),
        "enable_node_port": flag(c("enable_node_port")), "bpf_lb_sock": flag(c("bpf_lb_sock")),
        "bpf_lb_sock_hostns_only": flag(c("bpf_lb_sock_host_ns_only")),
        "enable_service_topology": flag(c("enable_service_topology")), "cni_exclusive": flag(c("cni_exclusive")),
        "enable_endpoint_health_checking": flag(c("enable_endpoint_health_checking")),
        "enable_host_firewall": flag(c("enable_host_firewall")),
        "operator_api_address": f"{'[::1]' if c.ipv6 else '127.0.0.1'}:9234",
        "tofqdns_dns_reject_response_code": c("to_fqdns_dns_reject_response_code"),
        "hubble_relay_config": _hubble_relay_config(c) if hubble else "",
        # pods
        "agent_image": c.image("cilium"), "operator_image": c.image("operator"),
        "relay_image": c.image("hubble-relay"), "relay_args": ["serve"] + (["--debug"] if c("debug") else []),
        "agent_annotations": annotations, "operator_annotations": {k: str(v) for k, v in
                                                                   (c("operator_pod_annotations") or {}).items()},
        "agent_ports": ports or None, "agent_post_start": post_start, "localhost": localhost,
        "cpu_request": str(c("cpu_request", "25m")), "memory_request": str(c("memory_request", "128Mi")),
        "api_internal_name": api_internal_name(ctx), "operator_replicas": control_plane_replicas(ctx),
        "eni_tags": cloud_labels(ctx),
        "hubble_server_name": f"*.{c('cluster_name').replace('.', '-')}.hubble-grpc.cilium.io",
        "ingress_service": _cilium_ingress_service(c),
    }


def _cilium_ingress_service(c: _Cilium) -> str:
    # kops writes the Service with an empty name when the spec names none (which the API server
    # refuses); Cilium's own default name is what the agent then looks for
    return c.block("ingress").shared_load_balancer_service_name or "cilium-ingress"


def _hubble_relay_config(c: _Cilium) -> str:
    return "\n".join([
        f'cluster-name: "{c("cluster_name")}"',
        'peer-service: "hubble-peer.kube-system.svc.cluster.local.:443"',
        "listen-address: :4245", "gops: true", 'gops-port: "9893"',
        "retry-timeout:", "sort-buffer-len-max:", "sort-buffer-drain-timeout:",
        "tls-hubble-client-cert-file: /var/lib/hubble-relay/tls/client.crt",
        "tls-hubble-client-key-file: /var/lib/hubble-relay/tls/client.key",
        "tls-hubble-server-ca-files: /var/lib/hubble-relay/tls/hubble-server-ca.crt",
        "", "disable-server-tls: true", ""])


def _envoy_controller(prefix: str, switch: str, secrets_sync: bool | None) -> dict[str, str]:
    """What Cilium's Ingress and Gateway API controllers share (their keys start with `prefix`): `switch` on,
    their secrets in kube-system (synced when the spec says so: kops writes the setting whenever it is set,
    true or false), and not on the host network. The ConfigMap's keys are written sorted."""
    data = {switch: "true", f"{prefix}-secrets-namespace": "kube-system", f"{prefix}-hostnetwork-enabled": "false",
            f"{prefix}-hostnetwork-nodelabelselector": ""}
    if secrets_sync is not None:
        data[f"enable-{prefix}-secrets-sync"] = flag(secrets_sync)
    return data


def _cilium_mode_settings(ctx: BootstrapContext, c: _Cilium) -> dict[str, str]:
    """The agent settings that exist only in some modes, as kops writes them."""
    data: dict[str, str] = {}
    if c("etcd_managed"):
        # the kvstore is the cluster's own `cilium` etcd, on the control plane, with the client
        # certificate nodeup writes to /etc/kubernetes/pki/cilium
        data["kvstore"] = "etcd"
        data["kvstore-opt"] = '{"etcd.config": "/var/lib/etcd-config/etcd.config"}'
        data["etcd-config"] = "\n".join([
            "---", "endpoints:", f"  - https://{api_internal_name(ctx)}:4003",
            "trusted-ca-file: '/var/lib/etcd-secrets/etcd-ca.crt'",
            "key-file: '/var/lib/etcd-secrets/etcd-client-cilium.key'",
            "cert-file: '/var/lib/etcd-secrets/etcd-client-cilium.crt'"])
    if c("enable_prometheus_metrics"):
        data["prometheus-serve-addr"] = f":{c('agent_prometheus_port')}"
        if c("metrics"):
            data["metrics"] = " ".join(c("metrics"))
        data["controller-group-metrics"] = CONTROLLER_GROUP_METRICS
        data["proxy-prometheus-port"] = str(ENVOY_METRICS_PORT)
        data["operator-prometheus-serve-addr"] = f":{OPERATOR_METRICS_PORT}"
        data["enable-metrics"] = "true"
    ingress, gateway = c.enabled("ingress"), c.enabled("gateway_api")
    if ingress or gateway:
        data.update({"enable-envoy-config": "true", "envoy-config-retry-interval": "15s",
                     "envoy-secrets-namespace": "kube-system"})
    if ingress:
        spec = c.block("ingress")
        data.update(_envoy_controller("ingress", "enable-ingress-controller", spec.enable_secrets_sync))
        # kops writes it whenever it is set, true or false
        if spec.enforce_https is not None:
            data["enforce-ingress-https"] = flag(spec.enforce_https)
        data.update({"enable-ingress-proxy-protocol": "false", "ingress-hostnetwork-shared-listener-port": "8080"})
        for value, setting in ((spec.load_balancer_annotation_prefixes, "ingress-lb-annotation-prefixes"),
                               (spec.default_load_balancer_mode, "ingress-default-lb-mode"),
                               (spec.shared_load_balancer_service_name, "ingress-shared-lb-service-name")):
            if value:
                data[setting] = str(value)
    if gateway:
        spec = c.block("gateway_api")
        data.update(_envoy_controller("gateway-api", "enable-gateway-api", spec.enable_secrets_sync))
        data.update({"enable-gateway-api-proxy-protocol": "false", "enable-gateway-api-app-protocol": "false",
                     "enable-gateway-api-alpn": "false", "gateway-api-xff-num-trusted-hops": "0",
                     "gateway-api-service-externaltrafficpolicy": "Cluster"})
    chaining = c("chaining_mode")
    if chaining:
        # the chained plugin routes pods: Cilium falls back to the kernel's routing
        data["enable-host-legacy-routing"] = "true"
        data["cni-chaining-mode"] = chaining
        if chaining != "portmap":
            data["enable-local-node-route"] = "false"
    else:
        data["dnsproxy-enable-transparent-mode"] = "true"
    if c("cluster_id"):
        data["cluster-id"] = str(c("cluster_id"))
    if c.tunnel == "disabled":
        data["routing-mode"] = "native"
    else:
        data.update({"routing-mode": "tunnel", "tunnel-protocol": c.tunnel, "tunnel-source-port-range": "0-0",
                     "service-no-backend-response": "reject"})
    if c("enable_encryption") and c("encryption_type") == "wireguard":
        data["enable-wireguard"] = "true"
        data["encrypt-node"] = flag(c("node_encryption"))
    if c.enabled("hubble"):
        data.update({"enable-hubble": "true", "hubble-socket-path": "/var/run/cilium/hubble.sock"})
        metrics = c.block("hubble").metrics
        if metrics:
            data.update({"hubble-metrics-server": f":{HUBBLE_METRICS_PORT}",
                         "hubble-metrics-server-enable-tls": "false", "enable-hubble-open-metrics": "false",
                         "hubble-metrics": " ".join(metrics)})
        data.update({"hubble-network-policy-correlation-enabled": "true", "hubble-listen-address": ":4244",
                     "hubble-disable-tls": "false",
                     "hubble-tls-cert-file": "/var/lib/cilium/tls/hubble/server.crt",
                     "hubble-tls-key-file": "/var/lib/cilium/tls/hubble/server.key",
                     "hubble-tls-client-ca-files": "/var/lib/cilium/tls/hubble/client-ca.crt"})
    data.update({"ipam": c("ipam"), "ipam-cilium-node-update-rate": "15s", "cluster-pool-ipv4-mask-size": "24"})
    if c("ipam") == "eni":
        # pods take secondary addresses of the instances' network interfaces, which the operator
        # creates with the cluster's tags
        data.update({"enable-endpoint-routes": "true", "auto-create-cilium-node-resource": "true",
                     "eni-tags": cloud_labels(ctx)})
    # extraConfig comes last: it may override any setting
    data.update({str(k): str(v) for k, v in (c("extra_config") or {}).items()})
    return data


def _cilium_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    c = _Cilium(ctx)
    by_name = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    by_name[("ConfigMap", "cilium-config")]["data"].update(_cilium_mode_settings(ctx, c))
    agent = by_name[("DaemonSet", "cilium")]["spec"]["template"]["spec"]["containers"][0]
    if agent["lifecycle"]["postStart"] is None:
        del agent["lifecycle"]["postStart"]
    operator_pod = by_name[("Deployment", "cilium-operator")]["spec"]["template"]
    if not operator_pod["metadata"]["annotations"]:
        del operator_pod["metadata"]["annotations"]
    operator = operator_pod["spec"]["containers"][0]
    if not operator["ports"]:
        del operator["ports"]
    return objects


CILIUM = Addon(name="networking.cilium.io", id="k8s-1.16", template="addon-cilium.yaml",
               file_name="k8s-1.16-v1.15.yaml", selector=NETWORKING_SELECTOR, needs_rolling_update="all",
               # Hubble's certificates come from an Issuer kops-channels creates with the cluster CA
               needs_pki=lambda ctx: _Cilium(ctx).enabled("hubble"),
               values=_cilium_values, adjust=_cilium_adjust)


# ---------------------------------------------------------------- Flannel, kindnet, kube-router, kopeio
