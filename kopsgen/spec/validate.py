"""Semantic checks of a completed spec: everything the JSON Schema cannot express.

`validate()` runs on the defaulted documents and returns every problem at once, each at the
field it concerns (a defaulted field points at its nearest written parent). It runs even on
documents the schema refused, so every value may be of the wrong type: each check looks at the
types it needs and skips what it cannot read (the schema reports those fields). The checks are kops's own (pkg/apis/kops/validation, the parts that matter on
AWS) plus the ones kops only finds when it calls AWS or builds the model, which kopsgen must
find before it writes anything.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from kopsgen.errors import FieldError
from kopsgen.spec import iam_statements, instancetypes, regions, releases, units, volumes
from kopsgen.spec.api import WarmPool, is_ipv6_cluster, region_of_zone, value_at, warm_pool_of
from kopsgen.spec.documents import SpecDocuments
from kopsgen.spec.source import Document, SpecPath, format_path

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Report = Callable[[SpecPath, str], None]

ROLES = {"Master": "ControlPlane", "ControlPlane": "ControlPlane", "Node": "Node", "Bastion": "Bastion",
         "APIServer": "APIServer"}
OLDEST_KUBERNETES = (1, 32, 0)          # kops 1.37 supports Kubernetes 1.32 and later
ETCD_RELEASES = ((3, 5, 31), (3, 6, 12), (3, 7, 0))  # etcd-manager ships x.y.0 up to these
DEDICATED_EXCEPTIONS = {"t2.nano", "t2.micro", "t2.small", "t2.medium", "t2.large", "t2.xlarge"}  # no dedicated hosts
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
RESERVED_TAGS = ("Name", "KubernetesCluster")
RESERVED_TAG_PREFIXES = ("kubernetes.io/cluster/", "k8s.io/role/", "kops.k8s.io/")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def validate(docs: SpecDocuments, skip: Callable[[Document, SpecPath], bool] | None = None) -> list[FieldError]:
    """Every problem found, each at its field; an empty list means the spec can be built. A problem
    at a field for which `skip(document, path)` is true is left out (the caller reported it)."""
    v = _Validation(docs, skip or (lambda doc, path: False))
    for check in CHECKS:
        check(v)
    return v.errors


# --- the cluster as the checks see it --------------------------------------------------
@dataclass
class _Group:
    doc: Document
    name: str
    spec: dict
    role: str | None


@dataclass
class _Subnet:
    index: int
    spec: dict
    net: Network | None          # its IPv4 CIDR when it parses
    net6: Network | None         # its IPv6 CIDR when it is a plain CIDR

    @property
    def name(self) -> str:
        return _str(self.spec.get("name"))

    @property
    def zone(self) -> str:
        return _str(self.spec.get("zone"))

    @property
    def type(self) -> str:
        return _str(self.spec.get("type"))

    def path(self, *keys: str | int) -> SpecPath:
        return ("spec", "subnets", self.index, *keys)


class _Validation:
    def __init__(self, docs: SpecDocuments, skip: Callable[[Document, SpecPath], bool]):
        self.docs = docs
        self.skip = skip
        self.errors: list[FieldError] = []
        self.cluster = docs.cluster
        data = docs.cluster.data if isinstance(docs.cluster.data, dict) else {}
        self.name = _str(value_at(data, "metadata", "name"))
        self.spec: dict = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        self.groups = []
        for doc in docs.instance_groups:
            spec = value_at(doc.data, "spec")
            spec = spec if isinstance(spec, dict) else {}
            role = spec.get("role")
            self.groups.append(_Group(doc, _str(value_at(doc.data, "metadata", "name")), spec,
                                      ROLES.get(role) if isinstance(role, str) else None))
        self.subnets = []
        for i, sub in _dicts(self.spec.get("subnets")):
            self.subnets.append(_Subnet(i, sub, _quiet_net(sub.get("cidr"), 4), _quiet_net(sub.get("ipv6CIDR"), 6)))

    # reporting
    def error(self, path: SpecPath, message: str) -> None:
        self.report(self.cluster, path, message)

    def group_error(self, group: _Group, path: SpecPath, message: str) -> None:
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
        return _str(value_at(self.spec, "topology", "dns", "type")) or "Public"

    @property
    def networking(self) -> dict:
        n = self.spec.get("networking")
        return n if isinstance(n, dict) else {}

    def uses(self, cni: str) -> bool:
        return self.networking.get(cni) is not None

    def network_cidrs(self) -> list[tuple[str, Network]]:
        """The VPC's IPv4 CIDRs that parse, with the field each comes from."""
        out = []
        net = _quiet_net(self.spec.get("networkCIDR"), 4)
        if net is not None:
            out.append(("networkCIDR", net))
        for i, text in enumerate(_list(self.spec.get("additionalNetworkCIDRs"))):
            net = _quiet_net(text, 4)
            if net is not None:
                out.append((f"additionalNetworkCIDRs[{i}]", net))
        return out

    def subnet(self, name: str) -> _Subnet | None:
        return next((s for s in self.subnets if s.name == name), None)

    def kube_proxy_enabled(self) -> bool:
        proxy = self.spec.get("kubeProxy")
        return not (isinstance(proxy, dict) and proxy.get("enabled") is False)

    def cert_manager(self) -> bool:
        return value_at(self.spec, "certManager", "enabled") is True


# --- helpers ----------------------------------------------------------------------------
def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list:
    """A list field's items; nothing when the field holds something else (the schema reports it)."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    """An integer field's value; None for anything else, an absurdly large number included (the
    schema bounds it; arithmetic on it could overflow)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
        return value
    return None


def _dicts(value: Any) -> Iterator[tuple[int, dict]]:
    for i, x in enumerate(_list(value)):
        if isinstance(x, dict):
            yield i, x


def _quiet_net(value: Any, version: int | None = None) -> Network | None:
    net, problem = _parse_cidr(value)
    if net is None or problem or (version is not None and net.version != version):
        return None
    return net


def _parse_cidr(value: Any) -> tuple[Network | None, str | None]:
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


def _check_cidr(v: _Validation, path: SpecPath, value: Any, version: int | None = None,
                what: str = "") -> Network | None:
    net, problem = _parse_cidr(value)
    if problem:
        v.error(path, problem)
        return None
    if net is not None and version is not None and net.version != version:
        v.error(path, f"{value} is an IPv{net.version} CIDR; {what or 'this field'} needs IPv{version}")
        return None
    return net


def _version(text: Any) -> tuple[int, int, int] | None:
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)", text) if isinstance(text, str) else None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _names(items: Iterable[str]) -> str:
    return ", ".join(sorted(set(items))) or "none"


def _duplicates(items: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any, Any]]:
    """(key, where, where first seen) for every repeated key."""
    seen: dict[Any, Any] = {}
    for key, where in items:
        if not isinstance(key, (str, int, float, bool, type(None))):
            continue  # a list or mapping where a name belongs: the schema reports it
        if key in seen:
            yield key, where, seen[key]
        else:
            seen[key] = where


