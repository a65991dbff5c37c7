"""Security groups of the control plane and the nodes, and the rules between them and the outside.

The rules are kops's, one for one, under kops's names (so Terraform addresses carry over), with
one addition kops does not make: every rule says in its description why it exists.

Between nodes and the control plane, nodes may reach everything except etcd: TCP 2380-2381
(peers) and 4001-4002 (clients) stay closed to them, as do the ports of any other etcd kops runs
(leases, cilium's). The load balancer and bastion builders add the rules for their own groups with
the helpers here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable

from kopsgen.ir import naming
from kopsgen.ir.base import External, Link, Ref
from kopsgen.ir.firewall import ALL_PROTOCOLS, EGRESS, INGRESS, SecurityGroup, SecurityGroupRule
from kopsgen.model.context import ModelContext
from kopsgen.spec import api

ANY_IPV4 = "0.0.0.0/0"
ANY_IPV6 = "::/0"
PREFIX_LIST = "pl-"
IPIP = "4"  # IP protocol number of IP-in-IP (Calico's and kube-router's overlay)

# Ports kops keeps nodes away from on the control plane (pkg/wellknownports).
ETCD_MAIN_PEER, ETCD_EVENTS_PEER, ETCD_MAIN_CLIENT, ETCD_EVENTS_CLIENT = 2380, 2381, 4001, 4002
ETCD_LEASES_PEER, ETCD_LEASES_CLIENT = 2383, 4004
ETCD_CILIUM_PEER = 2382

SSH = 22
HTTPS = 443
ICMPV6_PACKET_TOO_BIG = (2, 0)   # (type, code), as a rule's from/to ports

# kops's group name prefix, group description and our word for each role's people-facing name
_ROLE_GROUPS = {
    api.ROLE_CONTROL_PLANE: ("masters", "Security group for masters", "control plane"),
    api.ROLE_NODE: ("nodes", "Security group for nodes", "nodes"),
    api.ROLE_BASTION: ("bastion", "Security group for bastion", "bastion"),
}
# kops's output names (`<role>_security_group_ids`); API server groups run in the control plane's group
_OUTPUT_ROLE = {api.ROLE_CONTROL_PLANE: "master", api.ROLE_API_SERVER: "apiserver", api.ROLE_NODE: "node",
                api.ROLE_BASTION: "bastion"}


@dataclass(frozen=True)
class Group:
    """A security group a rule is attached to or admits: one the cluster owns, or an existing one."""

    name: str       # kops's name for it, used in generated rule names
    suffix: str     # "-<sg-id>" for an instance group's securityGroupOverride, else "" (kops's rule-name suffix)
    link: Link
    label: str      # how descriptions speak of it

    @property
    def owned(self) -> bool:
        return isinstance(self.link, Ref)


@dataclass(frozen=True)
class Address:
    """An address range a rule admits: an IPv4 or IPv6 CIDR, or a managed prefix list (`pl-…`)."""

    value: str
    name_part: str  # how it appears in kops's generated rule names

    @property
    def is_prefix_list(self) -> bool:
        return self.value.startswith(PREFIX_LIST)

    @property
    def is_ipv6(self) -> bool:
        return not self.is_prefix_list and ipaddress.ip_network(self.value, strict=False).version == 6

    @property
    def is_ipv4(self) -> bool:
        return not self.is_prefix_list and not self.is_ipv6


Peer = Group | Address


def addresses(values: Iterable[str]) -> list[Address]:
    """The distinct addresses of an access list, each with the text kops puts for it in rule names.

    kops writes a prefix list as `0.0.0.0/0` in the names it generates. Where that would give two
    rules of one list the same name (two prefix lists, or one beside 0.0.0.0/0) we name prefix
    lists by their own ID instead: a deliberate difference, since kops would fail on the clash.
    """
    unique = list(dict.fromkeys(values))
    clash = sum(1 for v in unique if v.startswith(PREFIX_LIST) or v == ANY_IPV4) > 1
    return [Address(v, ANY_IPV4 if v.startswith(PREFIX_LIST) and not clash else v) for v in unique]


def role_groups(ctx: ModelContext, role: str) -> list[Group]:
    """The security groups of a role, as kops lists them: every distinct `securityGroupOverride` of
    the role's instance groups, then the role's own group if any instance group of the role uses it."""
    prefix, _, word = _ROLE_GROUPS[role]
    groups: list[Group] = []
    uses_own = False
    seen: set[str] = set()
    for ig in ctx.spec.instance_groups:
        if ig.role != role:
            continue
        override = ig.security_group_override
        if override is None:
            uses_own = True
        elif override not in seen:
            seen.add(override)
            groups.append(Group(naming.override_security_group(override, role), f"-{override}",
                                External(override), f"{word} group {override}"))
    if uses_own:
        name = naming.security_group(prefix, ctx.name)
        groups.append(Group(name, "", Ref(SecurityGroup, name), word))
    return groups


def security_groups_of(ctx: ModelContext, ig: api.InstanceGroup) -> tuple[Link, ...]:
    """The groups an instance group's instances are in, in kops's order: its override or its role's
    group, the API load balancer's additional groups (for instances running an API server), then
    the instance group's own additional groups."""
    if ig.security_group_override:
        own: Link = External(ig.security_group_override)
    else:
        role = api.ROLE_CONTROL_PLANE if ig.role == api.ROLE_API_SERVER else ig.role
        own = Ref(SecurityGroup, naming.security_group(_ROLE_GROUPS[role][0], ctx.name))
    extra: list[str] = []
    lb = ctx.cluster.api_load_balancer
    if lb is not None and ig.role in (api.ROLE_CONTROL_PLANE, api.ROLE_API_SERVER):
        extra.extend(lb.additional_security_groups)
    extra.extend(ig.additional_security_groups)
    return (own, *(External(g) for g in dict.fromkeys(extra)))


