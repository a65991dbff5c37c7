"""The module layout and moved blocks against the real terraform on moto (slow: each applies a cluster).

- the module layout's example root applies, plans no change and destroys, with extra tags reaching AWS;
- a cluster applied in the flat layout and switched to the module layout with `update cluster --yes`: the
  written `moved` blocks make `terraform plan` move every resource and create, change or destroy none; the
  apply of the moves leaves a plan with no change.

The moto harness (tests/support/tfmoto.py) writes its provider overrides beside the root's providers and its
resource overrides (moto's own bugs) inside the module folder: Terraform applies an override file per module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.output import write_output
from tests.support import terraform, tfmoto
from tests.support.moto_server import aws_environment
from tests.support.sessions import session

pytestmark = [pytest.mark.slow, pytest.mark.moto,
              pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")]

DATA = Path(__file__).parents[1] / "data"
NAME = "mv.example.com"
ZONE = "us-east-1a"


def _prepare_module_root(out: Path, server) -> None:
    """The moto overrides of a module-layout output: resources in cluster/, providers in the root."""
    module = tfmoto.read_config(out / "cluster")
    tfmoto.check_services(module)
    zone_ids = tfmoto.create_prerequisites(server, module)
    tfmoto.check_images(server, module)
    tfmoto.write_override(out / "cluster", server, module, zone_ids)
    tfmoto.write_override(out, server, tfmoto.read_config(out), {})


def test_the_module_root_applies_plans_no_change_and_destroys(tmp_path: Path, moto):
    spec = tfmoto.realistic_spec(DATA / "ha-private-bastion.yaml", tmp_path / "spec.yaml")
    out = tmp_path / "out"
    write_output(out, pipeline.render(session(pipeline.load_spec([spec])), "terraform", layout="module"))
    main = (out / "main.tf").read_text().replace("tags = {}", 'tags = { team = "platform" }')
    (out / "main.tf").write_text(main)
    _prepare_module_root(out, moto)
    terraform.init(out)
    try:
        tfmoto.apply(out)
        code, text = tfmoto.plan_exit_code(out)
        assert code == 0, f"plan after apply wants changes:\n{text[-4000:]}"
        vpcs = moto.client("ec2").describe_vpcs()["Vpcs"]
        tagged = [v for v in vpcs if {"Key": "team", "Value": "platform"} in v.get("Tags", [])]
        assert len(tagged) == 1, "var.tags did not reach the VPC"
        groups = moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
        assert groups and all(any(t["Key"] == "team" and t["PropagateAtLaunch"] for t in g["Tags"]) for g in groups)
        outputs = json.loads(terraform.run(out, "output", "-json").stdout)
        assert outputs["nodes_role_arn"]["value"].startswith("arn:aws:iam::") and outputs["subnet_ids"]["value"]
    finally:
        tfmoto.destroy(out, check=False)
    assert tfmoto.state_addresses(out) == []


def _run(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_switching_an_applied_cluster_to_the_module_layout_moves_every_resource(tmp_path: Path, moto, monkeypatch):
    aws_environment(moto, monkeypatch)
    state, out = f"file://{tmp_path}/state", tmp_path / "out"
    _run("create", "cluster", "--name", NAME, "--zones", ZONE, "--state", state)
    update = ("update", "cluster", NAME, "--state", state, "--out", out, "--yes", "--allow-unreadable-config-base")
    _run(*update)
    tfmoto.prepare(out, moto)
    terraform.init(out)
    try:
        tfmoto.apply(out)
        applied = tfmoto.state_addresses(out)
        (out / tfmoto.OVERRIDE_FILE).unlink()        # the flat layout's overrides name root resources
        _run(*update, "--terraform-layout", "module")
        assert (out / "moved.tf").exists() and not (out / "kubernetes.tf").exists()
        _prepare_module_root(out, moto)
        terraform.init(out)
        terraform.run(out, "plan", "-out=moves.tfplan", "-input=false", "-no-color")
        shown = json.loads(terraform.run(out, "show", "-json", "moves.tfplan").stdout)
        changes = [c for c in shown.get("resource_changes", []) if c["mode"] == "managed"]
        not_moved = [(c["address"], c["change"]["actions"]) for c in changes if c["change"]["actions"] != ["no-op"]]
        assert not not_moved, not_moved
        moved = {c["previous_address"]: c["address"] for c in changes if c.get("previous_address")}
        managed = [a for a in applied if not a.startswith("data.")]
        assert moved == {a: f"module.cluster.{a}" for a in managed}
        tfmoto.apply(out)
        code, text = tfmoto.plan_exit_code(out)
        assert code == 0, f"plan after the moves wants changes:\n{text[-4000:]}"
    finally:
        tfmoto.destroy(out, check=False)
    assert tfmoto.state_addresses(out) == []