# --- cluster name, version, provider ----------------------------------------------------
def _check_cluster_identity(v: _Validation) -> None:
    name = v.name
    if name and not _DNS_SUBDOMAIN.match(name.rstrip(".")):
        v.error(("metadata", "name"), f'cluster name "{name}" is not a DNS name (lower-case letters, digits, '
                                      f"'-' and '.')")
    elif name and "." not in name and v.dns_type != "None":
        v.error(("metadata", "name"), f'cluster name "{name}" must be a fully qualified DNS name such as '
                                      f"{name}.example.com (or use topology.dns.type: None)")
    elif any(len(label) > 63 for label in name.split(".")):
        v.error(("metadata", "name"), "each part of the cluster name between dots must be at most 63 characters")
    _check_kubernetes_version(v)


def _check_kubernetes_version(v: _Validation) -> None:
    """kopsgen's own floor (its bootstrap follows kops 1.37's models), then the chosen kops release's
    range (spec/releases.py): kops would refuse the cluster at update, or its nodes at boot."""
    text = v.spec.get("kubernetesVersion")
    version = _version(text)
    if version is None:
        return
    if version < OLDEST_KUBERNETES:
        v.error(("spec", "kubernetesVersion"), f"kopsgen supports Kubernetes {'.'.join(map(str, OLDEST_KUBERNETES))} "
                                               f"and later, as kops 1.37 does (got {text})")
        return
    kopsgen = _dict(v.spec.get("kopsgen"))
    setting = kopsgen.get("kopsVersion")
    kops = releases.DEFAULT_KOPS_VERSION if setting is None else releases.parse(setting)
    if kops is None:
        return  # not a version: the schema says so
    info = releases.release_info(kops)
    minor = version[:2]
    too_new = minor > info.newest_kubernetes
    if info.supports(minor) or (too_new and kopsgen.get("allowTooNewKubernetes") is True):
        return
    chosen = (f"kops {kops} ({releases.SETTING_PATH})" if setting is not None else
              f"kops {kops} (the default release; choose another with {releases.SETTING_PATH})")
    advice = (f"; use a kops release of {minor[0]}.{minor[1]} or later, or set {releases.TOO_NEW_SETTING_PATH}: "
              f"true to run it anyway, as kops's KOPS_RUN_TOO_NEW_VERSION does" if too_new else "")
    v.error(("spec", "kubernetesVersion"), f"Kubernetes {str(text).removeprefix('v')} is not supported by {chosen}, "
                                           f"which runs Kubernetes {info.kubernetes_range}{advice}")


# --- VPC, address ranges ---------------------------------------------------------------
def _check_network(v: _Validation) -> None:
    s = v.spec
    if s.get("networkID") and not s.get("networkCIDR"):
        v.error(("spec", "networkID"), "networkCIDR is needed with networkID: kops asks AWS for the VPC's CIDR, "
                                       "kopsgen does not call AWS")
    if s.get("networkCIDR") is not None:
        _check_cidr(v, ("spec", "networkCIDR"), s["networkCIDR"], 4, "networkCIDR")
    for i, text in enumerate(_list(s.get("additionalNetworkCIDRs"))):
        net = _check_cidr(v, ("spec", "additionalNetworkCIDRs", i), text, 4, "additionalNetworkCIDRs")
        for field, other in v.network_cidrs():
            if net is not None and field != f"additionalNetworkCIDRs[{i}]" and net.overlaps(other) \
                    and (field == "networkCIDR" or int(field.split("[")[1][:-1]) < i):
                v.error(("spec", "additionalNetworkCIDRs", i), f"{net} overlaps {field} ({other})")
    non_masquerade = _check_cidr(v, ("spec", "nonMasqueradeCIDR"), s.get("nonMasqueradeCIDR"))
    if non_masquerade is not None:
        if non_masquerade.version == 6 and str(non_masquerade) != "::/0":
            v.error(("spec", "nonMasqueradeCIDR"), 'IPv6 clusters must have a nonMasqueradeCIDR of "::/0"')
        pods_in_vpc = v.uses("amazonvpc") or value_at(v.networking, "cilium", "ipam") == "eni"
        if non_masquerade.version == 4 and not pods_in_vpc:
            for field, net in v.network_cidrs():
                if net.overlaps(non_masquerade):
                    v.error(("spec", "nonMasqueradeCIDR"),
                            f"nonMasqueradeCIDR {non_masquerade} overlaps {field} ({net}): the cluster's internal "
                            f"addresses must be outside the VPC")
    pod = None
    if s.get("podCIDR") is not None:
        pod = _check_cidr(v, ("spec", "podCIDR"), s["podCIDR"])
        if pod is not None and non_masquerade is not None and not _within(pod, non_masquerade):
            v.error(("spec", "podCIDR"), f"podCIDR {pod} must be inside nonMasqueradeCIDR {non_masquerade}")
    service = None
    if s.get("serviceClusterIPRange") is not None:
        service = _check_cidr(v, ("spec", "serviceClusterIPRange"), s["serviceClusterIPRange"])
    cluster_cidr = value_at(s, "kubeControllerManager", "clusterCIDR")
    if cluster_cidr and ("spec", "kubeControllerManager", "clusterCIDR") in v.cluster.source.positions:
        # (when defaulted it is podCIDR, checked above)
        net = _check_cidr(v, ("spec", "kubeControllerManager", "clusterCIDR"), cluster_cidr)
        if net is not None and non_masquerade is not None and not _within(net, non_masquerade):
            v.error(("spec", "kubeControllerManager", "clusterCIDR"),
                    f"clusterCIDR {net} must be inside nonMasqueradeCIDR {non_masquerade}")
    api_range = value_at(s, "kubeAPIServer", "serviceClusterIPRange")
    if api_range and s.get("serviceClusterIPRange") and api_range != s["serviceClusterIPRange"]:
        v.error(("spec", "kubeAPIServer", "serviceClusterIPRange"),
                f"must match spec.serviceClusterIPRange ({s['serviceClusterIPRange']})")
    server_ip = value_at(s, "kubeDNS", "serverIP")
    if isinstance(server_ip, str) and service is not None:
        try:
            if ipaddress.ip_address(server_ip) not in service:
                v.error(("spec", "kubeDNS", "serverIP"),
                        f"DNS server {server_ip} must be inside serviceClusterIPRange {service}")
        except ValueError:
            pass
    _check_subnets(v, pod, service)


def _within(child: Network, parent: Network) -> bool:
    return child.version == parent.version and child.subnet_of(parent)  # type: ignore[arg-type]


def _check_subnets(v: _Validation, pod: Network | None, service: Network | None) -> None:
    networks = v.network_cidrs()
    for name, sub, first in _duplicates((s.name, s) for s in v.subnets if s.name):
        v.error(sub.path("name"), f'duplicate subnet name "{name}" (also spec.subnets[{first.index}])')
    region, region_from = "", ""
    with_id = [s for s in v.subnets if s.spec.get("id")]
    for sub in v.subnets:
        zone = sub.zone
        if zone and (problem := regions.zone_problem(zone)):
            v.error(sub.path("zone"), problem)  # AWS would refuse the subnet at apply
        if zone:
            zone_region = region_of_zone(zone)
            if not region:
                region, region_from = zone_region, f"spec.subnets[{sub.index}].zone"
            elif zone_region != region:
                v.error(sub.path("zone"), f"zone {zone} is in region {zone_region}, but the cluster is in "
                                          f"{region} (from {region_from}); a cluster lives in one region")
            if sub.spec.get("region") and sub.spec["region"] != zone_region:
                v.error(sub.path("region"), f"region {sub.spec['region']} does not match zone {zone}")
        if with_id and not sub.spec.get("id"):
            v.error(sub.path(), "cannot mix existing subnets (with id) and subnets kopsgen creates; "
                                f"spec.subnets[{with_id[0].index}] has an id")
        _check_subnet_cidrs(v, sub, networks, pod, service)
        _check_subnet_egress(v, sub, networks)
    for a, b in _pairs(v.subnets):
        for attr, key in (("net", "cidr"), ("net6", "ipv6CIDR")):
            na, nb = getattr(a, attr), getattr(b, attr)
            if na is not None and nb is not None and na.overlaps(nb):
                v.error(b.path(key), f'subnet {nb} overlaps subnet "{a.name}" ({na})')
    _check_private_egress(v)


