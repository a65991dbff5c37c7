"""A cluster too big for one template is split into nested stacks, correctly wired and within every limit.

The generated cluster has three control-plane groups and 200 node groups over three zones (about
1,000 resources and 3 MB of template, twice over two of CloudFormation's limits).
"""

from __future__ import annotations

import json
import re

import pytest

from kopsgen.render.cloudformation.assembly import referenced_ids
from kopsgen.render.cloudformation.layout import (
    MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, MAX_S3_BODY_BYTES, NESTED_FOLDER, TEMPLATE_BASE_URL,
)
from tests.support import cloudformation as cfn
from tests.support import specs

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
NODE_GROUPS = 200


def _cluster(node_groups: int):
    def edit(cluster: dict, groups: list[dict]) -> None:
        cluster["subnets"] = [{"name": z, "zone": z, "type": "Public", "cidr": f"172.20.{32 * i}.0/19"}
                              for i, z in enumerate(ZONES)]
        cluster["etcdClusters"] = [{"name": n, "etcdMembers": [{"name": z[-1], "instanceGroup": f"control-plane-{z}"}
                                                               for z in ZONES]} for n in ("main", "events")]
        groups[:] = [specs.instance_group(f"control-plane-{z}", "ControlPlane", [z]) for z in ZONES]
        groups += [specs.instance_group(f"nodes-{i:03d}", "Node", [ZONES[i % len(ZONES)]])
                   for i in range(node_groups)]
    return edit


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    """One state store for the module: the same CAs, so the same user data, in every render."""
    with cfn.state_store(tmp_path_factory.mktemp("state")):
        yield


def _render(tmp_path, node_groups: int, fmt: str = "json", nested_from_the_start: bool = False) -> dict[str, bytes]:
    folder = tmp_path / f"spec-{node_groups}"
    folder.mkdir(parents=True, exist_ok=True)

    def edit(cluster: dict, groups: list[dict]) -> None:
        _cluster(node_groups)(cluster, groups)
        if nested_from_the_start:
            cluster["kopsgen"] = {"nestedStacks": True}

    return cfn.render(specs.load(folder, edit), fmt)


@pytest.fixture(scope="module")
def big(tmp_path_factory, state):
    return _render(tmp_path_factory.mktemp("big"), NODE_GROUPS)


def _templates(files: dict[str, bytes]) -> tuple[str, dict, dict[str, dict]]:
    main = next(p for p in files if "/" not in p and p.endswith(".json"))
    children = {p: json.loads(files[p]) for p in files if p.startswith(f"{NESTED_FOLDER}/")}
    return main, json.loads(files[main]), children


def test_big_cluster_is_split_within_every_limit(big):
    main, parent, children = _templates(big)
    stacks = {k: v for k, v in parent["Resources"].items() if v["Type"] == "AWS::CloudFormation::Stack"}
    assert len(stacks) == len(parent["Resources"]) == len(children)
    # one stack per instance group, plus one per other group of resources
    assert len([c for c in children if "StackCompute" in c]) == NODE_GROUPS + len(ZONES)
    for path, body in [(main, parent), *children.items()]:
        assert len(body["Resources"]) <= MAX_RESOURCES, path
        assert len(body.get("Parameters", {})) <= MAX_PARAMETERS, path
        assert len(body.get("Outputs", {})) <= MAX_OUTPUTS, path
        assert len(big[path]) <= MAX_S3_BODY_BYTES, path
    total = sum(len(b["Resources"]) for b in children.values())
    assert total > MAX_RESOURCES   # the cluster really needed splitting


def test_parameters_and_outputs_are_wired_between_stacks(big):
    _, parent, children = _templates(big)
    for stack_id, stack in parent["Resources"].items():
        child = children[f"{NESTED_FOLDER}/{stack_id}.json"]
        url = stack["Properties"]["TemplateURL"]["Fn::Sub"]
        assert url == "${" + TEMPLATE_BASE_URL + "}/" + f"{NESTED_FOLDER}/{stack_id}.json"
        passed = stack["Properties"].get("Parameters", {})
        # every parameter of the child is passed, and nothing else
        assert set(passed) == set(child.get("Parameters", {})), stack_id
        for value in passed.values():
            if "Fn::GetAtt" in value:
                source, output = value["Fn::GetAtt"]
                assert output.removeprefix("Outputs.") in children[f"{NESTED_FOLDER}/{source}.json"]["Outputs"]
            else:
                assert value["Ref"] in parent["Parameters"]
        # the child refers to nothing it neither defines nor receives
        known = set(child["Resources"]) | set(child.get("Parameters", {}))
        for body in child["Resources"].values():
            assert {r for r in referenced_ids(body) if not r.startswith("AWS::")} <= known, stack_id
            depends = body.get("DependsOn", [])
            assert set([depends] if isinstance(depends, str) else depends) <= set(child["Resources"])
    for output in parent["Outputs"].values():
        for target in re.findall(r'"Fn::GetAtt": \["(\w+)", "Outputs\.(\w+)"\]', json.dumps(output)):
            assert target[1] in children[f"{NESTED_FOLDER}/{target[0]}.json"]["Outputs"]


def test_control_plane_stacks_update_one_after_another(big):
    _, parent, _ = _templates(big)
    order = [f"StackComputeControlPlaneUsEast1{z}Masters" for z in "abc"]
    assert "DependsOn" not in parent["Resources"][order[0]]
    assert parent["Resources"][order[1]]["DependsOn"] == [order[0]]
    assert parent["Resources"][order[2]]["DependsOn"] == [order[1]]


