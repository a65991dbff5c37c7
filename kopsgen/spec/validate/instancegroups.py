"""Each instance group: sizes, subnets and zones, taints and labels, mixed instances, warm pools,
volumes, and one CPU architecture for its image and all its machine types."""

from __future__ import annotations

import re
from typing import Any, Callable

from kopsgen.spec import instancetypes, units
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.api.instancegroup import WarmPool, warm_pool_of
from kopsgen.spec.source import SpecPath, format_path
from kopsgen.spec.validate.common import (
    DNS_SUBDOMAIN, Group, Subnet, Validation, dicts_of, duplicates, int_of, list_of, names_of, text_of,
)
from kopsgen.spec.validate.shared import check_cloud_labels, check_hooks, check_rolling_update, check_volume

DEDICATED_EXCEPTIONS = {"t2.nano", "t2.micro", "t2.small", "t2.medium", "t2.large", "t2.xlarge"}  # no dedicated hosts
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


def check_groups(v: Validation) -> None:
    for name, group, first in duplicates((g.name, g) for g in v.groups if g.name):
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


def _check_group(v: Validation, g: Group, utility_or_public: list[Subnet]) -> None:
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
    subnets = [x for x in list_of(s.get("subnets")) if isinstance(x, str)]
    if not subnets and g.role is not None:  # (without a role, defaults could not choose subnets)
        err(("spec", "subnets") if "subnets" in s else ("spec",),
            "no subnet for this group: name at least one of the cluster's subnets"
            if g.role == "ControlPlane" else "no subnet of the cluster suits this group; set subnets")
    for name, i, first in duplicates((x, i) for i, x in enumerate(subnets)):
        err(("spec", "subnets", i), f'subnet "{name}" is listed twice')
    own = []
    for i, name in enumerate(subnets):
        sub = v.subnet(name)
        if sub is None:
            err(("spec", "subnets", i), f'subnet "{name}" is not one of the cluster\'s subnets '
                                        f"({names_of(x.name for x in v.subnets)})")
        else:
            own.append(sub)
    zones = [x for x in list_of(s.get("zones")) if isinstance(x, str)]
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
                                 f"({names_of(o.zone for o in own)}) for its load balancer")
    _check_taints(v, g)
    _check_labels(v, g, ("spec", "nodeLabels"), s.get("nodeLabels"))
    check_cloud_labels(lambda p, m: err(p, m), ("spec", "cloudLabels"), s.get("cloudLabels"), g.name)
    _check_group_extras(v, g)


def _check_taints(v: Validation, g: Group) -> None:
    for text, i, first in duplicates((t, i) for i, t in enumerate(list_of(g.spec.get("taints")))):
        v.group_error(g, ("spec", "taints", i), f'taint "{text}" is listed twice')
    for i, taint in enumerate(list_of(g.spec.get("taints"))):
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
    if prefix and (len(prefix) > 253 or not DNS_SUBDOMAIN.match(prefix)):
        return f'"{key}" has a prefix that is not a DNS subdomain'
    if not _LABEL_NAME.match(name):
        return f'"{key}" must be a name of at most 63 letters, digits, "-", "_" or "." (starting and ending ' \
               f"with a letter or digit), with an optional DNS prefix and /"
    return None


def _check_labels(v: Validation, g: Group, path: SpecPath, labels: Any) -> None:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        problem = _label_key_problem(key)
        if problem:
            v.group_error(g, path + (key,), f"label key {problem}")
        elif isinstance(value, str) and not _LABEL_VALUE.match(value):
            v.group_error(g, path + (key,), f'label value "{value}" must be at most 63 letters, digits, "-", '
                                            f'"_" or ".", starting and ending with a letter or digit')


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


