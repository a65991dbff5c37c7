"""`kopsgen graph`: the resource graph as a picture (Graphviz DOT, SVG through `dot`, or Mermaid).

A node is one resource of the IR graph, labelled with its kind and its name; an arrow goes from a
resource to each resource it refers to (every `Ref` inside it), so it reads "uses". Nodes are grouped
by their kind's `category` (network, security, IAM, compute, ...). The text is deterministic: the same
spec gives the same bytes, so a picture can be committed and checked for drift.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass

from kopsgen.errors import KopsgenError, UsageError
from kopsgen.ir.base import Graph, Resource, iter_refs

FORMATS = ("dot", "svg", "mermaid")
# Which format an output file's extension means, when --format is not given.
EXTENSIONS = {".dot": "dot", ".gv": "dot", ".svg": "svg", ".mmd": "mermaid", ".mermaid": "mermaid"}


@dataclass(frozen=True)
class Group:
    title: str
    fill: str     # background of the group's box
    border: str   # its border, and the border of its nodes


# Every category of an IR kind, in the order the groups are drawn. A kind whose category is not here
# fails tests/render/test_graph.py, so a new category gets a title and colours when it is introduced.
GROUPS: dict[str, Group] = {
    "network": Group("Network", "#eaf2fb", "#5b8dc9"),
    "firewall": Group("Security groups and rules", "#fdecea", "#c9605b"),
    "loadbalancer": Group("Load balancing", "#f3eafb", "#8d5bc9"),
    "iam": Group("IAM", "#fdf5e6", "#c99a3c"),
    "compute": Group("Compute", "#eaf7ee", "#4e9a63"),
    "storage": Group("Storage", "#eef0f2", "#6b7785"),
    "dns": Group("DNS", "#e8f7f7", "#3c9a9a"),
    "events": Group("Events: termination handler", "#fbf3e9", "#b87d3c"),
    "logs": Group("Logs", "#eef7e8", "#6a9a3c"),
    "encryption": Group("Encryption keys", "#f7e8f2", "#9a3c7d"),
    "files": Group("State-store files", "#f4f4f4", "#999999"),
    "other": Group("Other", "#ffffff", "#999999"),
}


class GraphFormatError(KopsgenError):
    exit_code = 1


@dataclass(frozen=True)
class Node:
    id: str          # stable and unique: "<Kind>:<name>"
    kind: str
    name: str        # the resource's name
    label_name: str  # the name as shown: without the cluster name where that leaves it unambiguous
    category: str


@dataclass(frozen=True)
class Picture:
    """The graph reduced to what a picture shows, in drawing order."""

    title: str
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]   # (from node id, to node id), sorted, no duplicates

    def groups(self) -> list[tuple[str, list[Node]]]:
        by_category: dict[str, list[Node]] = {}
        for node in self.nodes:
            by_category.setdefault(node.category, []).append(node)
        return [(c, by_category[c]) for c in GROUPS if c in by_category]


def node_id(resource: Resource) -> str:
    return f"{type(resource).__name__}:{resource.name}"


def picture(graph: Graph, cluster: str) -> Picture:
    """What `kopsgen graph` draws for a graph of cluster `cluster`."""
    resources = list(graph)   # Graph iterates in a stable order: by kind, then name
    short = _short_names(resources, cluster)
    nodes = tuple(Node(node_id(r), type(r).__name__, r.name, short[node_id(r)],
                       type(r).category if type(r).category in GROUPS else "other") for r in resources)
    edges = set()
    for resource in resources:
        for _, ref in iter_refs(resource):
            target = f"{ref.kind.__name__}:{ref.name}"
            if target != node_id(resource):
                edges.add((node_id(resource), target))
    return Picture(cluster, nodes, tuple(sorted(edges)))


def _short_names(resources: list[Resource], cluster: str) -> dict[str, str]:
    """Names without the cluster name (`masters.c.example.com` -> `masters`,
    `from-nodes.c.example.com-egress-all` -> `from-nodes-egress-all`), which most nodes would repeat;
    the picture's title names the cluster. A name that would become empty, or the same as another of
    its kind, is shown whole."""
    patterns = []
    for form in (cluster, cluster.replace(".", "-")):
        word = re.escape(form)
        patterns += [re.compile(rf"^{word}[.-]"), re.compile(rf"[.-]{word}(?=$|[.-])")]
    shortened: dict[str, str] = {}
    for r in resources:
        name = r.name
        for pattern in patterns:
            name = pattern.sub("", name)
        shortened[node_id(r)] = name
    counts = Counter((type(r).__name__, shortened[node_id(r)]) for r in resources)
    return {node_id(r): shortened[node_id(r)]
            if shortened[node_id(r)] and counts[(type(r).__name__, shortened[node_id(r)])] == 1 else r.name
            for r in resources}


# --- Graphviz DOT --------------------------------------------------------------------------------


def _dot_quote(*lines: str) -> str:
    """A quoted DOT string; several lines are joined with DOT's line break (a backslash and n)."""
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def to_dot(pic: Picture) -> str:
    lines = [
        f"digraph {_dot_quote(pic.title)} {{",
        f"  graph [label={_dot_quote(pic.title + ': resources, arrows point at what each uses')}, "
        'labelloc=t, fontname="Helvetica", fontsize=16, rankdir=LR, nodesep=0.15, ranksep=1.2];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
        '  edge [color="#7a7a7a", arrowsize=0.6];',
    ]
    for category, nodes in pic.groups():
        group = GROUPS[category]
        lines.append(f"  subgraph {_dot_quote('cluster_' + category)} {{")
        lines.append(f"    label={_dot_quote(group.title)}; style=\"rounded,filled\"; "
                     f"fillcolor={_dot_quote(group.fill)}; color={_dot_quote(group.border)}; fontsize=12;")
        for node in nodes:
            lines.append(f"    {_dot_quote(node.id)} [label={_dot_quote(node.kind, node.label_name)}, "
                         f"color={_dot_quote(group.border)}];")
        lines.append("  }")
    for source, target in pic.edges:
        lines.append(f"  {_dot_quote(source)} -> {_dot_quote(target)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid ---------------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text for inside a quoted Mermaid label: quotes and markup characters as entity codes."""
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;"))


def to_mermaid(pic: Picture) -> str:
    ids = {node.id: f"n{i}" for i, node in enumerate(pic.nodes)}   # Mermaid IDs must be plain words
    # the front matter is YAML: the title is quoted, as JSON (a YAML subset), since it holds ": "
    title = json.dumps(f"{pic.title}: resources, arrows point at what each uses")
    lines = ["---", f"title: {title}", "---", "flowchart LR"]
    for category, nodes in pic.groups():
        lines.append(f'  subgraph {category}["{_mermaid_text(GROUPS[category].title)}"]')
        for node in nodes:
            lines.append(f'    {ids[node.id]}["{_mermaid_text(node.kind)}<br/>{_mermaid_text(node.label_name)}"]')
        lines.append("  end")
    for source, target in pic.edges:
        lines.append(f"  {ids[source]} --> {ids[target]}")
    for category, _ in pic.groups():
        group = GROUPS[category]
        lines.append(f"  style {category} fill:{group.fill},stroke:{group.border}")
    return "\n".join(lines) + "\n"


# --- SVG, through Graphviz's dot program --------------------------------------------------------

DOT_MISSING = ("SVG output needs Graphviz's `dot` program, which is not installed "
               "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz). "
               "Without it, use --format dot or --format mermaid.")


def dot_program() -> str | None:
    return shutil.which("dot")


def to_svg(dot_text: str) -> str:
    program = dot_program()
    if program is None:
        raise GraphFormatError(DOT_MISSING)
    result = subprocess.run([program, "-Tsvg"], input=dot_text.encode(), capture_output=True, check=False)
    if result.returncode != 0:
        raise GraphFormatError(f"dot -Tsvg failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode()


def render(pic: Picture, fmt: str) -> str:
    """The picture in `fmt` (one of FORMATS), as the text to write."""
    if fmt == "mermaid":
        return to_mermaid(pic)
    dot_text = to_dot(pic)
    return to_svg(dot_text) if fmt == "svg" else dot_text


def format_for(path: str | None, fmt: str | None) -> str:
    """The format asked for: --format if given, else the output file's extension, else DOT."""
    if fmt:
        return fmt
    if not path or path == "-":
        return "dot"
    for extension, found in EXTENSIONS.items():
        if path.lower().endswith(extension):
            return found
    known = ", ".join(EXTENSIONS)
    raise UsageError(f"cannot tell the format from {path!r} (known extensions: {known}); give --format")