def _pairs(items: list) -> Iterator[tuple[Any, Any]]:
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            yield a, b


def _check_subnet_cidrs(v: _Validation, sub: _Subnet, networks: list[tuple[str, Network]],
                        pod: Network | None, service: Network | None) -> None:
    cidr, ipv6 = sub.spec.get("cidr"), sub.spec.get("ipv6CIDR")
    if cidr:
        net = _check_cidr(v, sub.path("cidr"), cidr, 4, "a subnet's cidr")
        if net is not None:
            if networks and not any(_within(net, n) for _, n in networks):
                where = ", ".join(str(n) for _, n in networks)
                v.error(sub.path("cidr"), f"subnet {net} is outside the VPC's CIDRs ({where}); add it to "
                                          f"additionalNetworkCIDRs or pick a CIDR inside")
            if pod is not None and net.overlaps(pod) and not v.uses("amazonvpc"):
                v.error(sub.path("cidr"), f"subnet {net} overlaps podCIDR {pod}")
            if service is not None and net.overlaps(service):
                v.error(sub.path("cidr"), f"subnet {net} overlaps serviceClusterIPRange {service}")
    elif sub.spec.get("id"):
        v.error(sub.path(), "cidr is needed for an existing subnet: kops asks AWS for it, kopsgen does not call AWS")
    elif not (ipv6 and v.ipv6):
        v.error(sub.path(), "subnet has no cidr and none could be carved out of networkCIDR; set cidr")
    if ipv6:
        if isinstance(ipv6, str) and ipv6.startswith("/"):
            m = re.match(r"^/(\d+)#([0-9a-fA-F]+)$", ipv6)
            if not m:
                v.error(sub.path("ipv6CIDR"), f"{ipv6} is neither an IPv6 CIDR nor /SIZE#N (N in hexadecimal)")
            elif m.group(1) != "64":
                v.error(sub.path("ipv6CIDR"), f"{ipv6}: a subnet's IPv6 block is a /64 (AWS takes no other size)")
        else:
            net6 = _check_cidr(v, sub.path("ipv6CIDR"), ipv6, 6, "ipv6CIDR")
            if net6 is not None and service is not None and net6.overlaps(service):
                v.error(sub.path("ipv6CIDR"), f"subnet {net6} overlaps serviceClusterIPRange {service}")
    elif v.ipv6:
        v.error(sub.path(), "an IPv6 cluster (nonMasqueradeCIDR ::/0) needs an ipv6CIDR on every subnet "
                            "(e.g. /64#0 for a block of the VPC's IPv6 range)")
    if sub.type == "DualStack" and not v.ipv6:
        v.error(sub.path("type"), "DualStack subnets are only for IPv6 clusters (nonMasqueradeCIDR ::/0)")


def _check_subnet_egress(v: _Validation, sub: _Subnet, networks: list[tuple[str, Network]]) -> None:
    egress = _str(sub.spec.get("egress"))
    if egress and egress != "External" and sub.type not in ("Private", "DualStack") \
            and not (sub.type == "Public" and sub.spec.get("ipv6CIDR")):
        v.error(sub.path("egress"), f"egress is only for Private subnets (and IPv6 Public or DualStack ones); "
                                    f"this one is {sub.type}")
    routes = sub.spec.get("additionalRoutes")
    if not routes:
        return
    if sub.spec.get("id"):
        v.error(sub.path("additionalRoutes"), "routes cannot be added to an existing (shared) subnet")
    elif sub.type != "Private":
        v.error(sub.path("additionalRoutes"), f"routes can only be added to Private subnets; this one is {sub.type}")
    seen = {str(n): f"the VPC's {field}" for field, n in networks}
    for i, route in _dicts(routes):
        net = _check_cidr(v, sub.path("additionalRoutes", i, "cidr"), route.get("cidr"))
        if net is None:
            continue
        if str(net) in seen:
            v.error(sub.path("additionalRoutes", i, "cidr"), f"route to {net} repeats {seen[str(net)]}")
        seen.setdefault(str(net), f"route {i}")
        target = _str(route.get("target"))
        if target.startswith("pcx-") and any(n.overlaps(net) for _, n in networks):
            v.error(sub.path("additionalRoutes", i, "target"),
                    f"a peering connection cannot take traffic for {net}, which is inside the VPC")


def _check_private_egress(v: _Validation) -> None:
    """A private subnet without egress gets a NAT gateway, which lives in its zone's Utility subnet."""
    utility_zones = {s.zone for s in v.subnets if s.type == "Utility"}
    for sub in v.subnets:
        egress = _str(sub.spec.get("egress"))
        needs_nat = not egress or egress.startswith("eipalloc-")
        if sub.type == "Private" and needs_nat and not sub.spec.get("id") and sub.zone not in utility_zones:
            v.error(sub.path("type"), f'private subnet "{sub.name}" needs a Utility subnet in zone {sub.zone} '
                                      f"for its NAT gateway (or set egress)")


# --- access lists, DNS, API --------------------------------------------------------------
def _check_access(v: _Validation) -> None:
    for key in ("sshAccess", "kubernetesApiAccess", "nodePortAccess"):
        for i, item in enumerate(_list(v.spec.get(key))):
            if isinstance(item, str) and item.startswith("pl-"):
                continue
            _check_cidr(v, ("spec", key, i), item)


def _check_bastion_name(v: _Validation) -> None:
    """The bastion's DNS record must not take a name the API already publishes."""
    bastion_name = value_at(v.spec, "topology", "bastion", "bastionPublicName")
    if not isinstance(bastion_name, str):
        return
    taken = {_str(v.spec.get("masterPublicName")) or f"api.{v.name}": "the API's public name",
             _str(v.spec.get("masterInternalName")) or f"api.internal.{v.name}": "the API's internal name"}
    meaning = taken.get(bastion_name.rstrip(".").lower())
    if meaning:
        v.error(("spec", "topology", "bastion", "bastionPublicName"),
                f"{bastion_name} is {meaning}; give the bastion a name of its own")


