"""Fill a cluster spec the way kops fills it, so `get cluster --full` shows what will be built.

Defaults work on the plain document data (never on the typed view), only ever add what is
missing, and are idempotent: applying them to their own output changes nothing. They run
after the schema check, so types are right, but before semantic validation, so they must
tolerate specs that validation will still reject (missing subnets, bad CIDRs, ...).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kopsgen.spec.documents import SpecDocuments

DEFAULT_NETWORK_CIDR = "172.20.0.0/16"
DEFAULT_NON_MASQUERADE_CIDR = "100.64.0.0/10"

# Root volume sizes (GiB) by role, as kops's model uses them.
ROOT_VOLUME_SIZE = {"ControlPlane": 64, "Master": 64, "Node": 128, "APIServer": 128, "Bastion": 32}
ROOT_VOLUME_TYPE = "gp3"
GP3_IOPS = 3000
GP3_THROUGHPUT = 125
ETCD_VOLUME_SIZE = 20
DEFAULT_MIN_MAX = {"ControlPlane": 1, "Master": 1, "Bastion": 1, "Node": 2, "APIServer": 2}


def _set(d: dict, key: str, value: Any) -> Any:
    """`d[key]` if present, else set it to `value`; returns the result (like dict.setdefault, but None counts as absent)."""
    if d.get(key) is None:
        d[key] = value
    return d[key]


def apply_defaults(docs: SpecDocuments) -> SpecDocuments:
    """A completed copy of `docs`; the input is left untouched."""
    full = docs.copy()
    cluster = full.cluster.data
    spec = _set(cluster, "spec", {})
    if not isinstance(spec, dict):
        return full
    _cluster_defaults(cluster, spec)
    for ig in full.instance_groups:
        if isinstance(ig.data.get("spec"), dict):
            _instance_group_defaults(ig.data, ig.data["spec"], spec)
    return full


def _cluster_defaults(cluster: dict, spec: dict) -> None:
    name = (cluster.get("metadata") or {}).get("name") or ""
    _set(spec, "cloudProvider", "aws")
    if not spec.get("networkID"):
        _set(spec, "networkCIDR", DEFAULT_NETWORK_CIDR)
    non_masquerade = _set(spec, "nonMasqueradeCIDR", DEFAULT_NON_MASQUERADE_CIDR)
    service_range, pod_cidr = _carve_cluster_ranges(non_masquerade)
    if service_range:
        _set(spec, "serviceClusterIPRange", service_range)
    if pod_cidr:
        _set(spec, "podCIDR", pod_cidr)
    if name:
        _set(spec, "masterPublicName", f"api.{name}")
        _set(spec, "masterInternalName", f"api.internal.{name}")
    topology = _set(spec, "topology", {})
    if isinstance(topology, dict):
        dns = _set(topology, "dns", {})
        if isinstance(dns, dict):
            _set(dns, "type", "Public")
    for etcd in spec.get("etcdClusters") or ():
        if not isinstance(etcd, dict):
            continue
        for member in etcd.get("etcdMembers") or ():
            if isinstance(member, dict):
                _set(member, "volumeType", "gp3")
                _set(member, "volumeSize", ETCD_VOLUME_SIZE)
                if member.get("volumeType") == "gp3":
                    _set(member, "volumeIops", GP3_IOPS)
                    _set(member, "volumeThroughput", GP3_THROUGHPUT)
                _set(member, "encryptedVolume", True)


def _carve_cluster_ranges(non_masquerade: Any) -> tuple[str | None, str | None]:
    """Service range and pod CIDR inside the non-masquerade CIDR, as kops carves them (IPv4 only)."""
    try:
        net = ipaddress.ip_network(non_masquerade, strict=False)
    except (TypeError, ValueError):
        return None, None
    if net.version != 4:
        return None, None
    if net.prefixlen > 13:
        return None, None
    service = next(net.subnets(new_prefix=13)) if net.prefixlen <= 13 else None
    # kops puts pods in the second half of the range: 100.96.0.0/11 inside 100.64.0.0/10
    pods = list(net.subnets(new_prefix=net.prefixlen + 1))[1] if net.prefixlen < 11 else None
    pod = next(pods.subnets(new_prefix=11)) if pods is not None and pods.prefixlen <= 11 else None
    return (str(service) if service else None), (str(pod) if pod else None)


def _instance_group_defaults(ig: dict, spec: dict, cluster_spec: dict) -> None:
    role = spec.get("role")
    if role == "Master":
        spec["role"] = role = "ControlPlane"
    if role not in ROOT_VOLUME_SIZE:
        return
    _set(spec, "minSize", DEFAULT_MIN_MAX[role])
    _set(spec, "maxSize", max(DEFAULT_MIN_MAX[role], spec["minSize"]) if isinstance(spec["minSize"], int)
         else DEFAULT_MIN_MAX[role])
    _set(spec, "rootVolumeSize", ROOT_VOLUME_SIZE[role])
    volume_type = _set(spec, "rootVolumeType", ROOT_VOLUME_TYPE)
    if volume_type == "gp3":
        _set(spec, "rootVolumeIops", GP3_IOPS)
        _set(spec, "rootVolumeThroughput", GP3_THROUGHPUT)
    _set(spec, "rootVolumeEncryption", True)
    metadata = _set(spec, "instanceMetadata", {})
    if isinstance(metadata, dict):
        _set(metadata, "httpTokens", "required")
        _set(metadata, "httpPutResponseHopLimit", 1)
    if not spec.get("subnets") and role != "ControlPlane":
        subnets = [s for s in cluster_spec.get("subnets") or () if isinstance(s, dict)]
        chosen = [s.get("name") for s in subnets if s.get("type") not in ("DualStack", "Utility")] or \
                 [s.get("name") for s in subnets if s.get("type") != "Utility"]
        if role == "Bastion":
            chosen = [s.get("name") for s in subnets if s.get("type") in ("Utility", "Public")] or chosen
        if chosen:
            spec["subnets"] = [c for c in chosen if isinstance(c, str)]
