"""Settings a Cluster and an InstanceGroup both carry: cloud labels, hooks, rolling updates, volumes."""

from __future__ import annotations

import re
from typing import Any

from kopsgen.spec import volumes
from kopsgen.spec.source import SpecPath
from kopsgen.spec.validate.common import Report, dicts_of, int_of

RESERVED_TAGS = ("Name", "KubernetesCluster")
RESERVED_TAG_PREFIXES = ("kubernetes.io/cluster/", "k8s.io/role/", "kops.k8s.io/")


def check_volume(report: Report, path: SpecPath, kind: Any, size: Any, iops: Any, throughput: Any,
                 keys: tuple[str, str]) -> None:
    """The ratios AWS enforces, on the settings the volume will get (spec/volumes.py decides them)."""
    if not isinstance(kind, str) or (iops is not None and int_of(iops) is None) \
            or (throughput is not None and int_of(throughput) is None):
        return  # the schema reports a value of the wrong type
    iops_problem, throughput_problem = volumes.performance_problems(kind, int_of(size), iops, throughput)
    if iops_problem:
        report(path + (keys[0],), iops_problem)
    if throughput_problem:
        report(path + (keys[1],), throughput_problem)


def check_cloud_labels(report: Report, path: SpecPath, labels: Any, group_name: str | None) -> None:
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


def check_rolling_update(report: Report, path: SpecPath, ru: Any, control_plane: bool) -> None:
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


def check_hooks(report: Report, spec: dict) -> None:
    for i, hook in dicts_of(spec.get("hooks")):
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
