"""The benchmark's scale-sweep clusters (bench/scale.py) render, and their CloudFormation lints clean.

CloudFormation holds at most 500 resources in a template, and so at most 500 nested stacks in a
parent. A 100-group cluster is one parent with a nested stack per group; the 1000-group cluster
of the sweep needs a level of bundle stacks in between (render/cloudformation/layout.py). The
default run checks the bundles on the 100-group cluster with the parent's capacity lowered; the
1000-group cluster itself, linted whole by the real cfn-lint, is in the slow suite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import scale
from kopsgen import pipeline
from kopsgen.render.cloudformation import layout
from kopsgen.render.cloudformation.layout import MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, NESTED_FOLDER
from tests.support import cloudformation as cfn
from tests.support import terraform as tf
from tests.support.sessions import session


def _spec(tmp_path: Path, groups: int):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"scale-{groups}.yaml"
    path.write_text(scale.spec_text(groups))
    return pipeline.load_spec([path])


def _templates(files: dict[str, bytes]) -> dict[str, dict]:
    return {p: json.loads(b) for p, b in files.items() if p.endswith(".json")}


def _main(files: dict[str, bytes]) -> str:
    return next(p for p in files if p.endswith(".json") and "/" not in p)


def _children(body: dict) -> list[str]:
    """The template paths the stack resources of `body` point at."""
    paths = []
    for resource in body["Resources"].values():
        assert resource["Type"] == "AWS::CloudFormation::Stack"
        url = resource["Properties"]["TemplateURL"]["Fn::Sub"]
        paths.append(url.split("}/", 1)[1])
    return paths


def _lint_clean(files: dict[str, bytes], folder: Path, only: set[str] | None = None) -> None:
    written = cfn.write(files, folder)
    paths = [p for p in written if only is None or p.relative_to(folder).as_posix() in only]
    assert paths
    assert cfn.errors_and_warnings(cfn.lint(paths)) == []


# ---------------------------------------------------------------- CloudFormation at scale


def test_100_groups_render_as_nested_stacks_that_lint_clean(tmp_path):
    files = cfn.render(_spec(tmp_path, 100))
    main = _main(files)
    parent = _templates(files)[main]
    assert len(parent["Resources"]) > 100          # a stack per instance group, no bundles needed
    assert not any("Bundle" in sid for sid in parent["Resources"])
    # every template that is not one more node group's, and a few node groups' (all alike)
    node_groups = sorted(p for p in files if re.search(r"/StackComputeNodes\d+\.json$", p))
    _lint_clean(files, tmp_path / "out", {p for p in files if p.endswith(".json")} - set(node_groups[3:]))


@pytest.fixture
def small_parents(monkeypatch):
    """Parents that hold 40 nested stacks: the 100-group cluster then needs bundles, as 1000 groups do."""
    monkeypatch.setattr(layout, "MAX_STACKS", 40)


def test_more_stacks_than_a_parent_holds_go_into_bundles_wired_and_within_limits(tmp_path, small_parents):
    files = cfn.render(_spec(tmp_path, 100))
    bodies = _templates(files)
    main = _main(files)
    top = bodies[main]
    assert len(top["Resources"]) <= 40
    middle = _children(top)
    assert any("Bundle" in p for p in middle) and f"{NESTED_FOLDER}/StackInfrastructure.json" in middle
    leaves = [p for m in middle for p in _children(bodies[m])]
    # every other template hangs under exactly one bundle or the infrastructure stack
    assert sorted(leaves) == sorted(set(bodies) - {main, *middle})
    for path, body in bodies.items():
        assert len(body["Resources"]) <= MAX_RESOURCES, path
        assert len(body.get("Parameters", {})) <= MAX_PARAMETERS, path
        assert len(body.get("Outputs", {})) <= MAX_OUTPUTS, path
    # a bundle passes down what its stacks read from the infrastructure stack, and reads it from there
    bundle = bodies[next(p for p in middle if "Bundle" in p)]
    passed = top["Resources"][Path(next(p for p in middle if "Bundle" in p)).stem]["Properties"]["Parameters"]
    assert set(passed) == set(bundle["Parameters"])
    assert any(v == {"Fn::GetAtt": ["StackInfrastructure", f"Outputs.{k}"]} for k, v in passed.items())
    # the parent's outputs still list every node group's auto-scaling group, now through the bundles
    asgs = top["Outputs"]["NodeAutoscalingGroupIds"]["Value"]["Fn::Join"][1]
    assert len(asgs) == 100 and all(a["Fn::GetAtt"][0].startswith("StackBundle") for a in asgs)
    _lint_clean(files, tmp_path / "out", {main, *middle, *sorted(leaves)[:3]})


def test_a_new_instance_group_moves_no_stack_to_another_bundle(tmp_path, small_parents):
    def homes(groups: int) -> dict[str, str]:
        bodies = _templates(cfn.render(_spec(tmp_path / str(groups), groups)))
        top = bodies[_main({p: b"" for p in bodies})]
        return {leaf: middle for middle in _children(top) for leaf in _children(bodies[middle])}

    before, after = homes(100), homes(101)
    assert set(after) - set(before) == {f"{NESTED_FOLDER}/StackComputeNodes0100.json"}
    assert {leaf: after[leaf] for leaf in before} == before


# ---------------------------------------------------------------- the 1000-group sweep itself (slow)


@pytest.mark.slow
def test_1000_groups_render_to_both_targets_and_pass_cfn_lint_and_terraform_validate(tmp_path):
    spec = _spec(tmp_path, 1000)
    files = cfn.render(spec)
    bodies = _templates(files)
    assert len(bodies[_main(files)]["Resources"]) <= MAX_RESOURCES
    _lint_clean(files, tmp_path / "cloudformation")
    if not tf.terraform_available():
        pytest.skip("terraform is not installed")
    out = tmp_path / "terraform"
    for rel, data in pipeline.render(session(spec), "terraform").items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    tf.init(out)
    assert tf.validate(out).returncode == 0
