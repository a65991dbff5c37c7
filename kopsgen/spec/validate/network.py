"""The VPC and its address ranges: network CIDRs, the cluster's internal ranges, subnets (zones,
CIDRs, egress and routes) and the NAT gateways private subnets need."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Iterator

from kopsgen.spec import regions
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.api.network import region_of_zone
from kopsgen.spec.validate.common import Network, Subnet, Validation, check_cidr, dicts_of, duplicates, list_of, text_of


def check_network(v: Validation) -> None:
    s = v.spec
    if s.get("networkID") and not s.get("networkCIDR"):
        v.error(("spec", "networkID"), "networkCIDR is needed with networkID: kops asks AWS for the VPC's CIDR, "
                                       "kopsgen does not call AWS")
    if s.get("networkCIDR") is not None:
        check_cidr(v, ("spec", "networkCIDR"), s["networkCIDR"], 4, "networkCIDR")
    for i, text in enumerate(list_of(s.get("additionalNetworkCIDRs"))):
        net = check_cidr(v, ("spec", "additionalNetworkCIDRs", i), text, 4, "additionalNetworkCIDRs")
        for field, other in v.network_cidrs():
            if net is not None and field != f"additionalNetworkCIDRs[{i}]" and net.overlaps(other) \
                    and (field == "networkCIDR" or int(field.split("[")[1][:-1]) < i):
                v.error(("spec", "additionalNetworkCIDRs", i), f"{net} overlaps {field} ({other})")
    non_masquerade = check_cidr(v, ("spec", "nonMasqueradeCIDR"), s.get("nonMasqueradeCIDR"))
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
        pod = check_cidr(v, ("spec", "podCIDR"), s["podCIDR"])
        if pod is not None and non_masquerade is not None and not _within(pod, non_masquerade):
            v.error(("spec", "podCIDR"), f"podCIDR {pod} must be inside nonMasqueradeCIDR {non_masquerade}")
    service = None
    if s.get("serviceClusterIPRange") is not None:
        service = check_cidr(v, ("spec", "serviceClusterIPRange"), s["serviceClusterIPRange"])
    cluster_cidr = value_at(s, "kubeControllerManager", "clusterCIDR")
    if cluster_cidr and ("spec", "kubeControllerManager", "clusterCIDR") in v.cluster.source.positions:
        # (when defaulted it is podCIDR, checked above)
        net = check_cidr(v, ("spec", "kubeControllerManager", "clusterCIDR"), cluster_cidr)
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


def _check_subnets(v: Validation, pod: Network | None, service: Network | None) -> None:
    networks = v.network_cidrs()
    for name, sub, first in duplicates((s.name, s) for s in v.subnets if s.name):
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


def _check_subnet_cidrs(v: Validation, sub: Subnet, networks: list[tuple[str, Network]],
                        pod: Network | None, service: Network | None) -> None:
    cidr, ipv6 = sub.spec.get("cidr"), sub.spec.get("ipv6CIDR")
    if cidr:
        net = check_cidr(v, sub.path("cidr"), cidr, 4, "a subnet's cidr")
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
            net6 = check_cidr(v, sub.path("ipv6CIDR"), ipv6, 6, "ipv6CIDR")
            if net6 is not None and service is not None and net6.overlaps(service):
                v.error(sub.path("ipv6CIDR"), f"subnet {net6} overlaps serviceClusterIPRange {service}")
    elif v.ipv6:
        v.error(sub.path(), "an IPv6 cluster (nonMasqueradeCIDR ::/0) needs an ipv6CIDR on every subnet "
                            "(e.g. /64#0 for a block of the VPC's IPv6 range)")
    if sub.type == "DualStack" and not v.ipv6:
        v.error(sub.path("type"), "DualStack subnets are only for IPv6 clusters (nonMasqueradeCIDR ::/0)")


def _check_subnet_egress(v: Validation, sub: Subnet, networks: list[tuple[str, Network]]) -> None:
    egress = text_of(sub.spec.get("egress"))
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
    for i, route in dicts_of(routes):
        net = check_cidr(v, sub.path("additionalRoutes", i, "cidr"), route.get("cidr"))
        if net is None:
            continue
        if str(net) in seen:
            v.error(sub.path("additionalRoutes", i, "cidr"), f"route to {net} repeats {seen[str(net)]}")
        seen.setdefault(str(net), f"route {i}")
        target = text_of(route.get("target"))
        if target.startswith("pcx-") and any(n.overlaps(net) for _, n in networks):
            v.error(sub.path("additionalRoutes", i, "target"),
                    f"a peering connection cannot take traffic for {net}, which is inside the VPC")


def _check_private_egress(v: Validation) -> None:
    """A private subnet without egress gets a NAT gateway, which lives in its zone's Utility subnet."""
    utility_zones = {s.zone for s in v.subnets if s.type == "Utility"}
    for sub in v.subnets:
        egress = text_of(sub.spec.get("egress"))
        needs_nat = not egress or egress.startswith("eipalloc-")
        if sub.type == "Private" and needs_nat and not sub.spec.get("id") and sub.zone not in utility_zones:
            v.error(sub.path("type"), f'private subnet "{sub.name}" needs a Utility subnet in zone {sub.zone} '
                                      f"for its NAT gateway (or set egress)")
