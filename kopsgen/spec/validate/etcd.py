"""The etcd clusters: names, versions, members on control-plane groups of one zone, member volumes."""

from __future__ import annotations

from kopsgen.spec.source import SpecPath
from kopsgen.spec.validate.common import Group, Validation, dicts_of, duplicates, list_of, names_of, text_of, version_of
from kopsgen.spec.validate.shared import check_volume

ETCD_RELEASES = ((3, 5, 31), (3, 6, 12), (3, 7, 0))  # etcd-manager ships x.y.0 up to these


def check_etcd(v: Validation) -> None:
    clusters = list(dicts_of(v.spec.get("etcdClusters")))
    groups = {g.name: g for g in v.groups}
    for name, i, first in duplicates((e.get("name"), i) for i, e in clusters if e.get("name")):
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
        members = list(dicts_of(etcd.get("etcdMembers")))
        if len(members) % 2 == 0 and members:
            v.error(path + ("etcdMembers",), f"etcd cluster \"{etcd.get('name')}\" has {len(members)} members; "
                                             f"etcd needs an odd number for a quorum")
        version = version_of(etcd.get("version"))
        if version is not None:
            if version[0] != 3:
                v.error(path + ("version",), f"etcd {etcd['version']} is not supported: only etcd 3 is")
            elif not etcd.get("image") and not any(version[:2] == r[:2] and version[2] <= r[2] for r in ETCD_RELEASES):
                v.error(path + ("version",), f"etcd-manager does not ship etcd {etcd['version']} (it has 3.5.0 to "
                                             f"3.5.31, 3.6.0 to 3.6.12 and 3.7.0); set image for another version")
        if etcd.get("image") and not etcd.get("version"):
            v.error(path + ("version",), "version must be set when image is set")
        for name, j, first in duplicates((m.get("name"), j) for j, m in members if m.get("name")):
            v.error(path + ("etcdMembers", j, "name"), f'duplicate member name "{name}" (also etcdMembers[{first}])')
        for j, member in members:
            group_name = text_of(member.get("instanceGroup"))
            group = groups.get(group_name)
            if group is None:
                v.error(path + ("etcdMembers", j, "instanceGroup"),
                        f'instance group "{group_name}" does not exist (control-plane groups: '
                        f'{names_of(g.name for g in v.groups if g.role == "ControlPlane")})')
            elif group.role is None:
                pass  # the schema reports the group's role
            elif group.role != "ControlPlane":
                v.error(path + ("etcdMembers", j, "instanceGroup"),
                        f'instance group "{group_name}" has role {group.spec.get("role")}; etcd members run on '
                        f"control-plane groups")
            elif len(zones := _group_zones(v, group)) > 1:
                # the member's volume lives in one zone, and only an instance in that zone can attach it
                v.error(path + ("etcdMembers", j, "instanceGroup"),
                        f'instance group "{group_name}" spans zones {names_of(sorted(zones))}; an etcd member\'s '
                        f"group must be in exactly one zone, where its volume is")
            _check_etcd_volume(v, path + ("etcdMembers", j), member)
    for group in v.groups:
        if group.role != "ControlPlane":
            continue
        for _, etcd in clusters:
            hosts = [text_of(m.get("instanceGroup")) for _, m in dicts_of(etcd.get("etcdMembers"))]
            if group.name not in hosts:
                v.group_error(group, ("metadata", "name"), f"control-plane group \"{group.name}\" has no member in "
                                                           f"etcd cluster \"{etcd.get('name')}\"")


def _group_zones(v: Validation, group: Group) -> set[str]:
    """The zones an instance group runs in: its `zones` and the zones of its subnets."""
    by_name = {s.name: s.zone for s in v.subnets}
    zones = {z for z in list_of(group.spec.get("zones")) if isinstance(z, str)}
    return zones | {by_name[s] for s in list_of(group.spec.get("subnets")) if isinstance(s, str) and by_name.get(s)}


def _check_etcd_volume(v: Validation, path: SpecPath, m: dict) -> None:
    check_volume(v.error, path, m.get("volumeType"), m.get("volumeSize"), m.get("volumeIops"),
                 m.get("volumeThroughput"), ("volumeIops", "volumeThroughput"))
