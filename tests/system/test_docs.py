"""docs/ and README: generated pages equal a fresh generation, every `kopsgen` command in a ```sh block
exists with the flags and choices it uses, and every relative link leads somewhere."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from kopsgen.cli import cli
from tools.generate import DOCS, REFERENCE_PAGES, ROOT, cli_reference, field_reference

PAGES = sorted([ROOT / "README.md", ROOT / "examples" / "README.md", *DOCS.rglob("*.md")])
HAND_WRITTEN = ["user-guide.md", "migrating-from-kops.md", "cloudformation.md", "terraform-backend.md"]
# What the README's design notes became: linked from the README, not held to the short-sentence rule.
MOVED_FROM_README = ["architecture.md", "differences-from-kops.md", "security.md", "performance.md", "measured.md",
                     "testing.md"]


def test_command_reference_is_current():
    assert (DOCS / "cli.md").read_text() == cli_reference(), "docs/cli.md is out of date: run `make golden`"


@pytest.mark.parametrize("page", sorted(REFERENCE_PAGES))
def test_field_reference_is_current(page):
    committed = (DOCS / "reference" / f"{page}.md").read_text()
    assert committed == field_reference(page), f"docs/reference/{page}.md is out of date: run `make golden`"


def test_field_reference_lists_the_schema_fields():
    """Spot checks against the schema's own words, so the generator cannot lose fields quietly."""
    cluster = (DOCS / "reference" / "cluster.md").read_text()
    for row in ["| `networkCIDR` |", "| `zone` (required) |", "| `kubernetesVersion` (required) |"]:
        assert row in cluster, row
    assert "## ClusterSubnetSpec" in cluster and "[ClusterSubnetSpec](#clustersubnetspec)" in cluster
    assert "**Not built by kopsgen:**" in cluster
    instancegroup = (DOCS / "reference" / "instancegroup.md").read_text()
    assert "| `machineType` (required) |" in instancegroup and "## InstanceGroupSpec" in instancegroup


# --- commands in the docs -------------------------------------------------------------------------


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def _kopsgen_commands(block: str) -> list[list[str]]:
    """The argument lists of every `kopsgen` invocation in a shell block, `$(...)` included."""
    found = []
    text = block.replace("\\\n", " ")
    for inner in re.findall(r"\$\(([^()]*)\)", text):
        found += _kopsgen_commands(inner)
    text = re.sub(r"\$\([^()]*\)", "X", text)
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in list(lexer) + [";"]:
            if token in ("&&", "||", "|", ";", "&", ">", ">>", "<"):
                while words and re.match(r"^[A-Z_]+=", words[0]):   # VAR=value before the command
                    words.pop(0)
                if words and words[0].split("/")[-1] == "kopsgen":
                    found.append(words[1:])
                words = [] if token != ">" and token != ">>" else ["<redirect>"]
            else:
                words.append(token)
    return found


def _check(args: list[str]) -> str | None:
    """What is wrong with `kopsgen ARGS` (unknown command, flag or choice), or None."""
    command: click.Command = cli
    path = ["kopsgen"]
    words = list(args)
    while words:
        word = words.pop(0)
        if word.startswith("-") and len(word) > 1:
            problem = _option(command, word, words)
            if problem:
                return f"{' '.join(path)}: {problem}"
        elif isinstance(command, click.Group):
            if word not in command.commands:
                if getattr(command, "invoke_without_command", False):
                    continue
                return f"{' '.join(path)} has no command {word!r}"
            command = command.commands[word]
            path.append(word)
    return None