def test_image_parameters_reach_children_as_resolved_ids(big):
    _, parent, children = _templates(big)
    [image] = [p for p, v in parent["Parameters"].items() if v["Type"].startswith("AWS::SSM::Parameter::Value")]
    child = children[f"{NESTED_FOLDER}/StackComputeNodes000.json"]
    assert child["Parameters"][image]["Type"] == "AWS::EC2::Image::Id"
    assert "Default" not in child["Parameters"][image]


def test_split_is_deterministic_and_growth_only_adds_a_stack(big, tmp_path):
    again = _render(tmp_path / "again", NODE_GROUPS)
    assert again == big
    grown = _render(tmp_path / "grown", NODE_GROUPS + 1)
    added = set(grown) - set(big)
    assert added == {f"{NESTED_FOLDER}/StackComputeNodes{NODE_GROUPS:03d}.json"}
    changed = {p for p in big if grown.get(p) != big[p]}
    main = next(p for p in big if "/" not in p and p.endswith(".json"))
    # the parent gains the new stack (and DEPLOY.md its line); no existing nested template changes
    assert changed <= {main, "DEPLOY.md"}
    _, before, _ = _templates(big)
    _, after, _ = _templates(grown)
    assert {k: v for k, v in after["Resources"].items() if k in before["Resources"]} == before["Resources"]


@pytest.mark.moto
def test_uploaded_children_are_where_the_parent_looks(moto, tmp_path, state):
    """--upload-templates puts every nested template where the parent's default TemplateBaseUrl points."""
    from kopsgen.publish.cloudformation import upload_templates

    def many(cluster: dict, groups: list[dict]) -> None:
        _cluster(NODE_GROUPS)(cluster, groups)
        cluster["configBase"] = "s3://kopsgen-nested/clusters/unit.example.com"

    folder = tmp_path / "spec"
    folder.mkdir()
    spec = specs.load(folder, many)
    files = cfn.render(spec)
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="kopsgen-nested")
    urls = upload_templates(spec, files, client=s3)
    _, parent, _ = _templates(files)
    base = parent["Parameters"][TEMPLATE_BASE_URL]["Default"]
    assert base == "https://kopsgen-nested.s3.us-east-1.amazonaws.com/clusters/unit.example.com/cloudformation"
    for stack in parent["Resources"].values():
        url = stack["Properties"]["TemplateURL"]["Fn::Sub"].replace("${" + TEMPLATE_BASE_URL + "}", base)
        assert url in urls.values()
        key = url.split(".amazonaws.com/", 1)[1]
        assert s3.get_object(Bucket="kopsgen-nested", Key=key)["Body"].read() == files[url.split("/cloudformation/")[1]]


def test_small_cluster_stays_one_template(tmp_path, state):
    files = _render(tmp_path, 2)
    assert not any(p.startswith(f"{NESTED_FOLDER}/") for p in files)


def test_nested_from_the_start_so_that_growth_never_moves_a_resource(tmp_path, state):
    """spec.kopsgen.nestedStacks: a small cluster is already a parent and nested stacks, each resource in the
    stack it would have in a big one, so outgrowing one template later recreates nothing."""
    small = _render(tmp_path / "small", 2, nested_from_the_start=True)
    _, parent, children = _templates(small)
    stacks = {p.removeprefix(f"{NESTED_FOLDER}/").removesuffix(".json") for p in children}
    assert {"StackNetwork", "StackIam", "StackComputeNodes000", "StackComputeNodes001"} <= stacks
    assert set(parent["Resources"]) == stacks
    grown = _render(tmp_path / "grown", 3, nested_from_the_start=True)
    assert set(grown) - set(small) == {f"{NESTED_FOLDER}/StackComputeNodes002.json"}
    main = next(p for p in small if "/" not in p and p.endswith(".json"))
    assert {p for p in small if grown.get(p) != small[p]} <= {main, "DEPLOY.md"}
    assert _lint(small, tmp_path, lambda p: p.endswith(".json")) == []


def _lint(files: dict[str, bytes], tmp_path, select) -> list[str]:
    paths = cfn.write({p: d for p, d in files.items() if select(p)}, tmp_path / "out")
    findings = cfn.lint(paths)
    print(f"\ncfn-lint on {len(paths)} templates: {len(findings)} findings", *findings, sep="\n  ")
    return cfn.errors_and_warnings(findings)


def test_parent_and_sample_children_lint_clean(big, tmp_path):
    sample = {"StackNetwork", "StackFirewall", "StackIam", "StackEvents", "StackStorage", "StackComputeNodes000",
              "StackComputeControlPlaneUsEast1bMasters"}
    assert _lint(big, tmp_path, lambda p: "/" not in p and p.endswith(".json")
                 or p.removeprefix(f"{NESTED_FOLDER}/").removesuffix(".json") in sample) == []


@pytest.mark.slow
def test_every_nested_template_lints_clean(big, tmp_path):
    assert _lint(big, tmp_path, lambda p: p.endswith(".json")) == []


@pytest.mark.slow
def test_nested_yaml_lints_clean(tmp_path, state):
    files = _render(tmp_path, NODE_GROUPS, "yaml")
    assert _lint(files, tmp_path, lambda p: p.endswith(".yaml") and ("/" not in p or "Nodes00" in p
                                                                     or "Compute" not in p)) == []