def _check_group_extras(v: Validation, g: Group) -> None:
    s = g.spec
    err = lambda path, message: v.group_error(g, path, message)  # noqa: E731
    for name, i, first in duplicates((u.get("name"), i) for i, u in dicts_of(s.get("additionalUserData"))):
        err(("spec", "additionalUserData", i, "name"), f'duplicate user data part "{name}"')
    for device, i, first in duplicates((x.get("device"), i) for i, x in dicts_of(s.get("volumes"))):
        err(("spec", "volumes", i, "device"), f'device {device} is used twice (also volumes[{first}])')
    for key in ("device", "path"):
        for value, i, first in duplicates((x.get(key), i) for i, x in dicts_of(s.get("volumeMounts"))):
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
    for group, i, first in duplicates((x, i) for i, x in enumerate(list_of(s.get("additionalSecurityGroups")))):
        err(("spec", "additionalSecurityGroups", i), f"{group} is listed twice (also [{first}])")
    if s.get("tenancy") in ("dedicated", "host") and text_of(s.get("machineType")) in DEDICATED_EXCEPTIONS:
        err(("spec", "tenancy"), f"{s['machineType']} instances cannot run with {s['tenancy']} tenancy")
    if value_at(s, "containerd", "gvisor", "enabled") is True and g.role != "Node":
        err(("spec", "containerd", "gvisor"), "gVisor is only for Node groups")
    warm = s.get("warmPool")
    if isinstance(warm, dict) and warm.get("maxSize") != 0:
        if g.role not in ("Node", "APIServer"):
            err(("spec", "warmPool"), "warm pools are only for Node and APIServer groups")
        if int_of(warm.get("maxSize")) is not None and (int_of(warm.get("minSize")) or 0) > warm["maxSize"]:
            err(("spec", "warmPool", "maxSize"), f"maxSize {warm['maxSize']} is below minSize {warm.get('minSize')}")
    _check_warm_pool_purchase(v, g)
    lifetime = units.parse_duration(s.get("maxInstanceLifetime"))
    if lifetime is not None and 0 < lifetime < 86_400 * 10**9:
        err(("spec", "maxInstanceLifetime"), "must be at least 24h (or 0 for no limit)")
    check_rolling_update(lambda p, m: err(p, m), ("spec", "rollingUpdate"), s.get("rollingUpdate"),
                         g.role == "ControlPlane")
    for i, item in enumerate(list_of(s.get("sysctlParameters"))):
        if isinstance(item, str) and "=" not in item:
            err(("spec", "sysctlParameters", i), f'"{item}" must look like key=value')
    check_hooks(lambda p, m: err(p, m), s)
    check_volume(err, ("spec",), s.get("rootVolumeType"), s.get("rootVolumeSize"), s.get("rootVolumeIops"),
                 s.get("rootVolumeThroughput"), ("rootVolumeIops", "rootVolumeThroughput"))
    for i, volume in dicts_of(s.get("volumes")):
        check_volume(err, ("spec", "volumes", i), volume.get("type"), volume.get("size"), volume.get("iops"),
                     volume.get("throughput"), ("iops", "throughput"))


def _check_warm_pool_purchase(v: Validation, g: Group) -> None:
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


def check_architectures(v: Validation) -> None:
    """A group runs one image on all its machine types: AWS launches an arm64 (Graviton) type with an
    amd64 image, or the reverse, and the instance never boots. Types come from machineType (a list
    with commas) and mixedInstancesPolicy.instances; the image's architecture from its name."""
    for g in v.groups:
        types: list[tuple[SpecPath, str]] = [(("spec", "machineType"), t.strip())
                                              for t in text_of(g.spec.get("machineType")).split(",") if t.strip()]
        types += [(("spec", "mixedInstancesPolicy", "instances", i), t)
                  for i, t in enumerate(list_of(value_at(g.spec, "mixedInstancesPolicy", "instances")))
                  if isinstance(t, str)]
        archs = [(path, t, a) for path, t in types if (a := instancetypes.architecture(t))]
        image = text_of(g.spec.get("image"))
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
