"""Cluster DNS: CoreDNS (or kube-dns), NodeLocal DNSCache, and the controllers that publish the
cluster's DNS records (dns-controller or external-dns)."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import dns_service_ip as _dns_service_ip
from kopsgen.bootstrap.addons.values import version_label as _version_label
from kopsgen.bootstrap.addons.values import API_SERVER_LOCAL
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.manifests import system_component_env
from kopsgen.spec.api.addons import ExternalDns, NodeLocalDNS


def _corefile(ctx: BootstrapContext) -> str:
    kube_dns = ctx.spec.cluster.kube_dns
    external = kube_dns.external_core_file
    if external:
        return external.rstrip("\n")
    domain = kube_dns.domain or ctx.spec.cluster.cluster_dns_domain
    upstream = " ".join(kube_dns.upstream_nameservers or ()) or "/etc/resolv.conf"
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
        "image": ctx.spec.cluster.kube_dns.core_dns_image or versions.COREDNS_IMAGE,
        "autoscaler_image": ctx.spec.cluster.kube_dns.cpa_image or versions.DNS_AUTOSCALER_IMAGE,
        "memory_limit": ctx.spec.cluster.kube_dns.memory_limit or "170Mi",
        "cpu_request": ctx.spec.cluster.kube_dns.cpu_request or "100m",
        "memory_request": ctx.spec.cluster.kube_dns.memory_request or "70Mi",
        "server_ip": ctx.spec.cluster.kube_dns.server_ip or _dns_service_ip(ctx),
    },
    adjust=_coredns_adjust)


def _dns_controller_args(ctx: BootstrapContext) -> list[str]:
    external = ctx.spec.cluster.external_dns
    if external is None:
        args = ["--watch-ingress=false"]
    else:
        args = [f"--watch-ingress={'true' if external.watch_ingress else 'false'}"]
        if external.watch_namespace:
            args.append(f"--watch-namespace={external.watch_namespace}")
    args.append("--dns=aws-route53")
    zone = ctx.spec.cluster.dns_zone
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


NODE_LOCAL_DNS_HEALTH_PORT = 3989
NODE_LOCAL_DNS_METRICS = ":9253"


def _set_or(value: Any, default: Any) -> Any:
    """A kubeDNS setting, or `default` where it is unset, empty or zero (Go's zero values)."""
    return default if value is None or value == "" or value == 0 else value


def _domain(ctx: BootstrapContext) -> str:
    return ctx.spec.cluster.kube_dns.domain or ctx.spec.cluster.cluster_dns_domain


def _server_ip(ctx: BootstrapContext) -> str:
    return ctx.spec.cluster.kube_dns.server_ip or _dns_service_ip(ctx)


# ---------------------------------------------------------------- kube-dns


def _kube_dns_values(ctx: BootstrapContext) -> dict:
    kube_dns = ctx.spec.cluster.kube_dns
    config: dict[str, str] = {}
    # the same JSON kube-dns documents for these keys, one line each
    if kube_dns.upstream_nameservers:
        config["upstreamNameservers"] = json.dumps(kube_dns.upstream_nameservers, separators=(",", ":")) + "\n"
    if kube_dns.stub_domains:
        config["stubDomains"] = json.dumps(kube_dns.stub_domains, separators=(",", ":"), sort_keys=True) + "\n"
    return {"has_config": bool(config), "config": config, "domain": _domain(ctx), "server_ip": _server_ip(ctx),
            "autoscaler_image": kube_dns.cpa_image or versions.KUBE_DNS_AUTOSCALER_IMAGE,
            "kubedns_image": versions.KUBE_DNS_IMAGE, "dnsmasq_image": versions.KUBE_DNS_DNSMASQ_IMAGE,
            "sidecar_image": versions.KUBE_DNS_SIDECAR_IMAGE,
            "cache_max_size": str(_set_or(kube_dns.cache_max_size, 1000)),
            "cache_max_concurrent": str(_set_or(kube_dns.cache_max_concurrent, 150))}


KUBE_DNS = Addon(name="kube-dns.addons.k8s.io", id="k8s-1.12", template="addon-kube-dns.yaml", values=_kube_dns_values)


# ---------------------------------------------------------------- NodeLocal DNSCache


def _local(ctx: BootstrapContext) -> NodeLocalDNS:
    return ctx.spec.cluster.kube_dns.node_local_dns or NodeLocalDNS()


def _given_or(value: Any, default: Any) -> Any:
    """A nodeLocalDNS setting, or `default` where it is unset or empty."""
    return default if value is None or value == "" else value


def _local_ip(ctx: BootstrapContext) -> str:
    return _local(ctx).local_ip or ("fd00:90de:d95::1" if ctx.spec.cluster.ipv6 else "169.254.20.10")


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ipaddress.ip_address(host).version == 6 else f"{host}:{port}"


def _node_local_corefile(ctx: BootstrapContext) -> str:
    external = _local(ctx).external_core_file
    if external:
        return external.rstrip("\n") + "\n"
    local_ip = _local_ip(ctx)
    # with IPVS, kube-proxy owns no iptables rule the cache could use: it forwards to the Service's
    # address itself; otherwise node-cache fills the placeholder with kube-dns-upstream's address
    cluster_dns = _server_ip(ctx) if ctx.spec.cluster.kube_proxy_mode == "ipvs" else "__PILLAR__CLUSTER__DNS__"

    def zone(name: str, cache: list[str], forward: list[str], extra: list[str] = ()) -> list[str]:
        return [f"{name}:53 {{", "    errors", *cache, "    reload", "    loop", f"    bind {local_ip}", *forward,
                f"    prometheus {NODE_LOCAL_DNS_METRICS}", *extra, "}"]

    to_cluster = [f"    forward . {cluster_dns} {{", "      force_tcp", "    }"]
    lines = zone(_domain(ctx), ["    cache {", "      success 9984 30", "      denial 9984 5", "    }"], to_cluster,
                 [f"    health {_host_port(local_ip, NODE_LOCAL_DNS_HEALTH_PORT)}"])
    if _local(ctx).forward_to_kube_dns:
        lines += zone(".", ["    cache 30"], to_cluster)
    else:
        lines += zone("in-addr.arpa", ["    cache 30"], to_cluster) + zone("ip6.arpa", ["    cache 30"], to_cluster)
        lines += zone(".", ["    cache 30"], ["    forward . __PILLAR__UPSTREAM__SERVERS__"],
                      ["    dns64"] if ctx.spec.cluster.ipv6 else [])
    text = "\n".join(lines)
    if _local(ctx).additional_config:
        text += "\n" + _local(ctx).additional_config.rstrip("\n")
    return text + "\n"


def _node_local_values(ctx: BootstrapContext) -> dict:
    security: dict[str, Any] = {"capabilities": {"add": ["NET_ADMIN"]}}
    if ctx.spec.cluster.containerd.selinux_enabled:
        security["seLinuxOptions"] = {"type": "spc_t", "level": "s0"}
    annotations = {"prometheus.io/port": "9253", "prometheus.io/scrape": "true",
                   **{k: str(v) for k, v in (_local(ctx).pod_annotations or {}).items()}}
    return {"corefile": _node_local_corefile(ctx), "annotations": annotations, "local_ip": _local_ip(ctx),
            "image": _given_or(_local(ctx).image, versions.NODE_LOCAL_DNS_IMAGE),
            "cpu_request": str(_given_or(_local(ctx).cpu_request, "25m")),
            "memory_request": str(_given_or(_local(ctx).memory_request, "5Mi")),
            "security_context": security, "health_port": NODE_LOCAL_DNS_HEALTH_PORT}


NODE_LOCAL_DNS = Addon(name="nodelocaldns.addons.k8s.io", id="k8s-1.12", template="addon-nodelocaldns.yaml",
                       needs_rolling_update="all", values=_node_local_values)


# ---------------------------------------------------------------- external-dns


def _external_dns_values(ctx: BootstrapContext) -> dict:
    options = ctx.spec.cluster.external_dns or ExternalDns()
    args = ["--provider=aws", "--events"]
    if options.watch_ingress is not False:
        args.append("--source=ingress")
    args += ["--source=pod", "--source=service", "--compatibility=kops-dns-controller", "--registry=txt",
             f"--txt-owner-id=kops-{ctx.name}"]
    # kops writes the zone's ID (it looks a zone name up in Route 53); kopsgen calls no AWS API, so
    # a zone given by name (or the cluster name's parent, when unset) restricts external-dns by domain
    zone = ctx.spec.cluster.dns_zone or ctx.name.partition(".")[2] or ctx.name
    if "." in zone:
        args.append(f"--domain-filter={zone.rstrip('.')}")
    else:
        args.append(f"--zone-id-filter={zone.removeprefix('/').removeprefix('hostedzone/')}")
    if options.watch_namespace:
        args.append(f"--namespace={options.watch_namespace}")
    return {"image": versions.EXTERNAL_DNS_IMAGE, "args": args}


EXTERNAL_DNS = Addon(name="external-dns.addons.k8s.io", id="k8s-1.19", template="addon-external-dns.yaml",
                     values=_external_dns_values)