def _check_dns_and_api(v: _Validation) -> None:
    api = v.spec.get("api") if isinstance(v.spec.get("api"), dict) else {}
    lb = api.get("loadBalancer") if isinstance(api.get("loadBalancer"), dict) else None
    if v.dns_type == "None":
        if api.get("dns") is not None:
            v.error(("spec", "api", "dns"), "api.dns publishes DNS records, but topology.dns.type is None; "
                                            "use api.loadBalancer")
        elif lb is None:
            v.error(("spec", "topology", "dns", "type"), "topology.dns.type None needs api.loadBalancer "
                                                         "(clients reach the API by the load balancer's name)")
        if value_at(v.spec, "externalDns", "provider") == "external-dns":
            v.error(("spec", "externalDns", "provider"), "external-dns needs a Public or Private DNS topology")
    elif api.get("dns") is None and lb is None:
        v.error(("spec", "api"), "choose how the API is reached: api.dns or api.loadBalancer")
    _check_bastion_name(v)
    if lb is None:
        return
    path = ("spec", "api", "loadBalancer")
    internal = lb.get("type") == "Internal"
    if internal and not any(s.type == "Private" for s in v.subnets):
        v.error(path + ("type",), "an Internal load balancer needs at least one Private subnet")
    if internal and lb.get("useForInternalApi") is True:
        v.error(path + ("useForInternalApi",), "an internal NLB cannot be used for internal API traffic "
                                               "(NLBs do not hairpin)")
    if lb.get("sslPolicy") and not lb.get("sslCertificate"):
        v.error(path + ("sslPolicy",), "sslPolicy needs sslCertificate")
    if isinstance(lb.get("accessLog"), dict) and not lb["accessLog"].get("bucket"):
        v.error(path + ("accessLog",), "accessLog needs a bucket")
    for group, i, first in _duplicates((g, i) for i, g in enumerate(_list(lb.get("additionalSecurityGroups")))):
        v.error(path + ("additionalSecurityGroups", i), f"{group} is listed twice (also [{first}])")
    zones: dict[str, str] = {}
    for i, entry in _dicts(lb.get("subnets")):
        name = _str(entry.get("name"))
        sub = v.subnet(name)
        if sub is None:
            v.error(path + ("subnets", i, "name"),
                    f'subnet "{name}" is not one of the cluster\'s subnets ({_names(s.name for s in v.subnets)})')
        elif sub.zone in zones:
            v.error(path + ("subnets", i, "name"), f'subnet "{name}" is in zone {sub.zone} like subnet '
                                                   f'"{zones[sub.zone]}"; a load balancer takes one subnet per zone')
        else:
            zones[sub.zone] = name
        address = entry.get("privateIPv4Address")
        if address is not None:
            if not internal:
                v.error(path + ("subnets", i, "privateIPv4Address"), "privateIPv4Address is only for Internal "
                                                                     "load balancers")
            elif sub is not None and sub.net is not None:
                try:
                    if ipaddress.ip_address(address) not in sub.net:
                        v.error(path + ("subnets", i, "privateIPv4Address"),
                                f"{address} is not inside subnet \"{name}\" ({sub.net})")
                except ValueError:
                    pass
        if entry.get("allocationId") is not None and internal:
            v.error(path + ("subnets", i, "allocationId"), "allocationId (an Elastic IP) is only for Public "
                                                           "load balancers")


# --- etcd --------------------------------------------------------------------------------
def _check_etcd(v: _Validation) -> None:
    clusters = list(_dicts(v.spec.get("etcdClusters")))
    groups = {g.name: g for g in v.groups}
    for name, i, first in _duplicates((e.get("name"), i) for i, e in clusters if e.get("name")):
        v.error(("spec", "etcdClusters", i, "name"), f'duplicate etcd cluster "{name}" (also spec.etcdClusters[{first}])')
    if clusters and not any(e.get("name") == "main" for _, e in clusters):
        v.error(("spec", "etcdClusters"), 'the etcd cluster "main" is required (it stores the cluster\'s state)')
    versions = [(i, e.get("version")) for i, e in clusters if e.get("version")]
    for i, version in versions[1:]:
        if version != versions[0][1]:
            v.error(("spec", "etcdClusters", i, "version"),
                    f"etcd {version} differs from spec.etcdClusters[{versions[0][0]}] ({versions[0][1]}); "
                    f"all etcd clusters run the same version")
    for i, etcd in clusters:
        path = ("spec", "etcdClusters", i)
        members = list(_dicts(etcd.get("etcdMembers")))
        if len(members) % 2 == 0 and members:
            v.error(path + ("etcdMembers",), f"etcd cluster \"{etcd.get('name')}\" has {len(members)} members; "
                                             f"etcd needs an odd number for a quorum")
        version = _version(etcd.get("version"))
        if version is not None:
            if version[0] != 3:
                v.error(path + ("version",), f"etcd {etcd['version']} is not supported: only etcd 3 is")
            elif not etcd.get("image") and not any(version[:2] == r[:2] and version[2] <= r[2] for r in ETCD_RELEASES):
                v.error(path + ("version",), f"etcd-manager does not ship etcd {etcd['version']} (it has 3.5.0 to "
                                             f"3.5.31, 3.6.0 to 3.6.12 and 3.7.0); set image for another version")
        if etcd.get("image") and not etcd.get("version"):
            v.error(path + ("version",), "version must be set when image is set")
        for name, j, first in _duplicates((m.get("name"), j) for j, m in members if m.get("name")):
            v.error(path + ("etcdMembers", j, "name"), f'duplicate member name "{name}" (also etcdMembers[{first}])')
        for j, member in members:
            group_name = _str(member.get("instanceGroup"))
            group = groups.get(group_name)
            if group is None:
                v.error(path + ("etcdMembers", j, "instanceGroup"),
                        f'instance group "{group_name}" does not exist (control-plane groups: '
                        f'{_names(g.name for g in v.groups if g.role == "ControlPlane")})')
            elif group.role is None:
                pass  # the schema reports the group's role
            elif group.role != "ControlPlane":
                v.error(path + ("etcdMembers", j, "instanceGroup"),
                        f'instance group "{group_name}" has role {group.spec.get("role")}; etcd members run on '
                        f"control-plane groups")
            elif len(zones := _group_zones(v, group)) > 1:
                # the member's volume lives in one zone, and only an instance in that zone can attach it
                v.error(path + ("etcdMembers", j, "instanceGroup"),
                        f'instance group "{group_name}" spans zones {_names(sorted(zones))}; an etcd member\'s '
                        f"group must be in exactly one zone, where its volume is")
            _check_etcd_volume(v, path + ("etcdMembers", j), member)
    for group in v.groups:
        if group.role != "ControlPlane":
            continue
        for _, etcd in clusters:
            hosts = [_str(m.get("instanceGroup")) for _, m in _dicts(etcd.get("etcdMembers"))]
            if group.name not in hosts:
                v.group_error(group, ("metadata", "name"), f"control-plane group \"{group.name}\" has no member in "
                                                           f"etcd cluster \"{etcd.get('name')}\"")


def _group_zones(v: _Validation, group: _Group) -> set[str]:
    """The zones an instance group runs in: its `zones` and the zones of its subnets."""
    by_name = {s.name: s.zone for s in v.subnets}
    zones = {z for z in _list(group.spec.get("zones")) if isinstance(z, str)}
    return zones | {by_name[s] for s in _list(group.spec.get("subnets")) if isinstance(s, str) and by_name.get(s)}


def _check_etcd_volume(v: _Validation, path: SpecPath, m: dict) -> None:
    _check_volume(v.error, path, m.get("volumeType"), m.get("volumeSize"), m.get("volumeIops"),
                  m.get("volumeThroughput"), ("volumeIops", "volumeThroughput"))


