"""The benchmark's tools, and the laziness rule that keeps a render cheap.

The laziness rule: a render imports only what its work needs. Rendering to Terraform never
imports troposphere (the CloudFormation library); re-rendering a cluster whose CAs exist imports
neither cryptography (only creating a CA needs it) nor jsonschema (only an invalid spec needs it:
valid ones are checked by spec/schemacheck.py) nor boto3 (only an s3:// store needs it). Each
render runs as `kopsgen render` in a fresh interpreter, which then reports what it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run as bench_run
from bench.peer import run as bench_peer
from bench import scale
from kopsgen import pipeline
from tests.support.paths import ROOT, case_input

HEAVY = ("troposphere", "awacs", "cryptography", "jsonschema", "boto3", "botocore")

# Runs `kopsgen render ...` (argv), then prints which of HEAVY the interpreter imported, as JSON.
_RENDER_AND_REPORT = """
import json, sys
from kopsgen.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="kopsgen")
except SystemExit as done:
    code = done.code
print(json.dumps({"exit": code, "imported": sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))}))
""".replace("HEAVY", repr(HEAVY))


def _render(tmp_path: Path, spec: Path, target: str) -> dict:
    env = {"KOPSGEN_STATE_STORE": f"file://{tmp_path / 'state'}", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", _RENDER_AND_REPORT, "render", "--target", target, "-f", str(spec),
                           "-o", str(tmp_path / "out" / target)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def ha_first_render(tmp_path_factory):
    """The ha case rendered once (its CAs created), and what that first render imported."""
    folder = tmp_path_factory.mktemp("lazy")
    return folder, _render(folder, case_input("ha"), "terraform")


def test_creating_the_cas_imports_cryptography(ha_first_render):
    _, first = ha_first_render
    assert first["exit"] == 0
    assert "cryptography" in first["imported"]     # the probe sees imports, so the checks below mean something


def test_a_terraform_rerender_imports_no_cloudformation_crypto_schema_or_s3_library(ha_first_render):
    folder, _ = ha_first_render
    again = _render(folder, case_input("ha"), "terraform")
    assert again["exit"] == 0
    assert not {"troposphere", "cryptography", "jsonschema", "boto3", "botocore"} & set(again["imported"])


def test_a_cloudformation_rerender_imports_troposphere_but_no_crypto_schema_or_s3_library(ha_first_render):
    folder, _ = ha_first_render
    again = _render(folder, case_input("ha"), "cloudformation")
    assert again["exit"] == 0
    assert "troposphere" in again["imported"]
    assert not {"cryptography", "jsonschema", "boto3", "botocore"} & set(again["imported"])


def test_an_invalid_spec_is_worded_by_jsonschema(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(case_input("ha").read_text().replace("networkCIDR: 172.20.0.0/16", "networkCIDR: [1]"))
    result = _render(tmp_path, bad, "terraform")
    assert result["exit"] == 2
    assert "jsonschema" in result["imported"]


def test_the_benchmark_measures_renders_and_writes_its_table(tmp_path, capsys):
    results_file = tmp_path / "bench.json"
    code = bench_run.main(["--cases", "minimal-1.36", "--sizes", "1", "--runs", "1", "--sweep-runs", "1",
                           "--json", str(results_file)])
    assert code == 0
    results = json.loads(results_file.read_text())
    rows = {r["name"]: r for r in results["baselines"] + results["renders"] + results["sweep"]}
    assert set(rows) >= {"python -c pass", "minimal-1.36 terraform", "minimal-1.36 cloudformation",
                         "1 groups terraform", "1 groups cloudformation"}
    for row in rows.values():
        assert row["error"] is None and row["median_s"] > 0
    # a render does more than start Python: slower and bigger than the bare interpreter, measured apart
    assert rows["minimal-1.36 terraform"]["median_s"] > rows["python -c pass"]["median_s"]
    if rows["python -c pass"]["peak_mb"] is not None:   # measured with GNU time, where it is installed
        assert rows["minimal-1.36 terraform"]["peak_mb"] > rows["python -c pass"]["peak_mb"]
    assert "| minimal-1.36 terraform |" in capsys.readouterr().out


def test_the_benchmark_venv_imports_kopsgen_as_a_regular_install_does(tmp_path):
    python = bench_run.install_like_venv(sys.executable, tmp_path / "venv")
    probe = ("import sys, kopsgen, yaml, click; print(kopsgen.__file__); "
             "print(sorted(m for m in sys.modules if 'editable' in m))")
    found = subprocess.run([python, "-c", probe], check=True, capture_output=True, text=True).stdout.splitlines()
    assert Path(found[0]) == bench_run.ROOT / "kopsgen" / "__init__.py"
    assert found[1] == "[]"   # no import hook of an editable install runs at start-up


def test_the_benchmark_reads_a_re_renders_modules_and_imports_them_alone(tmp_path):
    env = {**os.environ, "KOPSGEN_STATE_STORE": f"file://{tmp_path / 'state'}"}
    render = bench_run._render(sys.executable, case_input("minimal-1.36"), "terraform", tmp_path / "out")
    modules = bench_run.modules_of(render, env, tmp_path / "modules.txt")
    assert {"kopsgen.render.terraform", "kopsgen.model.iam", "click", "yaml", "json"} <= set(modules)
    # a re-render neither makes CAs nor touches CloudFormation
    assert not {"cryptography", "troposphere", "kopsgen.render.cloudformation"} & set(modules)
    libraries = bench_run.libraries(modules)
    assert {"click", "yaml", "awacs.ec2"} <= set(libraries) and not {"json", "kopsgen.cli"} & set(libraries)
    for command in (bench_run.import_command(sys.executable, modules),
                    bench_run.import_command(sys.executable, libraries)):
        subprocess.run(command, check=True, env=env)


def test_the_generator_makes_n_node_groups_over_three_zones_and_a_control_plane():
    docs = scale.documents(10)
    cluster, groups = docs[0], docs[1:]
    assert cluster["kind"] == "Cluster" and cluster["metadata"]["name"] == "scale-10.example.com"
    nodes = [g for g in groups if g["spec"]["role"] == "Node"]
    masters = [g for g in groups if g["spec"]["role"] == "ControlPlane"]
    assert len(nodes) == 10 and len(masters) == 3
    assert {g["spec"]["subnets"][0] for g in nodes} == set(scale.ZONES) == {g["spec"]["subnets"][0] for g in masters}
    assert scale.spec_text(10) == scale.spec_text(10)
    with pytest.raises(ValueError):
        scale.documents(0)


def test_a_generated_spec_is_a_valid_cluster(tmp_path):
    path = tmp_path / "scale-4.yaml"
    path.write_text(scale.spec_text(4))
    spec = pipeline.load_spec([path])
    assert len(spec.node_groups) == 4 and len(spec.control_plane_groups) == 3


# --- make bench-peer: kopsgen against a peer tool, interleaved (a stand-in peer: installing AWS CDK is not cheap)

# Writes a CloudFormation template of three resources (and CDK's metadata) where CDK writes its own.
_STAND_IN_PEER = """
import json, os, pathlib
resources = {"Vpc": {"Type": "AWS::EC2::VPC"}, "SubnetA": {"Type": "AWS::EC2::Subnet"},
             "SubnetB": {"Type": "AWS::EC2::Subnet"}, "CDKMetadata": {"Type": "AWS::CDK::Metadata"}}
