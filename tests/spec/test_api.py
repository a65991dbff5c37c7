"""The typed settings blocks of kopsgen/spec/api/: how kops_settings fills them, and that each of their
fields is a field of kops's API (a misspelt kops name would read as "unset" and silently fall back to the
addon's default)."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from kopsgen.spec.api import addons, cni, etcd, network
from kopsgen.spec.api.fields import kops_block, kops_field_name, kops_name, kops_settings

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "cluster.schema.json").read_text())


@dataclass(frozen=True)
class _Inner:
    enabled: bool | None = None


@dataclass(frozen=True)
class _Block:
    log_level: int | None = None
    server_ip: str | None = kops_name("serverIP")
    names: tuple[str, ...] | None = None
    inner: _Inner | None = kops_block(_Inner, "innerBlock")


@pytest.mark.parametrize("written,expected", [
    (None, _Block()),
    ({}, _Block()),
    ({"logLevel": 0}, _Block(log_level=0)),                        # a zero is a value, not "unset"
    ({"logLevel": None, "serverIP": "10.0.0.10"}, _Block(server_ip="10.0.0.10")),
    ({"serverIp": "10.0.0.10"}, _Block()),                         # kops's spelling only
    ({"names": ["a", "b"]}, _Block(names=("a", "b"))),             # lists become tuples
    ({"innerBlock": {}}, _Block(inner=_Inner())),                  # a block that is there, empty
    ({"innerBlock": {"enabled": False}}, _Block(inner=_Inner(enabled=False))),
    ({"innerBlock": "not a block"}, _Block()),
])
def test_kops_settings(written, expected):
    assert kops_settings(_Block, written) == expected


def _schema_object(*path: str) -> dict:
    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    node = resolve(SCHEMA["properties"]["spec"])
    for key in path:
        node = resolve(node["properties"][key] if key != "[]" else node["items"])
    return node


# each settings block and where kops's Cluster spec holds it
BLOCKS = [
    (addons.AwsAuthentication, ("authentication", "aws")),
    (addons.ClusterAutoscaler, ("clusterAutoscaler",)),
    (addons.CloudControllerManager, ("cloudControllerManager",)),
    (addons.LeaderElection, ("cloudControllerManager", "leaderElection")),
    (addons.KubeDNS, ("kubeDNS",)),
    (addons.NodeLocalDNS, ("kubeDNS", "nodeLocalDNS")),
    (addons.ExternalDns, ("externalDns",)),
    (network.EgressProxySpec, ("egressProxy",)),
    (network.HttpProxy, ("egressProxy", "httpProxy")),
    (etcd.EtcdManager, ("etcdClusters", "[]", "manager")),
    (addons.NodeTerminationHandler, ("nodeTerminationHandler",)),
    (cni.Calico, ("networking", "calico")),
    (cni.Flannel, ("networking", "flannel")),
    (cni.Kindnet, ("networking", "kindnet")),
    (cni.KindnetMasquerade, ("networking", "kindnet", "masquerade")),
    (cni.KubeRouter, ("networking", "kuberouter")),
    (cni.AmazonVpc, ("networking", "amazonvpc")),
    (cni.CniNetworking, ("networking", "cni")),
    (cni.Cilium, ("networking", "cilium")),
    (cni.CiliumHubble, ("networking", "cilium", "hubble")),
    (cni.CiliumIngress, ("networking", "cilium", "ingress")),
    (cni.CiliumGatewayAPI, ("networking", "cilium", "gatewayAPI")),
]


@pytest.mark.parametrize("block,path", BLOCKS, ids=[b.__name__ for b, _ in BLOCKS])
def test_every_field_of_a_settings_block_is_a_kops_field(block, path):
    known = set(_schema_object(*path).get("properties") or ())
    unknown = [f"{f.name} ({kops_field_name(f)})" for f in fields(block) if kops_field_name(f) not in known]
    assert not unknown, f"spec.{'.'.join(path)} has no field {', '.join(unknown)}"


def _blocks_filled_by_kops_settings() -> set[str]:
    """The classes kopsgen/spec/api/ fills with kops_settings, directly or as a nested or optional block."""
    found = set()
    for path in (Path(__file__).resolve().parents[2] / "kopsgen" / "spec" / "api").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args \
                    and node.func.id in ("kops_settings", "kops_block", "optional_block") \
                    and isinstance(node.args[0], ast.Name):
                found.add(node.args[0].id)
    return found - {"cls", "block"}   # the generic calls inside fields.py


def test_every_settings_block_is_checked_against_the_schema():
    listed = {block.__name__ for block, _ in BLOCKS}
    missing = sorted(_blocks_filled_by_kops_settings() - listed)
    assert not missing, f"add these settings blocks to BLOCKS, with where kops's spec holds them: {missing}"