def _check_volume(report: Report, path: SpecPath, kind: Any, size: Any, iops: Any, throughput: Any,
                  keys: tuple[str, str]) -> None:
    """The ratios AWS enforces, on the settings the volume will get (spec/volumes.py decides them)."""
    if not isinstance(kind, str) or (iops is not None and _int(iops) is None) \
            or (throughput is not None and _int(throughput) is None):
        return  # the schema reports a value of the wrong type
    iops_problem, throughput_problem = volumes.performance_problems(kind, _int(size), iops, throughput)
    if iops_problem:
        report(path + (keys[0],), iops_problem)
    if throughput_problem:
        report(path + (keys[1],), throughput_problem)


# --- instance groups -----------------------------------------------------------------------
def _check_groups(v: _Validation) -> None:
    for name, group, first in _duplicates((g.name, g) for g in v.groups if g.name):
        where = first.doc.source.start
        also = f"line {where.line}" if where.file == group.doc.source.file else f"{where.file}:{where.line}"
        v.group_error(group, ("metadata", "name"), f'duplicate instance group name "{name}" (also at {also})')
    if any(g.role is None for g in v.groups):
        pass  # a group whose role the schema refused may be the one missing
    elif not any(g.role == "ControlPlane" for g in v.groups):
        v.error(("kind",), "no control-plane instance group (role: Master or ControlPlane) in the input")
    elif not any(g.role and g.role != "ControlPlane" for g in v.groups):
        v.error(("kind",), "no instance group besides the control plane: kops requires at least one "
                           "(role: Node, APIServer or Bastion)")
    utility_or_public = [s for s in v.subnets if s.type in ("Utility", "Public")]
    for g in v.groups:
        _check_group(v, g, utility_or_public)


def _check_group(v: _Validation, g: _Group, utility_or_public: list[_Subnet]) -> None:
    s = g.spec
    err = lambda path, message: v.group_error(g, path, message)  # noqa: E731
    minimum, maximum = s.get("minSize"), s.get("maxSize")
    if isinstance(minimum, int) and isinstance(maximum, int) and minimum > maximum:
        err(("spec", "maxSize"), f"maxSize {maximum} is below minSize {minimum}")
    if g.role == "ControlPlane":
        for key, value in (("minSize", minimum), ("maxSize", maximum)):
            if isinstance(value, int) and value > 1:
                err(("spec", key), f"a control-plane group runs one instance ({key} {value}); add a group per "
                                   f"zone for more")
    if g.role == "APIServer" and v.dns_type == "None":
        err(("spec", "role"), "APIServer groups need DNS: they cannot be used with topology.dns.type None")
    subnets = [x for x in _list(s.get("subnets")) if isinstance(x, str)]
    if not subnets and g.role is not None:  # (without a role, defaults could not choose subnets)
        err(("spec", "subnets") if "subnets" in s else ("spec",),
            "no subnet for this group: name at least one of the cluster's subnets"
            if g.role == "ControlPlane" else "no subnet of the cluster suits this group; set subnets")
    for name, i, first in _duplicates((x, i) for i, x in enumerate(subnets)):
        err(("spec", "subnets", i), f'subnet "{name}" is listed twice')
    own = []
    for i, name in enumerate(subnets):
        sub = v.subnet(name)
        if sub is None:
            err(("spec", "subnets", i), f'subnet "{name}" is not one of the cluster\'s subnets '
                                        f"({_names(x.name for x in v.subnets)})")
        else:
            own.append(sub)
    zones = [x for x in _list(s.get("zones")) if isinstance(x, str)]
    for i, zone in enumerate(zones):
        if own and zone not in {x.zone for x in own}:
            err(("spec", "zones", i), f"zone {zone} has none of this group's subnets "
                                      f"({', '.join(f'{x.name} in {x.zone}' for x in own)})")
    for sub in own:
        if zones and sub.zone not in zones:
            err(("spec", "subnets", subnets.index(sub.name)), f'subnet "{sub.name}" is in zone {sub.zone}, which '
                                                              f"is not in this group's zones ({', '.join(zones)})")
    if g.role == "Bastion" and own and not any(x.zone in {o.zone for o in own} for x in utility_or_public):
        err(("spec", "subnets"), f"a bastion needs a Utility or Public subnet in its zones "
                                 f"({_names(o.zone for o in own)}) for its load balancer")
    _check_taints(v, g)
    _check_labels(v, g, ("spec", "nodeLabels"), s.get("nodeLabels"))
    _check_cloud_labels(lambda p, m: err(p, m), ("spec", "cloudLabels"), s.get("cloudLabels"), g.name)
    _check_group_extras(v, g)


def _check_taints(v: _Validation, g: _Group) -> None:
    for text, i, first in _duplicates((t, i) for i, t in enumerate(_list(g.spec.get("taints")))):
        v.group_error(g, ("spec", "taints", i), f'taint "{text}" is listed twice')
    for i, taint in enumerate(_list(g.spec.get("taints"))):
        problem = _taint_problem(taint)
        if problem:
            v.group_error(g, ("spec", "taints", i), problem)


def _taint_problem(taint: Any) -> str | None:
    if not isinstance(taint, str):
        return None
    head, sep, effect = taint.rpartition(":")
    if not sep:
        return f'taint "{taint}" must look like KEY[=VALUE]:EFFECT, e.g. dedicated=gpu:NoSchedule'
    if effect not in TAINT_EFFECTS:
        return f'taint effect "{effect}" must be one of {", ".join(TAINT_EFFECTS)}'
    key, _, value = head.partition("=")
    problem = _label_key_problem(key)
    if problem:
        return f"taint key {problem}"
    if value and not _LABEL_VALUE.match(value):
        return f'taint value "{value}" must be at most 63 letters, digits, "-", "_" or "."'
    return None


def _label_key_problem(key: str) -> str | None:
    if key.count("/") > 1:
        return f'"{key}" may contain only one "/"'
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return f'"{key}" has a prefix that is not a DNS subdomain'
    if not _LABEL_NAME.match(name):
        return f'"{key}" must be a name of at most 63 letters, digits, "-", "_" or "." (starting and ending ' \
               f"with a letter or digit), with an optional DNS prefix and /"
    return None


def _check_labels(v: _Validation, g: _Group, path: SpecPath, labels: Any) -> None:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        problem = _label_key_problem(key)
        if problem:
            v.group_error(g, path + (key,), f"label key {problem}")
        elif isinstance(value, str) and not _LABEL_VALUE.match(value):
            v.group_error(g, path + (key,), f'label value "{value}" must be at most 63 letters, digits, "-", '
                                            f'"_" or ".", starting and ending with a letter or digit')


def _check_cloud_labels(report: Report, path: SpecPath, labels: Any, group_name: str | None) -> None:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if group_name is not None and key == "kops.k8s.io/instancegroup":
            if value != group_name:
                report(path + (key,), f'must be the group\'s own name "{group_name}"')
            continue
        if key in RESERVED_TAGS:
            report(path + (key,), f'"{key}" is a tag kopsgen sets itself')
        for prefix in RESERVED_TAG_PREFIXES:
            if key.startswith(prefix):
                report(path + (key,), f'tags starting with "{prefix}" are set by kopsgen itself')
        if key.lower().startswith("aws:"):
            report(path + (key,), 'tags starting with "aws:" are reserved for AWS\'s own use')


