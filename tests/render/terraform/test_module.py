"""The module layout (render/terraform/module.py): the real `terraform validate` accepts its example root in both
formats, a root calling the module with `for_each` for two clusters validates (no provider inside the module),
the HCL is `terraform fmt`-clean, and the module keeps the flat layout's resources and labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kopsgen import pipeline
from kopsgen.output import write_output
from tests.render.terraform.test_validate import _problems, initialised, validate  # noqa: F401 (fixture)
from tests.support import terraform
from tests.support.sessions import session

pytestmark = pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")

EXAMPLE = Path(__file__).parents[3] / "examples"


def _validate(root: Path, initialised: Path, modules: dict[str, str]) -> dict:  # noqa: F811
    """`terraform validate -json` of a root calling local modules ({call: source}): the providers come from the
    session's shared init, and the local modules are recorded as `terraform init` records them (a local
    module is used in place), which saves a `terraform init` per test. If the record is not
    enough, validate() runs a real init."""
    record = [{"Key": "", "Source": "", "Dir": "."}] + [
        {"Key": key, "Source": source, "Dir": source.removeprefix("./")} for key, source in sorted(modules.items())]
    (root / ".terraform" / "modules").mkdir(parents=True)
    (root / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": record}))
    return validate(root, initialised)


def _render(example: str, fmt: str, layout: str = "module") -> dict[str, bytes]:
    return pipeline.render(session(pipeline.load_spec([EXAMPLE / example])), "terraform", fmt, layout=layout)


@pytest.mark.parametrize("fmt", ["hcl", "json"])
def test_the_example_root_validates(fmt: str, tmp_path: Path, initialised: Path):  # noqa: F811
    files = _render("minimal.yaml", fmt)
    ext = ".tf.json" if fmt == "json" else ".tf"
    assert {f"{n}{ext}" for n in ("main", "providers", "outputs", "versions")} <= set(files)
    assert {f"cluster/{n}{ext}" for n in ("main", "variables", "outputs", "versions")} <= set(files)
    write_output(tmp_path, files)
    result = _validate(tmp_path, initialised, {"cluster": "./cluster"})
    assert result["valid"] and result["warning_count"] == 0, _problems(result)


def test_no_provider_inside_the_module_and_every_variable_and_output_described():
    files = _render("ha-private-bastion.yaml", "json")
    module = {name: json.loads(data) for name, data in files.items() if name.startswith("cluster/")
              and name.endswith(".tf.json")}
    assert not any("provider" in doc for doc in module.values())
    aws = module["cluster/versions.tf.json"]["terraform"]["required_providers"]["aws"]
    assert aws["version"].startswith(">= ") and aws["configuration_aliases"] == ["aws.files"]
    outputs = module["cluster/outputs.tf.json"]["output"]
    variables = module["cluster/variables.tf.json"]["variable"]
    assert all(o["description"] for o in outputs.values()) and all(v["description"] for v in variables.values())
    assert {"nodes_role_arn", "master_security_group_ids", "node_security_group_ids", "subnet_ids", "api_endpoint",
            "vpc_id"} <= set(outputs)


def test_the_module_holds_the_flat_layouts_resources_with_extra_tags_merged():
    flat = json.loads(_render("ha-private-bastion.yaml", "json", "flat")["kubernetes.tf.json"])
    module = json.loads(_render("ha-private-bastion.yaml", "json")["cluster/main.tf.json"])
    addresses = lambda doc: {(t, label) for t, labelled in doc["resource"].items() for label in labelled}  # noqa
    assert addresses(module) == addresses(flat)
    assert set(module["data"]) == set(flat.get("data", {}))
    for tf_type, labelled in module["resource"].items():
        for label, body in labelled.items():
            if "tags" in flat["resource"][tf_type][label]:
                assert body["tags"].startswith("${merge(var.tags, {"), (tf_type, label)
    asg = next(iter(module["resource"]["aws_autoscaling_group"].values()))
    assert asg["dynamic"]["tag"]["for_each"].startswith("${merge(var.tags, {") and "tag" not in asg


def test_for_each_over_two_clusters_from_one_root_validates(tmp_path: Path, initialised: Path):  # noqa: F811
    for folder, example in (("blue", "minimal.yaml"), ("green", "ha-private-bastion.yaml")):
        files = _render(example, "hcl")
        write_output(tmp_path / folder, {k: v for k, v in files.items() if k.startswith("cluster/")})
    write_output(tmp_path / "root", {
        "providers.tf": _render("minimal.yaml", "hcl")["providers.tf"],
        "versions.tf": _render("minimal.yaml", "hcl")["versions.tf"],
        "main.tf": b"""module "blue" {
  source   = "../blue/cluster"
  for_each = { a = { team = "a" }, b = { team = "b" } }
  tags     = each.value
  providers = {
    aws       = aws
    aws.files = aws.files
  }
}

module "green" {
  source = "../green/cluster"
  count  = 1
  providers = {
    aws       = aws
    aws.files = aws.files
  }
}

output "roles" {
  value = { for k, m in module.blue : k => m.nodes_role_arn }
}
"""})
    result = _validate(tmp_path / "root", initialised, {"blue": "../blue/cluster", "green": "../green/cluster"})
    assert result["valid"] and result["warning_count"] == 0, _problems(result)


def test_the_module_layout_is_fmt_clean(tmp_path: Path):
    write_output(tmp_path, _render("ha-private-bastion.yaml", "hcl"))
    proc = terraform.run(tmp_path, "fmt", "-check", "-recursive", "-diff", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# update cluster exits 1 for every error: 0 and 2 are its answers (no change / changes), as terraform plan's
@pytest.mark.parametrize("command,code", [(["render", "-f", "examples/minimal.yaml"], 2),
                                          (["update", "cluster", "c.example.com"], 1)])
def test_the_module_layout_is_refused_for_cloudformation_before_anything_is_written(command, code, tmp_path: Path):
    from click.testing import CliRunner

    from kopsgen.cli import cli
    from tests.support.paths import ROOT

    args = [a.replace("examples/", f"{ROOT}/examples/") for a in command]
    result = CliRunner().invoke(cli, [*args, "--target", "cloudformation", "--terraform-layout", "module",
                                      "--state", str(tmp_path / "state"), "--out", str(tmp_path / "out")])
    assert result.exit_code == code and "--terraform-layout module goes with --target terraform" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "state").exists()