def _option(command: click.Command, word: str, rest: list[str]) -> str | None:
    name, _, inline = word.partition("=")
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            if param.is_flag or param.count:
                return None
            value = inline or (rest.pop(0) if rest else "")
            if isinstance(param.type, click.Choice) and value not in param.type.choices:
                return f"{name} {value!r} is not one of {list(param.type.choices)}"
            return None
    return f"no option {name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_documented_command_exists(page):
    problems = []
    for block in _sh_blocks(page.read_text()):
        for args in _kopsgen_commands(block):
            problem = _check(args)
            if problem:
                problems.append(f"`kopsgen {' '.join(args)}`: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("args,problem", [
    (["render", "--target", "terraform", "-f", "c.yaml"], None),
    (["render", "--taget", "terraform"], "no option --taget"),
    (["render", "--target", "pulumi"], "is not one of"),
    (["get", "clusterz"], "has no command"),
    (["-q", "get", "cluster", "-o", "table", "c.example.com"], None),
])
def test_the_command_check_catches_mistakes(args, problem):
    found = _check(args)
    assert (found is None) if problem is None else (problem in found)


def test_commands_are_found_in_shell_blocks():
    block = ('KOPSGEN_STATE_STORE=s3://b kopsgen create -f c.yaml && kopsgen get clusters | head\n'
             'eval "$(kopsgen completion bash)"\n'
             'kopsgen render \\\n  --target terraform -f c.yaml   # a comment\n'
             'cd out && terraform init\n')
    assert _kopsgen_commands(block) == [["completion", "bash"], ["create", "-f", "c.yaml"], ["get", "clusters"],
                                       ["render", "--target", "terraform", "-f", "c.yaml"]]


def _leaf_commands(command=cli, path=()):
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            if name == sub.name:   # `get ig` is `get instancegroups` under another name
                yield from _leaf_commands(sub, path + (name,))
    else:
        yield path


def test_the_user_guide_shows_every_command():
    guide = (DOCS / "user-guide.md").read_text()
    shown = {tuple(args[:len(path)]) for block in _sh_blocks(guide) for args in _kopsgen_commands(block)
             for path in [a for a in _leaf_commands()]}
    missing = [" ".join(path) for path in _leaf_commands() if path not in shown]
    assert not missing, f"the user guide shows no example of: {missing}"


# --- links ----------------------------------------------------------------------------------------


def _anchors(markdown: str) -> set[str]:
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", markdown, re.M):
        kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
        anchors.add(kept.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(page):
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    problems = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+://", target):
            continue
        file_part, _, anchor = target.partition("#")
        path = (page.parent / file_part).resolve() if file_part else page
        if not path.exists():
            problems.append(f"{target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path.read_text()):
            problems.append(f"{target}: no heading #{anchor} in {path.relative_to(ROOT)}")
    assert not problems, "\n".join(problems)


def test_the_readme_links_every_doc():
    readme = (ROOT / "README.md").read_text()
    for doc in [*HAND_WRITTEN, *MOVED_FROM_README, "cli.md", "reference/cluster.md", "reference/instancegroup.md"]:
        assert f"(docs/{doc})" in readme, doc
    assert "(docs/images/minimal.svg)" in readme


def test_the_readme_is_a_front_door():
    """Read in five minutes: what kopsgen is, the set-up, a first render, the figures, links; the rest is in docs/."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 120
    assert [h for h in re.findall(r"^## (.+)$", readme, re.M)] == ["Set up", "First render", "Measured",
                                                                  "Documentation"]
    for command in ("make install", "make test", "kopsgen render --target terraform", "kopsgen create cluster",
                    "terraform apply"):
        assert command in readme, command


@pytest.mark.parametrize("doc", HAND_WRITTEN)
def test_hand_written_docs_use_short_sentences(doc):
    """Plain writing: no sentence of prose over 45 words (code blocks and tables aside)."""
    text = re.sub(r"```.*?```", "", (DOCS / doc).read_text(), flags=re.S)
    # paragraphs and list items, without headings and tables
    pieces = re.split(r"\n\s*\n|\n(?=\s*(?:[-*] |\d+\. ))", text)
    prose = [" ".join(p.split()) for p in pieces if p.strip() and not p.lstrip().startswith(("#", "|"))]
    long = [s for p in prose for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) > 45]
    assert not long, long
