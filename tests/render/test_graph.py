"""`kopsgen graph`: the resource graph as DOT, SVG and Mermaid.

The DOT output is read back by Graphviz itself (`dot -Tjson`), so the checks are on what Graphviz
understood: which boxes exist, in which group, and which arrows join them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen import graph as pictures
from kopsgen import pipeline
from kopsgen.cli import cli
from kopsgen.ir import resource_kinds
from tools.generate import DOCS, EXAMPLES, PICTURED_EXAMPLE, graph_dot, pinned_state_store
from tests.support.sessions import session

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz's dot is not installed (make install adds it as root)")
MINIMAL = EXAMPLES / "minimal.yaml"
HA = EXAMPLES / "ha-private-bastion.yaml"

# The group each kind of resource is drawn in: a design decision, written out here so that a new kind
# (or a changed category) is a conscious choice. Category names are also the CloudFormation nested stacks'.
EXPECTED_CATEGORY = {
    "Vpc": "network", "VpcCidrBlock": "network", "SharedVpc": "network", "Subnet": "network",
    "InternetGateway": "network", "SharedInternetGateway": "network", "EgressOnlyInternetGateway": "network",
    "NatGateway": "network", "ElasticIp": "network", "SharedElasticIp": "network", "RouteTable": "network",
    "Route": "network", "RouteTableAssociation": "network", "DhcpOptions": "network",
    "DhcpOptionsAssociation": "network", "FlowLog": "network",
    "SecurityGroup": "firewall", "SecurityGroupRule": "firewall", "DefaultSecurityGroup": "firewall",
    "NetworkLoadBalancer": "loadbalancer", "TargetGroup": "loadbalancer", "LoadBalancerListener": "loadbalancer",
    "IamRole": "iam", "IamRolePolicy": "iam", "IamRolePolicyAttachment": "iam", "IamInstanceProfile": "iam",
    "IamOidcProvider": "iam", "AwsAccount": "iam",
    "LaunchTemplate": "compute", "AutoscalingGroup": "compute", "AutoscalingLifecycleHook": "compute",
    "ImageLookup": "compute", "SsmParameterLookup": "compute", "KeyPair": "compute",
    "EbsVolume": "storage",
    "AliasRecord": "dns", "PrivateZoneAssociation": "dns", "SharedHostedZone": "dns",
    "EventRule": "events", "EventTarget": "events", "SqsQueue": "events",
    "StateFile": "files",
    "LogGroup": "logs", "KmsKey": "encryption",
}


def test_every_kind_has_a_sensible_group():
    kinds = {k.__name__: k.category for k in resource_kinds()}
    unknown = sorted(set(kinds) - set(EXPECTED_CATEGORY))
    assert not unknown, f"new resource kinds {unknown}: give each a category and add it to EXPECTED_CATEGORY"
    wrong = {name: category for name, category in kinds.items() if EXPECTED_CATEGORY[name] != category}
    assert not wrong, f"kinds in an unexpected group: {wrong}"
    assert set(kinds.values()) <= set(pictures.GROUPS) - {"other"}


@pytest.fixture(scope="module")
def minimal():
    with pinned_state_store():
        spec = pipeline.load_spec([MINIMAL])
        graph = pipeline.build_graph(session(spec))
    return graph, pictures.picture(graph, spec.cluster.name)


def _dot_json(dot_text: str) -> dict:
    result = subprocess.run([DOT, "-Tjson"], input=dot_text.encode(), capture_output=True, check=True)
    return json.loads(result.stdout)


def _read_back(dot_text: str) -> tuple[dict[str, str], set[tuple[str, str]], dict[str, str]]:
    """What Graphviz read: {node: group label}, {(from, to)}, {node: label}."""
    data = _dot_json(dot_text)
    objects = data["objects"]
    group_of, label_of = {}, {}
    for obj in objects:
        if "nodes" in obj and obj["name"].startswith("cluster_"):
            for index in obj["nodes"]:
                group_of[objects[index]["name"]] = obj["label"]
    for obj in objects:
        if "nodes" not in obj:
            label_of[obj["name"]] = obj["label"]
    edges = {(objects[e["tail"]]["name"], objects[e["head"]]["name"]) for e in data.get("edges", [])}
    return group_of, edges, label_of


@needs_dot
def test_dot_holds_every_resource_once_in_its_group(minimal):
    graph, pic = minimal
    group_of, _, label_of = _read_back(pictures.to_dot(pic))
    expected = {f"{type(r).__name__}:{r.name}": pictures.GROUPS[type(r).category].title for r in graph}
    assert group_of == expected
    assert set(label_of) == set(expected)
    for node, label in label_of.items():
        kind, name = label.split("\\n")
        assert node.startswith(kind + ":") and name
        full = iter(re.split(r"[.-]", node.split(":", 1)[1]))
        assert all(word in full for word in re.split(r"[.-]", name)), (node, name)   # the name, less some words


@needs_dot
def test_dot_arrows_are_the_references(minimal):
    """A few references checked by hand against the minimal example, then the count."""
    _, pic = minimal
    _, edges, _ = _read_back(pictures.to_dot(pic))
    c = "minimal.example.com"
    for edge in [(f"Subnet:eu-west-1a.{c}", f"Vpc:{c}"),
                 (f"RouteTableAssociation:eu-west-1a.{c}", f"Subnet:eu-west-1a.{c}"),
                 (f"AutoscalingGroup:nodes-eu-west-1a.{c}", f"LaunchTemplate:nodes-eu-west-1a.{c}"),
                 (f"LaunchTemplate:nodes-eu-west-1a.{c}", f"IamInstanceProfile:nodes.{c}"),
                 (f"LaunchTemplate:nodes-eu-west-1a.{c}", f"SecurityGroup:nodes.{c}"),
                 (f"IamInstanceProfile:masters.{c}", f"IamRole:masters.{c}"),
                 (f"SecurityGroup:masters.{c}", f"Vpc:{c}")]:
        assert edge in edges, edge
    assert (f"Vpc:{c}", f"Subnet:eu-west-1a.{c}") not in edges   # arrows point at what is used
    assert len(edges) == len(pic.edges) and all(a != b for a, b in edges)


def test_labels_drop_the_cluster_name_only_where_unambiguous(minimal):
    _, pic = minimal
    labels = {n.id: n.label_name for n in pic.nodes}
    c = "minimal.example.com"
    assert labels[f"SecurityGroup:masters.{c}"] == "masters"
    assert labels[f"SecurityGroupRule:from-nodes.{c}-ingress-tcp-1to2379-masters.{c}"] == \
        "from-nodes-ingress-tcp-1to2379-masters"
    assert labels["SqsQueue:minimal-example-com-nth"] == "nth"
    assert labels[f"Vpc:{c}"] == c   # nothing would be left: shown whole
    per_kind = [(n.kind, n.label_name) for n in pic.nodes]
    assert len(per_kind) == len(set(per_kind))


def test_output_is_the_same_in_another_process():
    """Hash seeds differ between processes: nothing may depend on set or dict order of strings."""
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        code = "from tools.generate import graph_dot; import sys; sys.stdout.write(graph_dot())"
        runs.append(subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2], env=env,
                                   capture_output=True, text=True, check=True).stdout)
    assert runs[0] == runs[1] and runs[0].startswith('digraph "minimal.example.com"')


def test_mermaid_declares_every_node_once_and_links_only_declared_nodes(minimal):
    graph, pic = minimal
    text = pictures.to_mermaid(pic)
    _, front_matter, body = text.split("---\n", 2)
    assert yaml.safe_load(front_matter) == {"title": "minimal.example.com: resources, arrows point at what each uses"}
    assert body.splitlines()[0] == "flowchart LR"
    declared = re.findall(r'^    (n\d+)\["', text, re.M)
    links = re.findall(r"^  (n\d+) --> (n\d+)$", text, re.M)
    subgraphs = re.findall(r'^  subgraph (\w+)\["', text, re.M)
    assert len(declared) == len(set(declared)) == len(graph)
    assert {a for a, _ in links} | {b for _, b in links} <= set(declared)
    assert len(links) == len(pic.edges)
    assert set(subgraphs) == {type(r).category for r in graph}
    assert text.count("  end\n") == len(subgraphs)


def test_mermaid_escapes_label_characters():
    pic = pictures.Picture("c", (pictures.Node('K:a"b<c>', "K", 'a"b<c>', 'a"b<c>', "network"),), ())
    line = next(line for line in pictures.to_mermaid(pic).splitlines() if line.startswith("    n0"))
    assert line == '    n0["K<br/>a#quot;b#lt;c#gt;"]'


@needs_dot
def test_cli_writes_svg_that_shows_every_resource(tmp_path, minimal):
    graph, _ = minimal
    out = tmp_path / "graph.svg"
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["graph", "-f", str(MINIMAL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(graph)} resources" in result.output
    root = ET.fromstring(out.read_text())
    ns = {"svg": "http://www.w3.org/2000/svg"}
    nodes = root.findall(".//svg:g[@class='node']", ns)
    clusters = root.findall(".//svg:g[@class='cluster']", ns)
    assert len(nodes) == len(graph)
    assert len(clusters) == len({type(r).category for r in graph})


@pytest.mark.parametrize("name,fmt,start", [("g.dot", None, "digraph "), ("g.gv", None, "digraph "),
                                            ("g.mmd", None, "---\ntitle:"), ("g.txt", "mermaid", "---\ntitle:"),
                                            ("g.mmd", "dot", "digraph ")])
def test_format_follows_the_extension_unless_given(tmp_path, name, fmt, start):
    out = tmp_path / name
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["graph", "-f", str(MINIMAL), "-o", str(out)]
                                    + (["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith(start)


def test_unknown_extension_is_a_clear_error(tmp_path):
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["graph", "-f", str(MINIMAL), "-o", str(tmp_path / "g.png")])
    assert result.exit_code == 2   # the user's to fix
    assert "cannot tell the format from" in result.stderr and "--format" in result.stderr
    assert not (tmp_path / "g.png").exists()


def test_svg_without_graphviz_says_what_to_install(tmp_path):
    """The real CLI with a PATH that has no `dot` on it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = {**os.environ, "PATH": str(bin_dir), "KOPSGEN_STATE_STORE": f"file://{tmp_path}/state"}
    result = subprocess.run([sys.executable, "-m", "kopsgen", "graph", "-f", str(MINIMAL), "-o",
                             str(tmp_path / "g.svg")], env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "needs Graphviz's `dot` program" in result.stderr and "apt-get install graphviz" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "g.svg").exists()


