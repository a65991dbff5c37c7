"""Committed files that are generated from the code, and the one command that regenerates them all.

    python tools/generate.py            # = golden: everything below (what `make golden` runs)
    python tools/generate.py docs       # docs/cli.md, docs/reference/*.md, docs/images/minimal.{dot,svg}
    python tools/generate.py examples   # examples/outputs/<example>/terraform/ and cloudformation/{json,yaml}/

The tests compare each committed file with a fresh generation (tests/system/test_docs.py,
tests/system/test_example_outputs.py, tests/system/test_cloudformation_golden.py, tests/render/test_graph.py),
so the docs cannot drift from `--help` or the schemas, and the example outputs cannot drift from what
kopsgen renders. After a deliberate change, run `make golden` and review the diff.

The examples are rendered against PINNED_STATE: fixed CA certificates (no private keys), so that
the user data they embed is the same on every run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:   # `python tools/generate.py` from anywhere
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
EXAMPLE_OUTPUTS = EXAMPLES / "outputs"
PINNED_STATE = EXAMPLE_OUTPUTS / "TEST-ONLY-certificates"
SCHEMAS = ROOT / "schemas"
# The example drawn in the README.
PICTURED_EXAMPLE = "minimal"
HELP_WIDTH = 100


def example_specs() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


# --- the pinned state store ------------------------------------------------------------------------


def keysets(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("keyset.yaml")}


def certificates_only(keyset_yaml: bytes) -> bytes:
    """A keyset without its private keys: enough to render (outputs embed only certificates)."""
    data = yaml.safe_load(keyset_yaml)
    for key in (data.get("spec") or {}).get("keys") or []:
        key.pop("privateMaterial", None)
    return yaml.safe_dump(data, sort_keys=True).encode()


@contextmanager
def pinned_state_store(keep_new: bool = False) -> Iterator[Path]:
    """KOPSGEN_STATE_STORE set to a temporary copy of PINNED_STATE while the block runs; the pinned
    store itself is never written by a render. With `keep_new`, CAs a render had to create (a new
    example) are added to PINNED_STATE afterwards, certificates only."""
    with tempfile.TemporaryDirectory(prefix="kopsgen-pinned-") as tmp:
        folder = Path(tmp) / "state"
        if PINNED_STATE.exists():
            shutil.copytree(PINNED_STATE, folder)
        folder.mkdir(exist_ok=True)
        before = keysets(folder)
        old = os.environ.get("KOPSGEN_STATE_STORE")
        os.environ["KOPSGEN_STATE_STORE"] = f"file://{folder}"
        try:
            yield folder
        finally:
            if old is None:
                os.environ.pop("KOPSGEN_STATE_STORE", None)
            else:
                os.environ["KOPSGEN_STATE_STORE"] = old
        if keep_new:
            for key in sorted(keysets(folder) - before):
                target = PINNED_STATE / key
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(certificates_only((folder / key).read_bytes()))


# --- examples/outputs ------------------------------------------------------------------------------


def example_terraform(example: Path, state: Path) -> dict[str, bytes]:
    """The Terraform output of one example, by path relative to its folder, its CAs kept in the state store
    folder `state` (the one pinned_state_store() yields)."""
    from kopsgen import pipeline
    from kopsgen.state import open_store

    session = pipeline.open_session(pipeline.load_spec([example]), open_store(f"file://{state}"))
    return pipeline.render(session, "terraform", "hcl")


def terraform_folder(example: Path) -> Path:
    return EXAMPLE_OUTPUTS / example.stem / "terraform"


CLOUDFORMATION_FORMATS = ("json", "yaml")


def example_cloudformation(example: Path, fmt: str, state: Path) -> dict[str, bytes]:
    """The CloudFormation output of one example in one format (templates and DEPLOY.md), by path relative
    to its folder, its CAs kept in the state store folder `state`."""
    from kopsgen import pipeline
    from kopsgen.state import open_store

    session = pipeline.open_session(pipeline.load_spec([example]), open_store(f"file://{state}"))
    return pipeline.render(session, "cloudformation", fmt)


def cloudformation_folder(example: Path, fmt: str) -> Path:
    return EXAMPLE_OUTPUTS / example.stem / "cloudformation" / fmt


def _replace_folder(folder: Path, files: dict[str, bytes]) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    for path, data in sorted(files.items()):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


def write_examples() -> list[Path]:
    """examples/outputs/: each example's Terraform and CloudFormation (both formats), rendered in one
    pinned store, so that CAs a new example needs are created once and kept for both targets."""
    written = []
    with pinned_state_store(keep_new=True) as state:
        for example in example_specs():
            written.append(_replace_folder(terraform_folder(example), example_terraform(example, state)))
            for fmt in CLOUDFORMATION_FORMATS:
                files = example_cloudformation(example, fmt, state)
                written.append(_replace_folder(cloudformation_folder(example, fmt), files))
    return written


# --- docs/cli.md: the command reference, from click's own help ----------------------------------


def _commands(group, ctx) -> Iterator[tuple[object, "object", list[str]]]:
    """(context, command, other names) of every command under `group`, depth first, by name. A command
    registered under two names (`get instancegroups` and `get ig`) is listed once, under its own name."""
    import click

    by_object: dict[int, list[str]] = {}
    for name, command in group.commands.items():
        by_object.setdefault(id(command), []).append(name)
    for name in sorted(group.commands):
        command = group.commands[name]
        names = by_object[id(command)]
        own = command.name if command.name in names else sorted(names)[0]
        if name != own:
            continue
        sub = _context(command, name, ctx)
        yield sub, command, sorted(n for n in names if n != own)
        if isinstance(command, click.Group):
            yield from _commands(command, sub)


def _context(command, name: str, parent=None):
    """A context as click makes one when it runs `command` (its context_settings: -h as well as --help), at
    a fixed width so the text does not depend on the terminal."""
    import click

    settings = {**command.context_settings, "terminal_width": HELP_WIDTH, "max_content_width": HELP_WIDTH}
    return click.Context(command, info_name=name, parent=parent, **settings)


def _anchor(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def cli_reference() -> str:
    from kopsgen.cli import cli

    root = _context(cli, "kopsgen")
    entries = [(root, cli, [])] + list(_commands(cli, root))
    lines = ["# Command reference", "",
             "Every command's `--help`, as kopsgen prints it. Generated by `make golden` from the code; do not edit.",
             "The [user guide](user-guide.md) explains the commands with examples.", ""]
    for ctx, _, aliases in entries:
        title = ctx.command_path
        alias = f" (also `{' '.join(ctx.command_path.split()[:-1] + [aliases[0]])}`)" if aliases else ""
        lines.append(f"- [`{title}`](#{_anchor(title)}){alias}")
    lines.append("")
    for ctx, command, aliases in entries:
        lines += [f"## {ctx.command_path}", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


# --- docs/reference/*.md: the fields, from the JSON Schemas ---------------------------------------

REFERENCE_PAGES = {"cluster": ("Cluster", "cluster.schema.json"),
                   "instancegroup": ("InstanceGroup", "instancegroup.schema.json")}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


class _SchemaPage:
    """One schema as Markdown: a table of fields for the top level and for each object type it uses."""

    def __init__(self, schema: dict):
        self.schema = schema
        self.defs: dict = schema.get("$defs", {})
        self.queue: list[str] = []

    def resolve(self, node: dict) -> tuple[str | None, dict]:
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return name, self.defs[name]
        return None, node

    def is_object(self, node: dict) -> bool:
        return bool(node.get("properties"))

    def link(self, name: str) -> str:
        if name not in self.queue:
            self.queue.append(name)
        return f"[{name}](#{name.lower()})"

    def type_text(self, node: dict) -> str:
        name, target = self.resolve(node)
        if name and self.is_object(target):
            return self.link(name)
        if "const" in target:
            return f"`{target['const']}`"
        if "enum" in target:
            return "one of " + ", ".join(f"`{v}`" for v in target["enum"])
        kind = target.get("type")
        if kind == "array":
            return "list of " + self.type_text(target.get("items") or {})
        if kind == "object" and isinstance(target.get("additionalProperties"), dict):
            return "map of string to " + self.type_text(target["additionalProperties"])
        if isinstance(kind, list):
            return " or ".join(kind)
        return kind or "any"

    def notes(self, node: dict) -> str:
        name, target = self.resolve(node)
        description = node.get("description") or target.get("description") or ""
        extras = []
        message = node.get("x-kopsgen-message") or target.get("x-kopsgen-message")
        if message and target.get("type") != "array":
            extras.append(f"Format: {message}.")
        for bound, word in (("minimum", "at least"), ("maximum", "at most")):
            if bound in target:
                extras.append(f"{word.capitalize()} {target[bound]}.")
        unsupported = node.get("x-kopsgen-unsupported") or target.get("x-kopsgen-unsupported")
        if unsupported:
            extras.append(f"**Not built by kopsgen:** {unsupported}.")
        return " ".join(part for part in [description, *extras] if part)

    def table(self, node: dict) -> list[str]:
        required = set(node.get("required") or ())
        rows = ["| field | type | description |", "|---|---|---|"]
        for field in sorted(node.get("properties") or {}):
            child = node["properties"][field]
            mark = " (required)" if field in required else ""
            rows.append(f"| `{field}`{mark} | {_cell(self.type_text(child))} | {_cell(self.notes(child))} |")
        return rows

    def markdown(self, kind: str, source: str) -> str:
        lines = [f"# {kind} fields", "",
                 f"Every field of the `{kind}` object (`apiVersion: kops.k8s.io/v1alpha2`) that kopsgen reads. "
                 f"Generated by `make golden` from [schemas/{source}](../../schemas/{source}); do not edit. "
                 f"`kopsgen schema {kind.lower()}` prints the schema itself, for editors.", "",
                 f"## {kind}", "", self.schema.get("description", ""), "", *self.table(self.schema), ""]
        done: set[str] = set()
        while len(done) < len(self.queue):
            name = next(n for n in self.queue if n not in done)
            done.add(name)
            target = self.defs[name]
            lines += [f"## {name}", ""]
            if target.get("description"):
                lines += [target["description"], ""]
            lines += [*self.table(target), ""]
        return "\n".join(lines)


def field_reference(page: str) -> str:
    import json

    kind, source = REFERENCE_PAGES[page]
    return _SchemaPage(json.loads((SCHEMAS / source).read_text())).markdown(kind, source)


# --- docs/images: the README's picture -------------------------------------------------------------


def graph_dot(example: str = PICTURED_EXAMPLE) -> str:
    from kopsgen import graph, pipeline
    from kopsgen.state import open_store

    with pinned_state_store() as state:
        spec = pipeline.load_spec([EXAMPLES / f"{example}.yaml"])
        session = pipeline.open_session(spec, open_store(f"file://{state}"))
        return graph.to_dot(graph.picture(pipeline.build_graph(session), spec.cluster.name))


def docs_files() -> dict[Path, str]:
    """Every generated file under docs/ but the SVG (which needs Graphviz), by path."""
    files = {DOCS / "cli.md": cli_reference(), DOCS / "images" / f"{PICTURED_EXAMPLE}.dot": graph_dot()}
    for page in REFERENCE_PAGES:
        files[DOCS / "reference" / f"{page}.md"] = field_reference(page)
    return files


def write_docs() -> list[Path]:
    from kopsgen import graph

    files = docs_files()
    dot_text = files[DOCS / "images" / f"{PICTURED_EXAMPLE}.dot"]
    if graph.dot_program() is None:
        print(f"note: {graph.DOT_MISSING} docs/images/{PICTURED_EXAMPLE}.svg was not regenerated.", file=sys.stderr)
    else:
        files[DOCS / "images" / f"{PICTURED_EXAMPLE}.svg"] = graph.to_svg(dot_text)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def main(argv: list[str]) -> int:
    what = argv[1:] or ["golden"]
    unknown = set(what) - {"golden", "docs", "examples"}
    if unknown:
        print(f"usage: python tools/generate.py [golden | docs | examples]  (unknown: {', '.join(sorted(unknown))})",
              file=sys.stderr)
        return 2
    if "golden" in what:
        what = ["docs", "examples"]
    written: list[Path] = []
    if "docs" in what:
        written += write_docs()
    if "examples" in what:
        written += write_examples()
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
