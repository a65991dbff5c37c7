"""Small cluster specs for builder unit tests: a base cluster, changed per test, loaded through the pipeline."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import yaml

from kopsgen import pipeline
from kopsgen.ir.base import Graph
from kopsgen.model.bastion import build_bastion
from kopsgen.model.context import ModelContext
from kopsgen.model.dns import build_dns
from kopsgen.model.firewall import build_firewall
from kopsgen.model.loadbalancer import build_api_load_balancer
from kopsgen.model.network import build_network
from kopsgen.model.sshkey import build_ssh_key
from kopsgen.spec.api import ClusterSpec

CLUSTER = "unit.example.com"

BASE_CLUSTER: dict[str, Any] = {
    "apiVersion": "kops.k8s.io/v1alpha2",
    "kind": "Cluster",
    "metadata": {"name": CLUSTER},
    "spec": {
        "cloudProvider": "aws",
        "configBase": f"memfs://clusters.example.com/{CLUSTER}",
        "kubernetesVersion": "v1.32.0",
        "networkCIDR": "172.20.0.0/16",
        "networking": {"cni": {}},
        "kubernetesApiAccess": ["0.0.0.0/0"],
        "sshAccess": ["0.0.0.0/0"],
        "etcdClusters": [
            {"name": "main", "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]},
            {"name": "events", "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]},
        ],
        "subnets": [
            {"name": "us-east-1a", "zone": "us-east-1a", "type": "Public", "cidr": "172.20.32.0/19"},
        ],
    },
}


def instance_group(name: str, role: str, subnets: list[str], **spec: Any) -> dict:
    return {"apiVersion": "kops.k8s.io/v1alpha2", "kind": "InstanceGroup",
            "metadata": {"name": name, "labels": {"kops.k8s.io/cluster": CLUSTER}},
            "spec": {"role": role, "image": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250101",
                     "machineType": "t3.medium", "minSize": 1, "maxSize": 1, "subnets": subnets, **spec}}


BASE_GROUPS = [
    instance_group("control-plane-us-east-1a", "ControlPlane", ["us-east-1a"]),
    instance_group("nodes", "Node", ["us-east-1a"]),
]


def write_spec(tmp_path: Path, edit: Callable[[dict, list[dict]], None] | None = None) -> Path:
    """The base spec, changed by `edit(cluster_spec, instance_groups)`, written to tmp_path/cluster.yaml."""
    cluster = copy.deepcopy(BASE_CLUSTER)
    groups = copy.deepcopy(BASE_GROUPS)
    if edit:
        edit(cluster["spec"], groups)
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump_all([cluster, *groups], sort_keys=False))
    return path


def load(tmp_path: Path, edit: Callable[[dict, list[dict]], None] | None = None) -> ClusterSpec:
    return pipeline.load_spec([write_spec(tmp_path, edit)])


class _NoBootstrap:
    """The bootstrap of a ModelContext whose builders use none (network, firewall, ...): asking it anything is a
    test that needs a real one (tests/support/sessions.py)."""

    def __getattr__(self, name: str):
        raise AssertionError(f"these builders take no bootstrap material (asked for {name}): use a render session")


NO_BOOTSTRAP = _NoBootstrap()


def build(spec: ClusterSpec) -> Graph:
    """The graph of the network and of the firewall, load balancer, bastion, DNS and SSH key builders only, so
    these builders' tests do not depend on the rest (IAM, instance groups, addons) being able to build a spec."""
    ctx = ModelContext(spec, NO_BOOTSTRAP)
    for builder in (build_network, build_firewall, build_api_load_balancer, build_bastion, build_dns, build_ssh_key):
        builder(ctx)
    ctx.graph.check()
    return ctx.graph