def add_security_group(ctx: ModelContext, name: str, description: str, label: str) -> Group:
    ctx.graph.add(SecurityGroup(name=name, vpc=ctx.vpc(), description=description, tags=ctx.tags(name)))
    return Group(name, "", Ref(SecurityGroup, name), label)


def add_rule(ctx: ModelContext, group: Group, peer: Peer, *, description: str, protocol: str = ALL_PROTOCOLS,
             ports: tuple[int, int] | None = None, egress: bool = False, name: str | None = None) -> None:
    """One rule on `group`. Without a `name` it gets the name kops generates from its ends."""
    direction = EGRESS if egress else INGRESS
    if name is None:
        peer_name = peer.name if isinstance(peer, Group) else peer.name_part
        from_port, to_port = ports or (0, 0)
        word = "all" if protocol == ALL_PROTOCOLS else protocol
        source, target = (group.name, peer_name) if egress else (peer_name, group.name)
        name = naming.security_group_rule(source, direction, word, from_port, to_port, target)
    peer_fields: dict = {}
    if isinstance(peer, Group):
        peer_fields["source_group"] = peer.link
    elif peer.is_prefix_list:
        peer_fields["prefix_list_id"] = peer.value
    elif peer.is_ipv6:
        peer_fields["ipv6_cidr_block"] = peer.value
    else:
        peer_fields["cidr_block"] = peer.value
    ctx.graph.add(SecurityGroupRule(
        name=name, group=group.link, direction=direction, protocol=protocol, description=description,
        from_port=ports[0] if ports else None, to_port=ports[1] if ports else None, **peer_fields))


def add_egress_anywhere(ctx: ModelContext, group: Group) -> None:
    for address in addresses([ANY_IPV4, ANY_IPV6]):
        add_rule(ctx, group, address, egress=True,
                 description=f"all outbound {'IPv6' if address.is_ipv6 else 'IPv4'} traffic from the {group.label}")


def add_path_mtu_rules(ctx: ModelContext, group: Group, address: Address, lb_word: str, what: str) -> None:
    """The ICMP rules kops adds beside each load balancer listener rule, so that path MTU discovery
    works through the NLB: ICMP types 3-4 for IPv4 (destination unreachable, which carries
    "fragmentation needed", and source quench), ICMPv6 "packet too big" (type 2, code 0) for IPv6;
    a prefix list may hold either, so it gets both. kops admits every ICMPv6 type from these
    addresses; only packet-too-big serves path MTU discovery (a deliberate difference)."""
    if not address.is_ipv4:
        add_rule(ctx, group, address, protocol="icmpv6", ports=ICMPV6_PACKET_TOO_BIG,
                 name=naming.pmtu_rule("icmpv6", lb_word, address.value),
                 description=f"ICMPv6 from {address.value} to the {what}, for path MTU discovery")
    if not address.is_ipv6:
        add_rule(ctx, group, address, protocol="icmp", ports=(3, 4),
                 name=naming.pmtu_rule("icmp", lb_word, address.value),
                 description=f"ICMP unreachable from {address.value} to the {what}, for path MTU discovery")


def uses_ssh_bastion(ctx: ModelContext) -> bool:
    return bool(ctx.spec.bastion_groups)


# ---------------------------------------------------------------- the builder


def build_firewall(ctx: ModelContext) -> None:
    nodes = role_groups(ctx, api.ROLE_NODE)
    masters = role_groups(ctx, api.ROLE_CONTROL_PLANE)
    for role, groups in ((api.ROLE_NODE, nodes), (api.ROLE_CONTROL_PLANE, masters)):
        for group in groups:
            if group.owned:
                add_security_group(ctx, group.name, _ROLE_GROUPS[role][1], group.label)
    _cluster_rules(ctx, nodes, masters)
    _node_to_control_plane_rules(ctx, nodes, masters)
    _external_access_rules(ctx, nodes, masters)
    for role in _OUTPUT_ROLE:
        _security_group_output(ctx, role)


