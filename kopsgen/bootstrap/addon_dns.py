"""DNS addons beside CoreDNS and dns-controller (addon_catalog.py): kube-dns, NodeLocal DNSCache
and external-dns, each built from our template with the values kops derives from the spec."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addon_values import dns_service_ip, spec_value
from kopsgen.bootstrap.addons import Addon
from kopsgen.bootstrap.context import BootstrapContext

NODE_LOCAL_DNS_HEALTH_PORT = 3989
NODE_LOCAL_DNS_METRICS = ":9253"


def _kube_dns(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = spec_value(ctx, "kubeDNS", key)
    return default if value is None or value == "" or value == 0 else value


def _domain(ctx: BootstrapContext) -> str:
    return _kube_dns(ctx, "domain") or ctx.cluster_spec.get("clusterDNSDomain") or "cluster.local"


def _server_ip(ctx: BootstrapContext) -> str:
    return _kube_dns(ctx, "serverIP") or dns_service_ip(ctx)


# ---------------------------------------------------------------- kube-dns


def _kube_dns_values(ctx: BootstrapContext) -> dict:
    config: dict[str, str] = {}
    # the same JSON kube-dns documents for these keys, one line each
    if _kube_dns(ctx, "upstreamNameservers"):
        config["upstreamNameservers"] = json.dumps(_kube_dns(ctx, "upstreamNameservers"), separators=(",", ":")) + "\n"
    if _kube_dns(ctx, "stubDomains"):
        config["stubDomains"] = json.dumps(_kube_dns(ctx, "stubDomains"), separators=(",", ":"), sort_keys=True) + "\n"
    return {"has_config": bool(config), "config": config, "domain": _domain(ctx), "server_ip": _server_ip(ctx),
            "autoscaler_image": _kube_dns(ctx, "cpaImage") or versions.KUBE_DNS_AUTOSCALER_IMAGE,
            "kubedns_image": versions.KUBE_DNS_IMAGE, "dnsmasq_image": versions.KUBE_DNS_DNSMASQ_IMAGE,
            "sidecar_image": versions.KUBE_DNS_SIDECAR_IMAGE,
            "cache_max_size": str(_kube_dns(ctx, "cacheMaxSize", 1000)),
            "cache_max_concurrent": str(_kube_dns(ctx, "cacheMaxConcurrent", 150))}


KUBE_DNS = Addon(name="kube-dns.addons.k8s.io", id="k8s-1.12", template="addon-kube-dns.yaml", values=_kube_dns_values)


# ---------------------------------------------------------------- NodeLocal DNSCache


def _local(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = spec_value(ctx, "kubeDNS", "nodeLocalDNS", key)
    return default if value is None or value == "" else value


def _local_ip(ctx: BootstrapContext) -> str:
    return _local(ctx, "localIP") or ("fd00:90de:d95::1" if ctx.spec.cluster.ipv6 else "169.254.20.10")


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ipaddress.ip_address(host).version == 6 else f"{host}:{port}"


def _node_local_corefile(ctx: BootstrapContext) -> str:
    external = _local(ctx, "externalCoreFile")
    if external:
        return external.rstrip("\n") + "\n"
    local_ip = _local_ip(ctx)
    # with IPVS, kube-proxy owns no iptables rule the cache could use: it forwards to the Service's
    # address itself; otherwise node-cache fills the placeholder with kube-dns-upstream's address
    cluster_dns = _server_ip(ctx) if spec_value(ctx, "kubeProxy", "proxyMode") == "ipvs" else "__PILLAR__CLUSTER__DNS__"

    def zone(name: str, cache: list[str], forward: list[str], extra: list[str] = ()) -> list[str]:
        return [f"{name}:53 {{", "    errors", *cache, "    reload", "    loop", f"    bind {local_ip}", *forward,
                f"    prometheus {NODE_LOCAL_DNS_METRICS}", *extra, "}"]

    to_cluster = [f"    forward . {cluster_dns} {{", "      force_tcp", "    }"]
    lines = zone(_domain(ctx), ["    cache {", "      success 9984 30", "      denial 9984 5", "    }"], to_cluster,
                 [f"    health {_host_port(local_ip, NODE_LOCAL_DNS_HEALTH_PORT)}"])
    if _local(ctx, "forwardToKubeDNS"):
        lines += zone(".", ["    cache 30"], to_cluster)
    else:
        lines += zone("in-addr.arpa", ["    cache 30"], to_cluster) + zone("ip6.arpa", ["    cache 30"], to_cluster)
        lines += zone(".", ["    cache 30"], ["    forward . __PILLAR__UPSTREAM__SERVERS__"],
                      ["    dns64"] if ctx.spec.cluster.ipv6 else [])
    text = "\n".join(lines)
    if _local(ctx, "additionalConfig"):
        text += "\n" + _local(ctx, "additionalConfig").rstrip("\n")
    return text + "\n"


def _node_local_values(ctx: BootstrapContext) -> dict:
    security: dict[str, Any] = {"capabilities": {"add": ["NET_ADMIN"]}}
    if spec_value(ctx, "containerd", "seLinuxEnabled"):
        security["seLinuxOptions"] = {"type": "spc_t", "level": "s0"}
    annotations = {"prometheus.io/port": "9253", "prometheus.io/scrape": "true",
                   **{k: str(v) for k, v in (_local(ctx, "podAnnotations") or {}).items()}}
    return {"corefile": _node_local_corefile(ctx), "annotations": annotations, "local_ip": _local_ip(ctx),
            "image": _local(ctx, "image", versions.NODE_LOCAL_DNS_IMAGE),
            "cpu_request": str(_local(ctx, "cpuRequest", "25m")), "memory_request": str(_local(ctx, "memoryRequest", "5Mi")),
            "security_context": security, "health_port": NODE_LOCAL_DNS_HEALTH_PORT}


NODE_LOCAL_DNS = Addon(name="nodelocaldns.addons.k8s.io", id="k8s-1.12", template="addon-nodelocaldns.yaml",
                       needs_rolling_update="all", values=_node_local_values)


# ---------------------------------------------------------------- external-dns


def _external_dns_values(ctx: BootstrapContext) -> dict:
    options = ctx.cluster_spec.get("externalDns") or ctx.cluster_spec.get("externalDNS") or {}
    args = ["--provider=aws", "--events"]
    if options.get("watchIngress") is not False:
        args.append("--source=ingress")
    args += ["--source=pod", "--source=service", "--compatibility=kops-dns-controller", "--registry=txt",
             f"--txt-owner-id=kops-{ctx.name}"]
    # kops writes the zone's ID (it looks a zone name up in Route 53); kopsgen calls no AWS API, so
    # a zone given by name (or the cluster name's parent, when unset) restricts external-dns by domain
    zone = ctx.cluster_spec.get("dnsZone") or ctx.name.partition(".")[2] or ctx.name
    if "." in zone:
        args.append(f"--domain-filter={zone.rstrip('.')}")
    else:
        args.append(f"--zone-id-filter={zone.removeprefix('/').removeprefix('hostedzone/')}")
    if options.get("watchNamespace"):
        args.append(f"--namespace={options['watchNamespace']}")
    return {"image": versions.EXTERNAL_DNS_IMAGE, "args": args}


EXTERNAL_DNS = Addon(name="external-dns.addons.k8s.io", id="k8s-1.19", template="addon-external-dns.yaml",
                     values=_external_dns_values)

