"""CloudFormation logical IDs: readable, unique (collisions disambiguated deterministically), and stable
when the spec grows. The rules live in kopsgen/render/cloudformation/naming.py; these tests pin them down.

Rules:
- an ID is the kind's prefix, then the resource's kops name in CamelCase without the cluster name
  (`Subnet` + `us-east-1a.minimal.example.com` -> `SubnetUsEast1a`);
- a name starting with the prefix's last word does not repeat it (`Route` + `route-0.0.0.0/0` -> `RouteAnyIPv4`);
- well-known CIDRs read as words (AnyIPv4, AnyIPv6, Nat64); other addresses keep their digits, `.` -> `x`,
  `/` -> `s` (`10.1.0.0/16` -> `10x1x0x0s16`);
- IDs that would be equal (even ignoring case) all get a 6-hex-digit suffix hashed from their own prefix and name;
- an ID depends only on its own kind and name (and, for the rare collision, on the names that collide with it).
"""

from __future__ import annotations

import json
import re

import pytest

from kopsgen.render.cloudformation.naming import logical_id, unique_logical_ids
from tests.support import cloudformation as cfn
from tests.support import spec_edit
from tests.support.paths import reference_cases
from tests.support.sessions import session

CLUSTER = "minimal.example.com"


@pytest.mark.parametrize("kind,name,expected", [
    ("Subnet", "us-east-1a.minimal.example.com", "SubnetUsEast1a"),
    ("Subnet", "utility-us-east-1a.minimal.example.com", "SubnetUtilityUsEast1a"),
    ("Vpc", "minimal.example.com", "Vpc"),
    ("Route", "route-0.0.0.0/0", "RouteAnyIPv4"),
    ("Route", "route-::/0", "RouteAnyIPv6"),
    ("Route", "route-private-us-east-1a-64:ff9b::/96", "RoutePrivateUsEast1aNat64"),
    ("Route", "route-10.0.0.0/0", "Route10x0x0x0s0"),       # not mistaken for 0.0.0.0/0
    ("VpcCidrBlock", "10.1.0.0/16", "VpcCidrBlock10x1x0x0s16"),
    ("AutoScalingGroup", "master-us-east-1a.masters.minimal.example.com", "AutoScalingGroupMasterUsEast1aMasters"),
    ("Queue", "minimal-example-com-nth", "QueueNth"),    # the cluster name written with dashes goes too
    ("SecurityGroupRule", "from-0.0.0.0/0-ingress-tcp-22to22-masters.minimal.example.com",
     "SecurityGroupRuleFromAnyIPv4IngressTcp22to22Masters"),
    ("Volume", "a.etcd-main.minimal.example.com", "VolumeAEtcdMain"),
])
def test_readable_ids(kind, name, expected):
    assert logical_id(kind, name, CLUSTER) == expected


def test_one_word_cluster_names_are_kept():
    # removing a one-word cluster name could eat a word of the name (an etcd member called `a`)
    assert logical_id("Volume", "a.etcd-main.a", "a") == "VolumeAEtcdMainA"


def test_colliding_ids_are_disambiguated_deterministically():
    wanted = [("AutoScalingGroup", f"nodes-1a.{CLUSTER}"), ("AutoScalingGroup", f"nodes1a.{CLUSTER}"),
              ("AutoScalingGroup", f"nodes.1a.{CLUSTER}"), ("AutoScalingGroup", f"nodes-2a.{CLUSTER}")]
    ids = unique_logical_ids(wanted, CLUSTER)
    assert len(set(ids.values())) == len(wanted)
    assert ids[("AutoScalingGroup", f"nodes-2a.{CLUSTER}")] == "AutoScalingGroupNodes2a"   # untouched
    colliding = [ids[w] for w in wanted[:3]]
    assert all(re.fullmatch(r"AutoScalingGroupNodes1a[0-9A-F]{6}", i) for i in colliding)
    assert unique_logical_ids(list(reversed(wanted)), CLUSTER) == ids   # order does not matter