out = pathlib.Path(os.environ["CDK_OUTDIR"])
out.mkdir(parents=True, exist_ok=True)
(out / "stand-in.template.json").write_text(json.dumps({"Resources": resources}))
"""


def test_the_peer_benchmark_times_both_tools_and_counts_their_resources(tmp_path, capsys):
    peer_app = tmp_path / "app.py"
    peer_app.write_text(_STAND_IN_PEER)
    results_file = tmp_path / "peer.json"
    code = bench_peer.main(["--peer-python", sys.executable, "--peer-app", str(peer_app), "--runs", "2",
                            "--json", str(results_file)])
    assert code == 0
    results = json.loads(results_file.read_text())
    golden = ROOT / "examples" / "outputs" / "ha-private-bastion" / "cloudformation" / "json" / "ha.example.com.json"
    assert results["kopsgen"]["resources_by_type"] == bench_peer.resources([golden])
    assert results["peer"]["resources_by_type"] == {"AWS::EC2::Subnet": 2, "AWS::EC2::VPC": 1}
    for side in (results["kopsgen"], results["peer"]):
        assert side["error"] is None and len(side["runs_s"]) == 2 and side["min_s"] <= side["median_s"]
    assert results["ratio"] == round(results["peer"]["median_s"] / results["kopsgen"]["median_s"], 1)
    assert len(results["round_ratios"]) == 2
    out = capsys.readouterr().out
    total = sum(bench_peer.resources([golden]).values())
    assert f"| kopsgen render --target cloudformation | {total} |" in out and "times kopsgen's time" in out


@pytest.mark.parametrize("ours,peer,ratio,rounds", [
    ([1.0, 2.0, 3.0], [10.0, 30.0, 30.0], 15.0, [10.0, 15.0, 10.0]),
    ([0.5], [5.0], 10.0, [10.0]),
    ([], [5.0], None, []),          # a side with no measured run: no ratio
])
def test_the_peer_ratio_is_of_the_medians_and_of_each_rounds_pair(ours, peer, ratio, rounds):
    def side(runs):
        m = bench_run.Measure("x", [], seconds=runs)
        return bench_peer.side(m, {})
    found = bench_peer.compare(side(ours), side(peer))
    assert found["ratio"] == ratio and found["round_ratios"] == rounds
