"""The cluster's log group (spec.kopsgen.addons.fluentBit) on the graph: the group, its key, and the one
statement its writers get, on the instance roles or on Fluent Bit's own role (IRSA). Specs are kops's
minimal-1.36 reference input with Fluent Bit turned on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kopsgen import pipeline
from kopsgen.ir.base import External, Ref
from kopsgen.ir.firewall import SecurityGroupRule
from kopsgen.ir.iam import IamRole, IamRolePolicy
from kopsgen.ir.kms import KmsKey
from kopsgen.ir.logs import LogGroup
from tests.support.sessions import session
from tests.support.spec_edit import cluster_spec, edited_spec

CLUSTER = "minimal.example.com"
GROUP = f"cluster-logs.{CLUSTER}"
WRITE = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]


def _graph(tmp_path: Path, **settings):
    def edit(docs):
        spec = cluster_spec(docs)
        spec.setdefault("kopsgen", {})["addons"] = {"fluentBit": {"enabled": True, **settings.pop("fluentBit", {})}}
        for key, value in settings.items():
            spec[key] = value
    return pipeline.build_graph(session(edited_spec("minimal-1.36", tmp_path, edit)))


def _statements(graph, policy: str) -> list[dict]:
    return json.loads(graph.get(IamRolePolicy, policy).policy.json)["Statement"]


def _group_arns(account_token: str = "{{link:account_id}}") -> list[str]:
    arn = f"arn:aws:logs:us-test-1:{account_token}:log-group:{GROUP}"
    return [arn, f"{arn}:log-stream:*"]


def test_off_by_default_nothing_is_made(tmp_path):
    graph = pipeline.build_graph(session(edited_spec("minimal-1.36", tmp_path)))
    assert graph.find(LogGroup, GROUP) is None and graph.find(KmsKey, GROUP) is None
    assert not [p for p in graph.of_kind(IamRolePolicy) if p.name.startswith("cluster-logs.")]


def test_the_group_has_a_key_of_its_own_and_a_years_retention(tmp_path):
    graph = _graph(tmp_path)
    group = graph.get(LogGroup, GROUP)
    assert group.retention_days == 365
    assert group.kms_key == Ref(KmsKey, GROUP, "arn")
    key_policy = json.loads(graph.get(KmsKey, GROUP).policy.json)["Statement"]
    logs_use = next(s for s in key_policy if s["Principal"] == {"Service": "logs.us-test-1.amazonaws.com"})
    # CloudWatch Logs may use the key for this group alone
    assert logs_use["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": _group_arns()[0]}}


def test_a_given_key_and_retention(tmp_path):
    key = "arn:aws:kms:us-test-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    graph = _graph(tmp_path, fluentBit={"logGroup": {"retentionInDays": 90, "kmsKeyARN": key}})
    group = graph.get(LogGroup, GROUP)
    assert (group.retention_days, group.kms_key) == (90, External(key))
    assert graph.find(KmsKey, GROUP) is None


def test_instance_roles_may_only_write_to_the_group(tmp_path):
    graph = _graph(tmp_path)
    policies = sorted(p.name for p in graph.of_kind(IamRolePolicy) if p.name.startswith("cluster-logs."))
    # the DaemonSet runs on the control plane and the nodes (minimal-1.36 has no API server or bastion group)
    assert policies == [f"cluster-logs.masters.{CLUSTER}", f"cluster-logs.nodes.{CLUSTER}"]
    for name in policies:
        assert _statements(graph, name) == [{"Action": WRITE, "Effect": "Allow", "Resource": _group_arns()}]
    # kops's own inline policies are untouched
    assert not any("logs:" in json.dumps(_statements(graph, f"{role}.{CLUSTER}")) for role in ("masters", "nodes"))


def test_with_roles_of_their_own_only_fluent_bits_role_writes(tmp_path):
    graph = _graph(tmp_path, iam={"useServiceAccountExternalPermissions": True},
                   serviceAccountIssuerDiscovery={"discoveryStore": "s3://oidc-bucket/minimal.example.com",
                                                  "enableAWSOIDCProvider": True})
    role = f"fluent-bit.kube-system.sa.{CLUSTER}"
    assert graph.find(IamRole, role) is not None
    assert _statements(graph, role) == [{"Action": WRITE, "Effect": "Allow", "Resource": _group_arns()}]
    assert not [p for p in graph.of_kind(IamRolePolicy) if p.name.startswith("cluster-logs.")]


@pytest.mark.parametrize("networking", [{"calico": {}}, {"cilium": {}}, {"amazonvpc": {}}])
def test_nodes_reach_node_exporter_on_the_control_plane(tmp_path, networking):
    """node-exporter listens on every node's port 9100; the control plane's groups already admit nodes on
    every TCP port but etcd's, so Prometheus on a node can scrape it: no rule of its own is needed."""
    graph = _graph(tmp_path, networking=networking)
    rules = [r for r in graph.of_kind(SecurityGroupRule)
             if getattr(r.group, "name", None) == f"masters.{CLUSTER}"
             and getattr(r.source_group, "name", None) == f"nodes.{CLUSTER}"]
    assert any(r.protocol == "tcp" and r.from_port <= 9100 <= r.to_port for r in rules)
