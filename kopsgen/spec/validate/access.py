"""How the cluster is reached: access lists, DNS, the API's load balancer, the bastion's name."""

from __future__ import annotations

import ipaddress

from kopsgen.spec.api.fields import value_at
from kopsgen.spec.validate.common import Validation, check_cidr, dicts_of, duplicates, list_of, names_of, text_of


def check_access(v: Validation) -> None:
    for key in ("sshAccess", "kubernetesApiAccess", "nodePortAccess"):
        for i, item in enumerate(list_of(v.spec.get(key))):
            if isinstance(item, str) and item.startswith("pl-"):
                continue
            check_cidr(v, ("spec", key, i), item)


def _check_bastion_name(v: Validation) -> None:
    """The bastion's DNS record must not take a name the API already publishes."""
    bastion_name = value_at(v.spec, "topology", "bastion", "bastionPublicName")
    if not isinstance(bastion_name, str):
        return
    taken = {text_of(v.spec.get("masterPublicName")) or f"api.{v.name}": "the API's public name",
             text_of(v.spec.get("masterInternalName")) or f"api.internal.{v.name}": "the API's internal name"}
    meaning = taken.get(bastion_name.rstrip(".").lower())
    if meaning:
        v.error(("spec", "topology", "bastion", "bastionPublicName"),
                f"{bastion_name} is {meaning}; give the bastion a name of its own")


def check_dns_and_api(v: Validation) -> None:
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
    for group, i, first in duplicates((g, i) for i, g in enumerate(list_of(lb.get("additionalSecurityGroups")))):
        v.error(path + ("additionalSecurityGroups", i), f"{group} is listed twice (also [{first}])")
    zones: dict[str, str] = {}
    for i, entry in dicts_of(lb.get("subnets")):
        name = text_of(entry.get("name"))
        sub = v.subnet(name)
        if sub is None:
            v.error(path + ("subnets", i, "name"),
                    f'subnet "{name}" is not one of the cluster\'s subnets ({names_of(s.name for s in v.subnets)})')
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