def test_ids_differing_only_in_case_count_as_a_collision():
    ids = unique_logical_ids([("Rule", "ipv4"), ("Rule", "IPv4")], CLUSTER)
    assert len({i.lower() for i in ids.values()}) == 2


def test_long_names_fit_and_stay_unique():
    base = "x" * 300
    ids = unique_logical_ids([("Thing", base + "-a"), ("Thing", base + "-b")], CLUSTER)
    assert all(len(i) <= 255 and i.isalnum() for i in ids.values())
    assert len(set(ids.values())) == 2


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    with cfn.state_store(tmp_path_factory.mktemp("state")):
        yield


def _ids(files: dict[str, bytes]) -> dict[str, dict]:
    body = cfn.template(files)
    return {**body["Resources"], **{f"param:{k}": v for k, v in body.get("Parameters", {}).items()}}


@pytest.mark.parametrize("case", reference_cases())
def test_rendered_ids_are_alphanumeric_and_readable(case, state):
    from kopsgen import pipeline
    from tests.support.paths import case_input

    from kopsgen.render.cloudformation.assembly import assemble
    from kopsgen.render.cloudformation.registry import CfnContext

    spec = pipeline.load_spec([case_input(case)])
    graph = pipeline.build_graph(session(spec))
    stack = assemble(graph, spec.cluster.name)
    for logical_id_ in [*stack.resources, *stack.parameters]:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,254}", logical_id_), logical_id_
    # no reference case needs a collision suffix: every ID is the readable one
    ctx = CfnContext(graph, spec.cluster.name)
    for resource in graph:
        from kopsgen.render.cloudformation.registry import MAPPERS

        MAPPERS[type(resource)].fn(resource, ctx)
    assert unique_logical_ids(ctx.requested_ids, spec.cluster.name) == {
        key: logical_id(key[0], key[1], spec.cluster.name) for key in ctx.requested_ids}


def test_a_colliding_spec_renders_distinct_ids(tmp_path, state):
    """Two instance groups whose names differ only in a dash: both get their own (suffixed) IDs."""
    def edit(docs):
        nodes = next(d for d in docs if d["metadata"]["name"] == "nodes")
        for name in ("nodes-1a", "nodes1a"):
            twin = json.loads(json.dumps(nodes))
            twin["metadata"]["name"] = name
            docs.append(twin)

    files = cfn.render(spec_edit.edited_spec("minimal-1.36", tmp_path, edit))
    groups = cfn.resources_of_type(cfn.template(files), "AWS::AutoScaling::AutoScalingGroup")
    by_name = {g["Properties"]["AutoScalingGroupName"]: lid for lid, g in groups.items()}
    a, b = by_name["nodes-1a.minimal.example.com"], by_name["nodes1a.minimal.example.com"]
    assert a != b and a.startswith("AutoScalingGroupNodes1a") and b.startswith("AutoScalingGroupNodes1a")
    assert by_name["nodes.minimal.example.com"] == "AutoScalingGroupNodes"


def test_adding_an_instance_group_renames_nothing(tmp_path, state):
    base = cfn.render(spec_edit.edited_spec("ha", tmp_path / "base"))

    def add_group(docs):
        nodes = next(d for d in docs if d["metadata"]["name"] == "nodes")
        extra = json.loads(json.dumps(nodes))
        extra["metadata"]["name"] = "gpu-nodes"
        docs.append(extra)

    grown = cfn.render(spec_edit.edited_spec("ha", tmp_path / "grown", add_group))
    before, after = _ids(base), _ids(grown)
    assert set(before) < set(after)
    assert {i for i in set(after) - set(before)} == {
        "AutoScalingGroupGpuNodes", "LaunchTemplateGpuNodes", "LifecycleHookGpuNodesNTHLifecycleHook"}
    # every resource that was there is the same resource, under the same ID
    for lid, body in before.items():
        if body.get("Type") in ("AWS::EC2::SecurityGroup",):
            continue
        assert after[lid]["Type"] == body["Type"]
