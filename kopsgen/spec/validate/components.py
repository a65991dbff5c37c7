"""The Kubernetes components' settings: API server, kubelets, kube-proxy, containerd, cluster DNS."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Callable

from kopsgen.spec import units
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.source import SpecPath
from kopsgen.spec.validate.common import Report, Validation, dict_of, list_of, text_of, version_of


def check_components(v: Validation) -> None:
    s = v.spec
    api = s.get("kubeAPIServer") if isinstance(s.get("kubeAPIServer"), dict) else {}
    path = ("spec", "kubeAPIServer")
    if (api.get("proxyClientCertFile") is None) != (api.get("proxyClientKeyFile") is None):
        v.error(path, "set both proxyClientCertFile and proxyClientKeyFile, or neither")
    ports = re.match(r"^(\d+)(?:-(\d+)|\+(\d+))?$", text_of(api.get("serviceNodePortRange")))
    if ports:
        low = int(ports.group(1))
        high = int(ports.group(2)) if ports.group(2) else low + int(ports.group(3) or 0)
        if low < 1 or high > 65535 or low > high:
            v.error(path + ("serviceNodePortRange",), f"{api['serviceNodePortRange']} is not a port range within 1-65535")
    mode = api.get("authorizationMode")
    if isinstance(mode, str):
        modes = mode.split(",")
        if "Webhook" in modes and not api.get("authorizationWebhookConfigFile"):
            v.error(path + ("authorizationWebhookConfigFile",), "authorizationMode Webhook needs this file")
        for m in modes:
            if m not in ("ABAC", "Webhook", "Node", "RBAC", "AlwaysAllow", "AlwaysDeny"):
                v.error(path + ("authorizationMode",), f'unknown authorization mode "{m}"')
        if value_at(s, "authorization", "rbac") is not None and not {"Node", "RBAC"} <= set(modes):
            v.error(path + ("authorizationMode",), "with RBAC authorization the mode must include Node and RBAC")
    if api.get("auditWebhookConfigFile"):
        policy = text_of(api.get("auditPolicyFile"))
        if not policy:
            v.error(path + ("auditWebhookConfigFile",), "an audit webhook needs auditPolicyFile")
        elif policy.rsplit("/", 1)[0] != text_of(api["auditWebhookConfigFile"]).rsplit("/", 1)[0]:
            v.error(path + ("auditWebhookConfigFile",), "must be in the same directory as auditPolicyFile")
    _check_kubelet(v.error, ("spec", "kubelet"), s.get("kubelet"), lambda path: True)
    # masterKubelet starts as a copy of kubelet: report only what the user wrote in it.
    _check_kubelet(v.error, ("spec", "masterKubelet"), s.get("masterKubelet"),
                   lambda path: path in v.cluster.source.positions)
    for group in v.groups:
        # A group's completed kubelet repeats the cluster's: report only what the group itself wrote.
        _check_kubelet(lambda p, m, g=group: v.group_error(g, p, m), ("spec", "kubelet"), group.spec.get("kubelet"),
                       lambda path, g=group: path in g.doc.source.positions)
    proxy = s.get("kubeProxy")
    if isinstance(proxy, dict) and proxy.get("master") and not re.match(r"^https?://[^/]+", text_of(proxy["master"])):
        v.error(("spec", "kubeProxy", "master"), "must be the API server's URL (https://HOST[:PORT])")
    containerd = s.get("containerd")
    if isinstance(containerd, dict):
        if containerd.get("gvisor") is not None:
            v.error(("spec", "containerd", "gvisor"), "gVisor can only be configured on instance groups")
        version = version_of(containerd.get("version"))
        if version is not None and version < (2, 1, 0):
            v.error(("spec", "containerd", "version"), f"containerd {containerd['version']} is too old: kops needs "
                                                       f"2.1.0 or newer")
        for arch in ("Amd64", "Arm64"):
            url, sha = value_at(containerd, "packages", f"url{arch}"), value_at(containerd, "packages", f"hash{arch}")
            if (url is None) != (sha is None):
                v.error(("spec", "containerd", "packages"), f"set both url{arch} and hash{arch}, or neither")
    dns = s.get("kubeDNS")
    if isinstance(dns, dict):
        for domain, servers in dict_of(dns.get("stubDomains")).items():
            if not servers:
                v.error(("spec", "kubeDNS", "stubDomains", domain), "needs at least one nameserver")
            for i, server in enumerate(list_of(servers)):
                try:
                    ipaddress.ip_address(server if isinstance(server, str) else "")
                except ValueError:
                    v.error(("spec", "kubeDNS", "stubDomains", domain, i), f"{server} is not an IP address")
        local = dns.get("nodeLocalDNS")
        if isinstance(local, dict) and local.get("enabled") is True:
            if dns.get("provider") not in (None, "CoreDNS"):
                v.error(("spec", "kubeDNS", "provider"), "NodeLocal DNSCache needs the CoreDNS provider")
            ipvs = value_at(s, "kubeProxy", "proxyMode") == "ipvs" or v.uses("cilium")
            for key in ("kubelet", "masterKubelet"):
                cluster_dns = value_at(s, key, "clusterDNS")
                if ipvs and cluster_dns and cluster_dns != local.get("localIP"):
                    v.error(("spec", key, "clusterDNS"), f"must be the NodeLocal DNSCache address "
                                                         f"{local.get('localIP')} with ipvs or Cilium")


def _check_kubelet(report: Report, path: SpecPath, k: Any, written: Callable[[SpecPath], bool]) -> None:
    if not isinstance(k, dict):
        return
    grace = units.parse_duration(k.get("shutdownGracePeriod"))
    critical = units.parse_duration(k.get("shutdownGracePeriodCriticalPods"))
    where = path + ("shutdownGracePeriodCriticalPods",)
    if written(where) or written(path + ("shutdownGracePeriod",)):
        if critical is not None and grace is None:
            report(where, "needs shutdownGracePeriod")
        elif critical is not None and grace is not None and critical > grace:
            report(where, f"{k['shutdownGracePeriodCriticalPods']} is longer than shutdownGracePeriod "
                          f"{k['shutdownGracePeriod']}")
    where = path + ("crashLoopBackOffMaxContainerRestartPeriod",)
    restart = units.parse_duration(k.get("crashLoopBackOffMaxContainerRestartPeriod"))
    if restart is not None and written(where) and not 10**9 <= restart <= 300 * 10**9:
        report(where, "must be between 1s and 300s")