def _check_instance_requirements(err: Callable[[tuple, str], None], req: object) -> None:
    if not isinstance(req, dict):
        return
    path = ("spec", "mixedInstancesPolicy", "instanceRequirements")
    for resource, whole in (("cpu", True), ("memory", False)):
        limits = req.get(resource)
        if not isinstance(limits, dict):
            continue
        values = {end: units.parse_quantity(limits.get(end)) for end in ("min", "max") if end in limits}
        for end, parsed in values.items():
            # EC2 counts whole vCPUs; kops would silently drop a fraction such as 500m
            if parsed and whole and parsed[0] != parsed[0].to_integral_value():
                err((*path, resource, end), f"{limits[end]} is not a whole number of vCPUs")
        if values.get("min") and values.get("max") and values["min"][0] > values["max"][0]:
            err((*path, resource, "min"), f"min {limits['min']} is above max {limits['max']}")


def _check_group_extras(v: _Validation, g: _Group) -> None:
    s = g.spec
    err = lambda path, message: v.group_error(g, path, message)  # noqa: E731
    for name, i, first in _duplicates((u.get("name"), i) for i, u in _dicts(s.get("additionalUserData"))):
        err(("spec", "additionalUserData", i, "name"), f'duplicate user data part "{name}"')
    for device, i, first in _duplicates((x.get("device"), i) for i, x in _dicts(s.get("volumes"))):
        err(("spec", "volumes", i, "device"), f'device {device} is used twice (also volumes[{first}])')
    for key in ("device", "path"):
        for value, i, first in _duplicates((x.get(key), i) for i, x in _dicts(s.get("volumeMounts"))):
            err(("spec", "volumeMounts", i, key), f"{value} is mounted twice (also volumeMounts[{first}])")
    mip = s.get("mixedInstancesPolicy")
    if isinstance(mip, dict):
        if mip.get("instances") and mip.get("instanceRequirements"):
            # an auto-scaling group takes a list of instance types or requirements that choose them, not both
            err(("spec", "mixedInstancesPolicy", "instanceRequirements"),
                "give either instances or instanceRequirements, not both")
        _check_instance_requirements(err, mip.get("instanceRequirements"))
        base, maximum = mip.get("onDemandBase"), s.get("maxSize")
        if isinstance(base, int) and isinstance(maximum, int) and base > maximum:
            err(("spec", "mixedInstancesPolicy", "onDemandBase"), f"onDemandBase {base} is above maxSize {maximum}")
    for group, i, first in _duplicates((x, i) for i, x in enumerate(_list(s.get("additionalSecurityGroups")))):
        err(("spec", "additionalSecurityGroups", i), f"{group} is listed twice (also [{first}])")
    if s.get("tenancy") in ("dedicated", "host") and _str(s.get("machineType")) in DEDICATED_EXCEPTIONS:
        err(("spec", "tenancy"), f"{s['machineType']} instances cannot run with {s['tenancy']} tenancy")
    if value_at(s, "containerd", "gvisor", "enabled") is True and g.role != "Node":
        err(("spec", "containerd", "gvisor"), "gVisor is only for Node groups")
    warm = s.get("warmPool")
    if isinstance(warm, dict) and warm.get("maxSize") != 0:
        if g.role not in ("Node", "APIServer"):
            err(("spec", "warmPool"), "warm pools are only for Node and APIServer groups")
        if _int(warm.get("maxSize")) is not None and (_int(warm.get("minSize")) or 0) > warm["maxSize"]:
            err(("spec", "warmPool", "maxSize"), f"maxSize {warm['maxSize']} is below minSize {warm.get('minSize')}")
    _check_warm_pool_purchase(v, g)
    lifetime = units.parse_duration(s.get("maxInstanceLifetime"))
    if lifetime is not None and 0 < lifetime < 86_400 * 10**9:
        err(("spec", "maxInstanceLifetime"), "must be at least 24h (or 0 for no limit)")
    _check_rolling_update(lambda p, m: err(p, m), ("spec", "rollingUpdate"), s.get("rollingUpdate"),
                          g.role == "ControlPlane")
    for i, item in enumerate(_list(s.get("sysctlParameters"))):
        if isinstance(item, str) and "=" not in item:
            err(("spec", "sysctlParameters", i), f'"{item}" must look like key=value')
    _check_hooks(lambda p, m: err(p, m), s)
    _check_volume(err, ("spec",), s.get("rootVolumeType"), s.get("rootVolumeSize"), s.get("rootVolumeIops"),
                  s.get("rootVolumeThroughput"), ("rootVolumeIops", "rootVolumeThroughput"))
    for i, volume in _dicts(s.get("volumes")):
        _check_volume(err, ("spec", "volumes", i), volume.get("type"), volume.get("size"), volume.get("iops"),
                      volume.get("throughput"), ("iops", "throughput"))


def _check_warm_pool_purchase(v: _Validation, g: _Group) -> None:
    """AWS refuses a warm pool for a group that launches spot instances (`maxPrice`) or has a mixed
    instances policy (even one of on-demand instances only). The group's warm pool may be its own or the
    Cluster's `spec.warmPool`, which every Node and APIServer group gets unless it says
    `warmPool: {maxSize: 0}`: the problem is reported where the user can fix it."""
    s = g.spec
    own = s.get("warmPool") if isinstance(s.get("warmPool"), dict) else None
    cluster = v.spec.get("warmPool") if isinstance(v.spec.get("warmPool"), dict) else None
    pool = warm_pool_of(WarmPool.from_dict(own) if own is not None else None,
                        WarmPool.from_dict(cluster) if cluster is not None else None, g.role or "")
    if pool is None:
        return
    if s.get("maxPrice") is not None:
        field, what = "maxPrice", "spot instances (maxPrice)"
    elif isinstance(s.get("mixedInstancesPolicy"), dict):
        field, what = "mixedInstancesPolicy", "a mixed instances policy"
    else:
        return
    if own is not None:
        v.group_error(g, ("spec", "warmPool"), f"a warm pool cannot be used with {what}: AWS refuses the two "
                                               f"together")
        return
    where = v.cluster.source.position(("spec", "warmPool"))
    at = f"line {where.line}" if where.file == g.doc.source.file else f"{where.file}:{where.line}"
    v.group_error(g, ("spec", field), f"{what} cannot be used with a warm pool, which this group gets from the "
                                      f"Cluster's spec.warmPool ({at}): AWS refuses the two together; give the "
                                      f"group warmPool: {{maxSize: 0}}")


def _check_rolling_update(report: Report, path: SpecPath, ru: Any, control_plane: bool) -> None:
    if not isinstance(ru, dict):
        return
    unavailable, surge = _int_or_percent(ru.get("maxUnavailable")), _int_or_percent(ru.get("maxSurge"))
    if control_plane and surge not in (None, 0):
        report(path + ("maxSurge",), "control-plane groups cannot surge (their etcd volumes follow the instance)")
    if ru.get("maxSurge") is not None and surge == 0 and unavailable == 0:
        report(path + ("maxSurge",), "maxSurge and maxUnavailable cannot both be 0")


