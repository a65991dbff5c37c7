"""Specs for tests: a kops reference input with a few fields changed, written to a temp folder and loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import yaml

from kopsgen import pipeline
from kopsgen.spec.api import ClusterSpec
from tests.support.paths import case_input

Edit = Callable[[list[dict]], None]


def cluster_spec(docs: list[dict]) -> dict:
    """The `spec` of the Cluster document."""
    return next(d for d in docs if d["kind"] == "Cluster")["spec"]


def group_spec(docs: list[dict], name: str) -> dict:
    """The `spec` of the named InstanceGroup document."""
    return next(d for d in docs if d["kind"] == "InstanceGroup" and d["metadata"]["name"] == name)["spec"]


def edited_input(case: str, dest: Path, edit: Edit | None = None) -> Path:
    docs = [d for d in yaml.safe_load_all(case_input(case).read_text()) if d]
    if edit:
        edit(docs)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return dest


def edited_spec(case: str, tmp_path: Path, edit: Edit | None = None) -> ClusterSpec:
    return pipeline.load_spec([edited_input(case, tmp_path / "cluster.yaml", edit)])


# Every field kopsgen adds to kops's API, by document kind: the schema marks exactly these with
# x-kopsgen-extension (tests/spec/test_reference.py checks it). set_every_extension sets them all.
EXTENSION_PATHS = {
    "Cluster": {"spec.api.loadBalancer.deletionProtection", "spec.sshPublicKey", "spec.kopsgen"},
    "InstanceGroup": {"spec.instanceRefresh"},
}


def set_every_extension(docs: list[dict], ssh_public_key: str, kops_version: str) -> None:
    """Sets each of EXTENSION_PATHS to a value that changes nothing kops's own components read:
    `kopsgen.kopsVersion` to the release used anyway, the SSH key to the one the cluster uses. An API
    without a load balancer (DNS only) gets no `deletionProtection`: setting it would add one."""
    spec = cluster_spec(docs)
    spec.setdefault("kopsgen", {})["kopsVersion"] = kops_version   # kept: the source's addons and settings
    spec["sshPublicKey"] = ssh_public_key
    load_balancer = (spec.get("api") or {}).get("loadBalancer")
    if load_balancer is not None:
        load_balancer["deletionProtection"] = True
    for doc in docs:
        if doc["kind"] == "InstanceGroup":
            doc["spec"]["instanceRefresh"] = {"enabled": True}
