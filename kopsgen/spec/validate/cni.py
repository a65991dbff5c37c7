"""The pod network (CNI): one is chosen, IPv6 support, Calico's and Cilium's settings."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kopsgen.spec.api.fields import value_at
from kopsgen.spec.source import SpecPath
from kopsgen.spec.validate.common import Validation, dicts_of, version_of


def check_networking(v: Validation) -> None:
    n = v.networking
    path = ("spec", "networking")
    chosen = [k for k, value in n.items() if value is not None]
    if not chosen:
        v.error(path, "choose a pod network: one of cni, calico, cilium, amazonvpc, kubenet, flannel, kindnet, "
                      "kuberouter, kopeio")
    if v.ipv6:
        for cni, name in (("kubenet", "kubenet"), ("flannel", "Flannel"), ("amazonvpc", "the Amazon VPC CNI"),
                          ("kuberouter", "kube-router"), ("kopeio", "kopeio networking")):
            if v.uses(cni):
                v.error(path + (cni,), f"{name} does not support IPv6 clusters")
    if v.uses("kuberouter") and v.kube_proxy_enabled():
        v.error(("spec", "kubeProxy"), "kube-router replaces kube-proxy: set kubeProxy.enabled: false")
    calico = n.get("calico")
    if isinstance(calico, dict):
        p = path + ("calico",)
        mode = calico.get("encapsulationMode")
        if calico.get("bpfEnabled") is True and v.kube_proxy_enabled():
            v.error(("spec", "kubeProxy"), "Calico in BPF mode replaces kube-proxy: set kubeProxy.enabled: false")
        if v.ipv6 and mode not in (None, "none"):
            v.error(p + ("encapsulationMode",), 'IPv6 clusters need encapsulationMode "none"')
        if not v.ipv6 and mode == "none":
            v.error(p + ("encapsulationMode",), 'encapsulationMode "none" is only for IPv6 clusters')
        if v.ipv6 and calico.get("awsSrcDstCheck") not in (None, "DoNothing"):
            v.error(p + ("awsSrcDstCheck",), 'IPv6 clusters need awsSrcDstCheck "DoNothing"')
        if v.ipv6 and calico.get("wireguardEnabled") is True:
            v.error(p + ("wireguardEnabled",), "WireGuard is not supported on IPv6 clusters")
        for key, wanted in (("ipipMode", "ipip"), ("vxlanMode", "vxlan")):
            if calico.get(key) not in (None, "Never") and mode not in (None, wanted):
                v.error(p + (key,), f'{key} {calico[key]} needs encapsulationMode "{wanted}"')
        for key, family in (("ipv4AutoDetectionMethod", 4), ("ipv6AutoDetectionMethod", 6)):
            problem = _autodetect_problem(calico.get(key), family)
            if problem:
                v.error(p + (key,), problem)
    cilium = n.get("cilium")
    if isinstance(cilium, dict):
        _check_cilium(v, path + ("cilium",), cilium)


def _autodetect_problem(method: Any, family: int) -> str | None:
    if not isinstance(method, str) or not method:
        return None
    kind, sep, arg = method.partition("=")
    if kind == "first-found" and not sep:
        return None
    if kind == "can-reach" and sep:
        try:
            if ipaddress.ip_address(arg).version == family:
                return None
        except ValueError:
            pass
        return f"can-reach needs an IPv{family} address"
    if kind in ("interface", "skip-interface") and sep:
        for pattern in re.split(r"\s*,\s*", arg):
            try:
                if not pattern:
                    raise re.error("empty")
                re.compile(pattern)
            except re.error:
                return f'"{pattern}" is not a regular expression'
        return None
    return "must be first-found, can-reach=IP, interface=REGEXES or skip-interface=REGEXES"


def _check_cilium(v: Validation, p: SpecPath, c: dict) -> None:
    version = c.get("version")
    parsed = version_of(version.removeprefix("v")) if isinstance(version, str) else None
    if isinstance(version, str) and parsed and parsed[:2] != (1, 18):
        v.error(p + ("version",), f"kops 1.37 supports Cilium 1.18 only (got {version})")
    if c.get("enableNodePort") is True and v.kube_proxy_enabled():
        v.error(("spec", "kubeProxy"), "Cilium's NodePort replaces kube-proxy: set kubeProxy.enabled: false")
    if c.get("identityAllocationMode") == "kvstore" and not c.get("etcdManaged"):
        v.error(p + ("identityAllocationMode",), "kvstore identities need etcdManaged: true")
    if c.get("etcdManaged") is True and not any(e.get("name") == "cilium" for _, e in dicts_of(v.spec.get("etcdClusters"))):
        v.error(p + ("etcdManaged",), 'a managed etcd for Cilium needs an etcd cluster named "cilium"')
    if c.get("bpfLBSockHostNSOnly") is True and not c.get("bpfLBSock"):
        v.error(p + ("bpfLBSockHostNSOnly",), "needs bpfLBSock: true")
    if c.get("encryptionType") and not c.get("enableEncryption"):
        v.error(p + ("encryptionType",), "needs enableEncryption: true")
    if c.get("enableEncryption") is True and v.ipv6:
        v.error(p + ("enableEncryption",), "encryption is not supported on IPv6 clusters")
    if c.get("enableL7Proxy") is True and c.get("IPTablesRulesNoinstall") is True:
        v.error(p + ("enableL7Proxy",), "the L7 proxy needs Cilium's iptables rules (IPTablesRulesNoinstall: false)")
    if c.get("ipam") == "eni" and v.ipv6:
        v.error(p + ("ipam",), "ENI IPAM does not support IPv6")
    if value_at(c, "hubble", "enabled") is True and not v.cert_manager():
        v.error(p + ("hubble", "enabled"), "Hubble needs certManager.enabled: true")