def _cluster_rules(ctx: ModelContext, nodes: list[Group], masters: list[Group]) -> None:
    for group in nodes + masters:
        add_egress_anywhere(ctx, group)
    for source in nodes:
        for target in nodes:
            add_rule(ctx, target, source, description=f"all traffic from the {source.label} to the {target.label}")
    for source in masters:
        for target in masters + nodes:
            add_rule(ctx, target, source, description=f"all traffic from the {source.label} to the {target.label}")


def _node_to_control_plane_rules(ctx: ModelContext, nodes: list[Group], masters: list[Group]) -> None:
    cluster = ctx.cluster
    networking = cluster.networking
    for master in masters:
        for node in nodes:
            what = f"from the {node.label} to the {master.label}"
            add_rule(ctx, master, node, protocol="udp", ports=(1, 65535), description=f"all UDP {what}")
            for first, last in node_tcp_ranges(ctx):
                add_rule(ctx, master, node, protocol="tcp", ports=(first, last),
                         description=f"TCP {first}-{last} {what}; etcd ports stay closed to nodes")
            if networking.kind in ("calico", "kuberouter"):
                add_rule(ctx, master, node, protocol=IPIP,
                         description=f"IP-in-IP (protocol 4) {what}, the {networking.kind} overlay")
            if networking.kind == "amazonvpc":
                # Pods have VPC addresses and the instance's groups, so pod traffic is node traffic. kops
                # opens all traffic here, etcd included; we add only what TCP and UDP above do not
                # cover: ICMP and ICMPv6 (a deliberate difference, etcd stays closed to pods too).
                for icmp in ("icmp", "icmpv6"):
                    add_rule(ctx, master, node, protocol=icmp, ports=(-1, -1),
                             description=f"all {icmp.upper()} {what}, for Amazon VPC CNI pods")


def node_tcp_ranges(ctx: ModelContext) -> list[tuple[int, int]]:
    """TCP port ranges nodes may open on the control plane: everything but the etcd ports."""
    blocked = {ETCD_MAIN_PEER, ETCD_EVENTS_PEER, ETCD_MAIN_CLIENT, ETCD_EVENTS_CLIENT}
    if any(etcd.name == "leases" for etcd in ctx.cluster.etcd_clusters):
        blocked |= {ETCD_LEASES_PEER, ETCD_LEASES_CLIENT}
    if cilium_manages_etcd(ctx):
        blocked.add(ETCD_CILIUM_PEER)
    ranges: list[tuple[int, int]] = []
    start = 1  # the first port of the range being gathered
    for port in sorted(blocked):
        if port > start:
            ranges.append((start, port - 1))
        start = port + 1
    if start <= 65535:
        ranges.append((start, 65535))
    return ranges


def cilium_manages_etcd(ctx: ModelContext) -> bool:
    networking = ctx.cluster.networking
    return networking.kind == "cilium" and bool(networking.cilium.etcd_managed)


def _external_access_rules(ctx: ModelContext, nodes: list[Group], masters: list[Group]) -> None:
    cluster = ctx.cluster
    if not uses_ssh_bastion(ctx):
        # with a bastion, SSH reaches instances only through it (see bastion.py)
        for address in addresses(cluster.ssh_access):
            for group in masters + nodes:
                add_rule(ctx, group, address, protocol="tcp", ports=(SSH, SSH),
                         description=f"SSH from {address.value} (sshAccess) to the {group.label}")
    first, last = cluster.service_node_port_range
    for address in addresses(cluster.node_port_access):
        for group in nodes:
            for protocol in ("tcp", "udp"):
                add_rule(ctx, group, address, protocol=protocol, ports=(first, last),
                         name=naming.nodeport_rule(protocol, address.value, group.suffix),
                         description=f"NodePort services ({protocol.upper()} {first}-{last}) from "
                                     f"{address.value} (nodePortAccess) to the {group.label}")
    if cluster.api_load_balancer is None:
        # no load balancer: clients reach the API servers directly
        for address in addresses(cluster.kubernetes_api_access):
            for group in masters:
                add_rule(ctx, group, address, protocol="tcp", ports=(HTTPS, HTTPS),
                         description=f"Kubernetes API from {address.value} (kubernetesApiAccess) "
                                     f"to the {group.label}")


def _security_group_output(ctx: ModelContext, role: str) -> None:
    """`<role>_security_group_ids`: every group the role's instances are in, as kops lists them
    (existing groups by ID first, then the cluster's own)."""
    existing: set[str] = set()
    owned: set[str] = set()
    for ig in ctx.spec.instance_groups:
        if ig.role != role:
            continue
        for link in security_groups_of(ctx, ig):
            if isinstance(link, External):
                existing.add(link.id)
            else:
                owned.add(link.name)
    if existing or owned:
        ctx.graph.output(f"{_OUTPUT_ROLE[role]}_security_group_ids",
                         (*(External(i) for i in sorted(existing)), *(Ref(SecurityGroup, n) for n in sorted(owned))))
