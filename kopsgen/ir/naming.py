"""Every resource name, Terraform label, CloudFormation logical ID and tag, decided in one place.

kops's names are kept wherever kops has one, so that a team moving from kops keeps the same
Terraform addresses: the Terraform label of a resource is its kops name with `.` -> `-`,
`/` -> `--` and `:` -> `_` (and a `prefix_` before a leading digit), as kops's writer does.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- Terraform labels


def terraform_label(name: str) -> str:
    if name[:1].isdigit():
        name = f"prefix_{name}"
    return name.replace(".", "-").replace("/", "--").replace(":", "_")


# ---------------------------------------------------------------- network


def vpc(cluster: str) -> str:
    return cluster


def dhcp_options(cluster: str) -> str:
    return cluster


def internet_gateway(cluster: str) -> str:
    return cluster


def egress_only_internet_gateway(cluster: str) -> str:
    return cluster


def public_route_table(cluster: str) -> str:
    return cluster


def private_route_table(zone: str, cluster: str) -> str:
    return f"private-{zone}.{cluster}"


def subnet(subnet_name: str, cluster: str) -> str:
    return f"{subnet_name}.{cluster}"


def route_table_association(subnet_name: str, cluster: str, private: bool) -> str:
    return f"private-{subnet_name}.{cluster}" if private else f"{subnet_name}.{cluster}"


def public_route(destination: str) -> str:
    return f"route-{destination}"


def private_route(zone: str, destination: str) -> str:
    return f"route-private-{zone}-{destination}"


def additional_route(subnet_name: str, destination: str) -> str:
    return f"route-{subnet_name}-{destination}"


def nat_gateway(zone: str, cluster: str) -> str:
    return f"{zone}.{cluster}"


def nat_eip(zone: str, cluster: str) -> str:
    return f"{zone}.{cluster}"


def vpc_cidr_association(cidr: str, cluster: str) -> str:
    return cidr


# ---------------------------------------------------------------- tags

CLUSTER_TAG = "KubernetesCluster"
NAME_TAG = "Name"


def cluster_owned_tag(cluster: str) -> str:
    return f"kubernetes.io/cluster/{cluster}"


def owned_tags(cluster: str, name: str, cloud_labels: dict[str, str] | None = None,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    """Tags of a resource this cluster owns: the spec's cloudLabels, then kops's own tags, then extras."""
    tags = dict(cloud_labels or {})
    tags[CLUSTER_TAG] = cluster
    tags[NAME_TAG] = name
    tags[cluster_owned_tag(cluster)] = "owned"
    if extra:
        tags.update(extra)
    return tags


# ---------------------------------------------------------------- CloudFormation logical IDs

_WELL_KNOWN_CIDRS = {"0.0.0.0/0": "AnyIPv4", "::/0": "AnyIPv6", "64:ff9b::/96": "NAT64"}


def logical_id(kind: str, name: str) -> str:
    """A readable, stable CloudFormation logical ID: the kind, then the name in CamelCase.

    `Subnet` + `us-east-1a.example.com` -> `SubnetUsEast1aExampleCom`;
    well-known CIDRs read as words (`route-0.0.0.0/0` -> `RouteRouteAnyIPv4`), other CIDRs
    keep their digits (`10.1.0.0/16` -> `10x1x0x0s16`), so distinct names stay distinct.
    """
    for cidr, word in _WELL_KNOWN_CIDRS.items():
        name = name.replace(cidr, f"-{word}-")
    name = re.sub(r"(\d)\.(?=\d)", r"\1x", name)   # dots between digits: CIDRs, versions
    name = re.sub(r"(\d)/(\d)", r"\1s\2", name)     # prefix lengths
    words = re.split(r"[^A-Za-z0-9]+", name)
    camel = "".join(w[:1].upper() + w[1:] for w in words if w)
    return f"{kind}{camel}"[:255]
