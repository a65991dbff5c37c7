"""What every area's checks share: the cluster as the checks see it (`Validation`, with its instance
groups and subnets), where problems are reported, and helpers that read a value of the type a check
needs (the documents may hold anything: the schema reports wrong types)."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from kopsgen.errors import FieldError
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.api.network import is_ipv6_cluster
from kopsgen.spec.documents import SpecDocuments
from kopsgen.spec.source import Document, SpecPath

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Report = Callable[[SpecPath, str], None]
ROLES = {"Master": "ControlPlane", "ControlPlane": "ControlPlane", "Node": "Node", "Bastion": "Bastion",
         "APIServer": "APIServer"}
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass
class Group:
    doc: Document
    name: str
    spec: dict
    role: str | None


@dataclass
class Subnet:
    index: int
    spec: dict
    net: Network | None          # its IPv4 CIDR when it parses
    net6: Network | None         # its IPv6 CIDR when it is a plain CIDR

    @property
    def name(self) -> str:
        return text_of(self.spec.get("name"))

    @property
    def zone(self) -> str:
        return text_of(self.spec.get("zone"))

    @property
    def type(self) -> str:
        return text_of(self.spec.get("type"))

    def path(self, *keys: str | int) -> SpecPath:
        return ("spec", "subnets", self.index, *keys)


class Validation:
    def __init__(self, docs: SpecDocuments, skip: Callable[[Document, SpecPath], bool]):
        self.docs = docs
        self.skip = skip
        self.errors: list[FieldError] = []
        self.cluster = docs.cluster
        data = docs.cluster.data if isinstance(docs.cluster.data, dict) else {}
        self.name = text_of(value_at(data, "metadata", "name"))
        self.spec: dict = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        self.groups = []
        for doc in docs.instance_groups:
            spec = value_at(doc.data, "spec")
            spec = spec if isinstance(spec, dict) else {}
            role = spec.get("role")
            self.groups.append(Group(doc, text_of(value_at(doc.data, "metadata", "name")), spec,
                                     ROLES.get(role) if isinstance(role, str) else None))
        self.subnets = []
        for i, sub in dicts_of(self.spec.get("subnets")):
            self.subnets.append(Subnet(i, sub, quiet_net(sub.get("cidr"), 4), quiet_net(sub.get("ipv6CIDR"), 6)))

    # reporting
    def error(self, path: SpecPath, message: str) -> None:
        self.report(self.cluster, path, message)

    def group_error(self, group: Group, path: SpecPath, message: str) -> None:
        self.report(group.doc, path, message)

    def report(self, doc: Document, path: SpecPath, message: str) -> None:
        if not self.skip(doc, path):
            self.errors.append(doc.source.error(path, message))

    # facts
    @property
    def ipv6(self) -> bool:
        return is_ipv6_cluster(self.spec.get("nonMasqueradeCIDR"))

    @property
    def dns_type(self) -> str:
        return text_of(value_at(self.spec, "topology", "dns", "type")) or "Public"

    @property
    def networking(self) -> dict:
        n = self.spec.get("networking")
        return n if isinstance(n, dict) else {}

    def uses(self, cni: str) -> bool:
        return self.networking.get(cni) is not None

    def network_cidrs(self) -> list[tuple[str, Network]]:
        """The VPC's IPv4 CIDRs that parse, with the field each comes from."""
        out = []
        net = quiet_net(self.spec.get("networkCIDR"), 4)
        if net is not None:
            out.append(("networkCIDR", net))
        for i, text in enumerate(list_of(self.spec.get("additionalNetworkCIDRs"))):
            net = quiet_net(text, 4)
            if net is not None:
                out.append((f"additionalNetworkCIDRs[{i}]", net))
        return out

    def subnet(self, name: str) -> Subnet | None:
        return next((s for s in self.subnets if s.name == name), None)

    def kube_proxy_enabled(self) -> bool:
        proxy = self.spec.get("kubeProxy")
        return not (isinstance(proxy, dict) and proxy.get("enabled") is False)

    def cert_manager(self) -> bool:
        return value_at(self.spec, "certManager", "enabled") is True


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def list_of(value: Any) -> list:
    """A list field's items; nothing when the field holds something else (the schema reports it)."""
    return value if isinstance(value, list) else []


def dict_of(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def int_of(value: Any) -> int | None:
    """An integer field's value; None for anything else, an absurdly large number included (the
    schema bounds it; arithmetic on it could overflow)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
        return value
    return None


def dicts_of(value: Any) -> Iterator[tuple[int, dict]]:
    for i, x in enumerate(list_of(value)):
        if isinstance(x, dict):
            yield i, x


def quiet_net(value: Any, version: int | None = None) -> Network | None:
    net, problem = parse_cidr(value)
    if net is None or problem or (version is not None and net.version != version):
        return None
    return net


def parse_cidr(value: Any) -> tuple[Network | None, str | None]:
    """(network, None) for a correct CIDR; (None or the network, a message) otherwise."""
    text = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str) or "/" not in value:
        hint = ""
        try:
            ip = ipaddress.ip_address(value) if isinstance(value, str) else None
            hint = f' (did you mean "{value}/{32 if ip.version == 4 else 64}"?)' if ip else ""
        except ValueError:
            pass
        return None, f"{text} is not a CIDR{hint}"
    address = value.partition("/")[0]
    try:
        net = ipaddress.ip_network(value, strict=False)
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None, f"{text} is not a CIDR"
    if ip != net.network_address:
        return net, f'{value} has bits set outside its /{net.prefixlen} prefix (did you mean "{net}"?)'
    return net, None


def check_cidr(v: Validation, path: SpecPath, value: Any, version: int | None = None,
               what: str = "") -> Network | None:
    net, problem = parse_cidr(value)
    if problem:
        v.error(path, problem)
        return None
    if net is not None and version is not None and net.version != version:
        v.error(path, f"{value} is an IPv{net.version} CIDR; {what or 'this field'} needs IPv{version}")
        return None
    return net


def version_of(text: Any) -> tuple[int, int, int] | None:
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)", text) if isinstance(text, str) else None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def names_of(items: Iterable[str]) -> str:
    return ", ".join(sorted(set(items))) or "none"


def duplicates(items: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any, Any]]:
    """(key, where, where first seen) for every repeated key."""
    seen: dict[Any, Any] = {}
    for key, where in items:
        if not isinstance(key, (str, int, float, bool, type(None))):
            continue  # a list or mapping where a name belongs: the schema reports it
        if key in seen:
            yield key, where, seen[key]
        else:
            seen[key] = where