def test_stdout_is_dot_by_default(tmp_path):
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["graph", str(HA)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith('digraph "ha.example.com"') and result.stdout.endswith("}\n")
    assert "cluster_network" in result.stdout and "NatGateway" in result.stdout


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_drawing_writes_nothing_to_the_state_store(tmp_path):
    """Building the graph makes the cluster's CAs on first use; a picture must not leave them behind. The
    picture is the same as one drawn with the CAs in place (they change no resource or arrow)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    for store in (empty, tmp_path / "missing"):
        result = CliRunner().invoke(cli, ["graph", "-f", str(MINIMAL)], env={"KOPSGEN_STATE_STORE": f"file://{store}"})
        assert result.exit_code == 0, result.output
        assert (_files(store) if store.exists() else None) == ({} if store == empty else None)
    with pinned_state_store() as pinned:
        before = _files(pinned)
        with_cas = CliRunner().invoke(cli, ["graph", "-f", str(MINIMAL)])
        assert _files(pinned) == before
    assert with_cas.stdout == result.stdout


def test_committed_picture_is_current():
    committed = (DOCS / "images" / f"{PICTURED_EXAMPLE}.dot").read_text()
    assert committed == graph_dot(), "docs/images/minimal.dot is out of date: run `make golden`"


@needs_dot
def test_committed_svg_is_the_committed_dot_drawn():
    """dot's SVG changes between Graphviz versions, so it is compared only when drawn by the same version
    as the committed one (its header says which); the DOT above is compared always."""
    svg = (DOCS / "images" / f"{PICTURED_EXAMPLE}.svg").read_text()
    drawn_by = re.search(r"Generated by graphviz version ([^\s]+)", svg)
    ours = subprocess.run([DOT, "-V"], capture_output=True, text=True).stderr
    if not drawn_by or drawn_by.group(1) not in ours:
        pytest.skip(f"docs/images/{PICTURED_EXAMPLE}.svg was drawn by another Graphviz ({ours.strip()})")
    dot_text = (DOCS / "images" / f"{PICTURED_EXAMPLE}.dot").read_text()
    assert svg == pictures.to_svg(dot_text), "docs/images/minimal.svg is out of date: run `make golden`"