def _int_or_percent(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.match(r"^\d+%$", value):
        return int(value[:-1])
    return None


def _check_hooks(report: Report, spec: dict) -> None:
    for i, hook in _dicts(spec.get("hooks")):
        path = ("spec", "hooks", i)
        if hook.get("disabled") is True:
            continue
        if not hook.get("manifest") and not hook.get("execContainer"):
            report(path, "a hook needs a manifest or an execContainer")
        if hook.get("useRawManifest") is True:
            if hook.get("execContainer"):
                report(path + ("execContainer",), "execContainer cannot be used with useRawManifest")
            for key in ("before", "requires"):
                if hook.get(key):
                    report(path + (key,), f"{key} cannot be used with useRawManifest")


# --- cluster-wide settings -----------------------------------------------------------------
def _check_cluster_settings(v: _Validation) -> None:
    s = v.spec
    _check_cloud_labels(v.error, ("spec", "cloudLabels"), s.get("cloudLabels"), None)
    _check_hooks(v.error, s)
    _check_rolling_update(v.error, ("spec", "rollingUpdate"), s.get("rollingUpdate"), False)
    for i, item in enumerate(_list(s.get("sysctlParameters"))):
        if isinstance(item, str) and "=" not in item:
            v.error(("spec", "sysctlParameters", i), f'"{item}" must look like key=value')
    for i, addon in _dicts(s.get("addons")):
        if _str(addon.get("manifest")).startswith("file://"):
            v.error(("spec", "addons", i, "manifest"), "file:// manifests cannot be read by the cluster; put the "
                                                       "manifest in the state store or on a web server")
    policies = s.get("additionalPolicies")
    for role, text in (policies.items() if isinstance(policies, dict) else ()):
        problem = _policy_problem(text)
        if problem:
            v.error(("spec", "additionalPolicies", role), problem)
    # the form of externalPolicies ARNs is the schema's (iamPolicyArn)
    assets = s.get("assets")
    if isinstance(assets, dict):
        if assets.get("containerProxy") and assets.get("containerRegistry"):
            v.error(("spec", "assets", "containerProxy"), "containerProxy cannot be used with containerRegistry")
        repo = assets.get("fileRepository")
        # the boot script downloads with curl, unsigned: an s3:// repository (kops 1.37) would never answer
        if isinstance(repo, str) and not re.match(r"^https?://[^/]+", repo):
            v.error(("spec", "assets", "fileRepository"), "must be an http:// or https:// URL with a host (kopsgen's "
                                                          "boot script cannot read an s3:// repository)")
    _check_service_accounts(v)
    _check_components(v)
    _check_networking(v)
    _check_addons(v)


def _policy_problem(text: Any) -> str | None:
    """What is wrong with a user-written policy, by the parser the IAM builder uses (so the two agree)."""
    if not isinstance(text, str):
        return None  # the schema reports the type
    try:
        iam_statements.parse_statements(text)
    except ValueError as exc:
        return str(exc)
    return None


def _check_service_accounts(v: _Validation) -> None:
    s = v.spec
    perms = list(_dicts(value_at(s, "iam", "serviceAccountExternalPermissions")))
    for key, i, first in _duplicates((f"{p.get('namespace')}/{p.get('name')}", i) for i, p in perms):
        v.error(("spec", "iam", "serviceAccountExternalPermissions", i), f"service account {key} is listed twice")
    for i, p in perms:
        path = ("spec", "iam", "serviceAccountExternalPermissions", i)
        aws = p.get("aws")
        if isinstance(aws, dict) and bool(aws.get("policyARNs")) == bool(aws.get("inlinePolicy")):
            v.error(path + ("aws",), "set either inlinePolicy or policyARNs (exactly one)")
        inline = aws.get("inlinePolicy") if isinstance(aws, dict) else None
        problem = _policy_problem(inline) if inline else None
        if problem:
            v.error(path + ("aws", "inlinePolicy"), problem)
    said = s.get("serviceAccountIssuerDiscovery")
    if isinstance(said, dict):
        path = ("spec", "serviceAccountIssuerDiscovery")
        store = _str(said.get("discoveryStore"))
        if store and said.get("discoveryService") is not None:
            v.error(path + ("discoveryStore",), "set discoveryStore or discoveryService, not both")
        if store and not store.startswith(("s3://", "memfs://")):
            v.error(path + ("discoveryStore",), "the discovery store must be an S3 bucket (s3://BUCKET/PATH)")
        elif store.startswith("s3://") and "." in store[5:].split("/")[0]:
            v.error(path + ("discoveryStore",), "the bucket name cannot contain dots (its HTTPS name must match "
                                                "the S3 wildcard certificate)")
        if said.get("discoveryService") is not None and not value_at(said, "discoveryService", "url"):
            v.error(path + ("discoveryService",), "discoveryService needs a url")
        if said.get("enableAWSOIDCProvider") is True and not store and said.get("discoveryService") is None:
            v.error(path + ("enableAWSOIDCProvider",), "the AWS OIDC provider needs a discoveryStore or a "
                                                       "discoveryService")
    auth = value_at(s, "authentication", "aws")
    if isinstance(auth, dict):
        if auth.get("identityMappings") and "CRD" not in _str(auth.get("backendMode")):
            v.error(("spec", "authentication", "aws", "backendMode"), "backendMode must include CRD when "
                                                                      "identityMappings are set")
        for i, mapping in _dicts(auth.get("identityMappings")):
            if not re.match(r"^arn:[^:]+:iam::\d{12}:(role|user)/.+", _str(mapping.get("arn"))):
                v.error(("spec", "authentication", "aws", "identityMappings", i, "arn"),
                        "must be an IAM role or user ARN (arn:aws:iam::123456789012:role/NAME)")


def _check_components(v: _Validation) -> None:
    s = v.spec
    api = s.get("kubeAPIServer") if isinstance(s.get("kubeAPIServer"), dict) else {}
    path = ("spec", "kubeAPIServer")
    if (api.get("proxyClientCertFile") is None) != (api.get("proxyClientKeyFile") is None):
        v.error(path, "set both proxyClientCertFile and proxyClientKeyFile, or neither")
    ports = re.match(r"^(\d+)(?:-(\d+)|\+(\d+))?$", _str(api.get("serviceNodePortRange")))
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
        policy = _str(api.get("auditPolicyFile"))
        if not policy:
            v.error(path + ("auditWebhookConfigFile",), "an audit webhook needs auditPolicyFile")
        elif policy.rsplit("/", 1)[0] != _str(api["auditWebhookConfigFile"]).rsplit("/", 1)[0]:
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
    if isinstance(proxy, dict) and proxy.get("master") and not re.match(r"^https?://[^/]+", _str(proxy["master"])):
        v.error(("spec", "kubeProxy", "master"), "must be the API server's URL (https://HOST[:PORT])")
    containerd = s.get("containerd")
    if isinstance(containerd, dict):
        if containerd.get("gvisor") is not None:
            v.error(("spec", "containerd", "gvisor"), "gVisor can only be configured on instance groups")
        version = _version(containerd.get("version"))
        if version is not None and version < (2, 1, 0):
            v.error(("spec", "containerd", "version"), f"containerd {containerd['version']} is too old: kops needs "
                                                       f"2.1.0 or newer")
        for arch in ("Amd64", "Arm64"):
            url, sha = value_at(containerd, "packages", f"url{arch}"), value_at(containerd, "packages", f"hash{arch}")
            if (url is None) != (sha is None):
                v.error(("spec", "containerd", "packages"), f"set both url{arch} and hash{arch}, or neither")
    dns = s.get("kubeDNS")
    if isinstance(dns, dict):
        for domain, servers in _dict(dns.get("stubDomains")).items():
            if not servers:
                v.error(("spec", "kubeDNS", "stubDomains", domain), "needs at least one nameserver")
            for i, server in enumerate(_list(servers)):
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


def _check_networking(v: _Validation) -> None:
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


def _check_cilium(v: _Validation, p: SpecPath, c: dict) -> None:
    version = c.get("version")
    parsed = _version(version.removeprefix("v")) if isinstance(version, str) else None
    if isinstance(version, str) and parsed and parsed[:2] != (1, 18):
        v.error(p + ("version",), f"kops 1.37 supports Cilium 1.18 only (got {version})")
    if c.get("enableNodePort") is True and v.kube_proxy_enabled():
        v.error(("spec", "kubeProxy"), "Cilium's NodePort replaces kube-proxy: set kubeProxy.enabled: false")
    if c.get("identityAllocationMode") == "kvstore" and not c.get("etcdManaged"):
        v.error(p + ("identityAllocationMode",), "kvstore identities need etcdManaged: true")
    if c.get("etcdManaged") is True and not any(e.get("name") == "cilium" for _, e in _dicts(v.spec.get("etcdClusters"))):
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


def _check_addons(v: _Validation) -> None:
    s = v.spec
    needs_cert_manager = (
        (("metricsServer", "enabled"), value_at(s, "metricsServer", "enabled") is True
         and value_at(s, "metricsServer", "insecure") is not True, "a secure metrics server"),
        (("awsLoadBalancerController", "enabled"), value_at(s, "awsLoadBalancerController", "enabled") is True,
         "the AWS Load Balancer Controller"),
        (("snapshotController", "enabled"), value_at(s, "snapshotController", "enabled") is True,
         "the snapshot controller"),
        (("podIdentityWebhook", "enabled"), value_at(s, "podIdentityWebhook", "enabled") is True,
         "the pod identity webhook"),
    )
    for path, enabled, what in needs_cert_manager:
        if enabled and not v.cert_manager():
            v.error(("spec",) + path, f"{what} needs certManager.enabled: true")
    if value_at(s, "certManager", "hostedZoneIDs") and value_at(s, "iam", "useServiceAccountExternalPermissions") is not True:
        v.error(("spec", "certManager", "hostedZoneIDs"), "DNS-01 validation needs "
                                                          "iam.useServiceAccountExternalPermissions: true")
    if value_at(s, "clusterAutoscaler", "expander") == "price":
        v.error(("spec", "clusterAutoscaler", "expander"), "the price expander only works on GCE")
    nth = s.get("nodeTerminationHandler")
    if isinstance(nth, dict) and nth.get("enableSQSTerminationDraining") is True:
        if nth.get("enableSpotInterruptionDraining") is False:
            v.error(("spec", "nodeTerminationHandler", "enableSpotInterruptionDraining"),
                    "spot interruption draining cannot be turned off in queue mode")
        if nth.get("enableRebalanceMonitoring") is True and nth.get("enableRebalanceDraining") is not True:
            v.error(("spec", "nodeTerminationHandler", "enableRebalanceMonitoring"),
                    "in queue mode rebalance events can only drain: set enableRebalanceDraining: true")
    warm = s.get("warmPool")
    if isinstance(warm, dict):
        if _int(warm.get("maxSize")) is not None and (_int(warm.get("minSize")) or 0) > warm["maxSize"]:
            v.error(("spec", "warmPool", "maxSize"), f"maxSize {warm['maxSize']} is below minSize {warm.get('minSize')}")
        if warm.get("additionalImages") and warm.get("maxSize") is not None:
            v.error(("spec", "warmPool", "additionalImages"), "additional images can only be set on instance groups")


# --- CPU architecture of each group ------------------------------------------------------------
def _check_architectures(v: _Validation) -> None:
    """A group runs one image on all its machine types: AWS launches an arm64 (Graviton) type with an
    amd64 image, or the reverse, and the instance never boots. Types come from machineType (a list
    with commas) and mixedInstancesPolicy.instances; the image's architecture from its name."""
    for g in v.groups:
        types: list[tuple[SpecPath, str]] = [(("spec", "machineType"), t.strip())
                                              for t in _str(g.spec.get("machineType")).split(",") if t.strip()]
        types += [(("spec", "mixedInstancesPolicy", "instances", i), t)
                  for i, t in enumerate(_list(value_at(g.spec, "mixedInstancesPolicy", "instances")))
                  if isinstance(t, str)]
        archs = [(path, t, a) for path, t in types if (a := instancetypes.architecture(t))]
        image = _str(g.spec.get("image"))
        wanted = instancetypes.image_architecture(image)
        wrong = [(path, t, a) for path, t, a in archs if wanted and a != wanted]
        if wrong:
            path, machine, arch = wrong[0]
            v.group_error(g, ("spec", "image"),
                          f"image {image} is for {wanted}, but machine type {machine} ({format_path(path)}) is {arch}"
                          f"{' (AWS Graviton)' if arch == 'arm64' else ''}: choose an {arch} image or {wanted} "
                          f"machine types")
        elif len({a for _, _, a in archs}) > 1:
            path, machine, arch = next(x for x in archs if x[2] != archs[0][2])
            v.group_error(g, path, f"{machine} is {arch} but {archs[0][1]} is {archs[0][2]}: a group runs one image, "
                                   f"so all its machine types need the same architecture")


def _check_config_base(v: _Validation) -> None:
    """A relative file:// configBase is refused rather than resolved: relative to the folder kopsgen runs in,
    each folder would get its own files; relative to the spec, the rendered output would hold a path that
    differs on every machine. Neither is readable by nodes anyway (they read S3)."""
    base = v.spec.get("configBase")
    scheme, _, rest = base.partition("://") if isinstance(base, str) else ("", "", "")
    if scheme == "file" and rest and not rest.startswith("/"):
        v.error(("spec", "configBase"),
                f"{base} is relative (to whatever folder kopsgen runs in): use s3://BUCKET/{v.name or 'CLUSTER'} "
                f"for a cluster you apply (nodes read S3), or an absolute file:///DIR/{v.name or 'CLUSTER'} to try "
                f"kopsgen out")
    region = value_at(v.spec, "kopsgen", "configBaseRegion")
    if not isinstance(region, str) or not region:
        return
    if scheme not in ("s3", "memfs"):
        v.error(("spec", "kopsgen", "configBaseRegion"),
                f"is the region of configBase's S3 bucket, but configBase ({base}) is not on S3")
    files_region = value_at(v.spec, "target", "terraform", "filesProviderExtraConfig", "region")
    if isinstance(files_region, str) and files_region != region:
        v.error(("spec", "target", "terraform", "filesProviderExtraConfig", "region"),
                f"{files_region} contradicts spec.kopsgen.configBaseRegion {region}: keep one of them")


CHECKS = (
    _check_cluster_identity,
    _check_network,
    _check_access,
    _check_dns_and_api,
    _check_etcd,
    _check_groups,
    _check_cluster_settings,
    _check_architectures,
    _check_config_base,
)
