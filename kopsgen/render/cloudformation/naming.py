"""CloudFormation logical IDs, derived from a resource's kops name (kopsgen/ir/naming.py).

A logical ID is the kind's prefix and the resource's name in CamelCase, without the cluster
name (a stack holds one cluster): `Subnet` + `us-east-1a.minimal.example.com` -> `SubnetUsEast1a`.
It depends on nothing but the kind and the name, so a growing spec never renames what exists.
CamelCase loses the separators (`nodes-1a` and `nodes1a` read the same): `unique_logical_ids`
finds such collisions and gives every member of a colliding set a suffix hashed from its own
kind and name, which does not depend on the order in which resources were made.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Iterable

_MAX_ID = 255   # CloudFormation's limit on a logical ID
_HASH_LEN = 6   # hex digits of the collision suffix (grown if ever not enough)

# Whole CIDRs that read better as a word; any other CIDR keeps its digits.
_WELL_KNOWN_CIDRS = {"0.0.0.0/0": "AnyIPv4", "::/0": "AnyIPv6", "64:ff9b::/96": "Nat64"}


def _camel(text: str) -> str:
    for cidr, word in _WELL_KNOWN_CIDRS.items():
        text = re.sub(rf"(?<![0-9A-Za-z:.]){re.escape(cidr)}(?![0-9])", f"-{word}-", text)
    text = re.sub(r"(\d)\.(?=\d)", r"\1x", text)   # dots between digits (addresses, versions) stay visible
    text = re.sub(r"(\d)/(?=\d)", r"\1s", text)     # so do prefix lengths: 10.1.0.0/16 -> 10x1x0x0s16
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", text) if w)


def _without_cluster(name: str, cluster: str) -> str:
    # Only a dotted (DNS) cluster name is removed: a one-word cluster name could equal a word of
    # the name itself (an etcd member `a`), and dropping that would make the ID unreadable.
    if not cluster or "." not in cluster:
        return name
    for spelling in (cluster, cluster.replace(".", "-")):   # kops also writes it with dashes (queue names)
        name = re.sub(rf"(?<![0-9A-Za-z]){re.escape(spelling)}(?![0-9A-Za-z])", "-", name)
    return name


@lru_cache(maxsize=65536)  # asked for again at every reference to the resource (5 times each, typically)
def logical_id(kind: str, name: str, cluster: str = "") -> str:
    """The readable CloudFormation logical ID of a resource (before collisions are resolved).

    `kind` is the ID prefix of the resource's kind (`Subnet`, `SecurityGroupRule`); a name that
    starts with the prefix's last word does not repeat it (`Route` + `route-0.0.0.0/0` ->
    `RouteAnyIPv4`, not `RouteRouteAnyIPv4`).
    """
    camel = _camel(_without_cluster(name, cluster))
    last_word = (re.findall(r"[A-Z][a-z0-9]*", kind)[-1:] or [""])[0]
    rest = camel[len(last_word):]
    if last_word and camel.startswith(last_word) and rest[:1] and (rest[0].isupper() or rest[0].isdigit()):
        camel = rest
    return _shorten(f"{kind}{camel}")


def _digest(*parts: str, length: int = _HASH_LEN) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:length].upper()


def _shorten(logical: str) -> str:
    if len(logical) <= _MAX_ID:
        return logical
    return logical[:_MAX_ID - _HASH_LEN] + _digest(logical)


def unique_logical_ids(wanted: Iterable[tuple[str, str]], cluster: str = "") -> dict[tuple[str, str], str]:
    """Logical IDs for (prefix, name) pairs, unique even ignoring case.

    Each pair gets its readable ID; the members of a set of pairs whose readable IDs are the
    same (ignoring case, as people do) each get a hash of their own prefix and name appended.
    The result does not depend on the order of `wanted`.
    """
    pairs = sorted(set(wanted))
    ids = {pair: logical_id(pair[0], pair[1], cluster) for pair in pairs}
    length = _HASH_LEN
    while True:
        by_id: dict[str, list[tuple[str, str]]] = {}
        for pair, lid in ids.items():
            by_id.setdefault(lid.lower(), []).append(pair)
        clashes = [group for group in by_id.values() if len(group) > 1]
        if not clashes:
            return ids
        for group in clashes:
            for pair in group:
                base = logical_id(pair[0], pair[1], cluster)
                ids[pair] = base[:_MAX_ID - length] + _digest(pair[0], pair[1], length=length)
        length += 2   # a suffixed ID that still clashes (astronomically rare) gets a longer suffix


def output_id(output: str) -> str:
    """The logical ID of a stack Output, from the Graph output name (`subnet_us-east-1a_id` -> `SubnetUsEast1aId`)."""
    return _shorten(_camel(output))


def export_name(output: str) -> str:
    """The part of an export name after the stack name (`subnet_us-east-1a_id` -> `subnet-us-east-1a-id`)."""
    return re.sub(r"[^A-Za-z0-9:-]+", "-", output).strip("-")

