"""Fast paths taken for speed (issue 8) decide exactly what the general code decides.

Each fast path is checked against the general path it short-cuts, on generated inputs biased
towards the characters where the rules change (spaces, line breaks, `:`, `#`, `-`, digits, `_`).
"""

from __future__ import annotations

import string
from unittest import mock

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kopsgen import yamlfast
from kopsgen.bootstrap import kyaml
from kopsgen.errors import SpecError
from kopsgen.spec import source

# characters where YAML's style rules and go-yaml's key order change, plus some ordinary ones
TRICKY = " \n\t:#-?.'\"_/,[]{}&*!|>%@`~0123456789aAzZ\x85\xa0\u2028é"
ordinary_text = st.text(alphabet=string.printable.replace("\t", "").replace("\r", "").replace("\x0b", "")
                        .replace("\x0c", ""), max_size=40)
tricky_text = st.text(alphabet=TRICKY, max_size=12)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(ordinary_text, tricky_text))
@example("- a")
@example("a: b")
@example("a:")
@example("a #b")
@example("--- x")
@example("x\n y")
@example("x \ny")
def test_style_facts_without_a_character_walk_agree(text):
    if text and kyaml._ORDINARY.fullmatch(text):
        assert kyaml._ordinary_facts(text) == kyaml._facts(text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(tricky_text, st.text(alphabet=string.ascii_letters + "./:-_0123456789", max_size=10)),
                unique=True, max_size=8))
@example(["a_b", "aB", "a-b", "a.b", "a/b", "a:b", "A", "_"])
def test_key_order_fast_path_agrees_with_natural_order(keys):
    mapping = dict.fromkeys(keys)
    assert kyaml.sorted_keys(mapping) == sorted(mapping, key=lambda k: kyaml._Key(str(k)))


def _fold_reference(text: str, column: int, indent: int) -> str:
    """go-yaml's folding of a plain scalar, one character at a time: a single space (not the first or the
    last character, not followed by another space) becomes a line break once the line is past 80 columns."""
    out, line = [], ""
    for i, ch in enumerate(text):
        previous_space = i > 0 and text[i - 1] == " "
        if (ch == " " and not previous_space and column + len(line) > kyaml.BEST_WIDTH and i + 1 < len(text)
                and text[i + 1] != " "):
            out.append(line + "\n" + " " * indent)
            column, line = indent, ""
        else:
            line += ch
    return "".join(out) + line


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab  ", max_size=200), st.integers(0, 100), st.integers(0, 12))
@example("word " * 40, 10, 4)
def test_folding_plain_scalars_matches_the_reference_rule(text, column, indent):
    writer = kyaml._Writer()
    writer.column = column
    kyaml._write_plain(writer, text, indent, allow_breaks=True)
    assert writer.text() == _fold_reference(text, column, indent)


# ---------------------------------------------------------------- YAML: libyaml's parser vs the pure-Python one


def _parsed(text: str, fast: bool):
    """What spec loading makes of `text` (data, the position of every field, or the errors), with the
    fast loader or with the pure-Python one only."""
    with mock.patch.object(yamlfast, "FastSafeLoader", yamlfast.FastSafeLoader if fast else yaml.SafeLoader):
        try:
            docs = source.parse_documents(text, "f.yaml")
        except SpecError as exc:
            return [str(e) for e in exc.errors]
    return [(d.data, d.source.start, d.source.positions) for d in docs]


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(alphabet=TRICKY, max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet=TRICKY, max_size=5), inner,
                                                                 max_size=3),
    max_leaves=12)
yaml_fragments = st.lists(st.sampled_from(["a", ": ", "- ", "-", "\n", "  ", "'", '"', "#", "[", "]", "{", "}", ",",
                                           "&x", "*x", "!!str ", "!!binary ", "<<", "---\n", "...\n", "|\n", ">-\n",
                                           "\t", "? ", "1", "~", "é", "\\", "\x07"]),
                          max_size=20).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(yaml_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
                 yaml_values.map(lambda v: yaml.safe_dump(v, default_flow_style=True)), yaml_fragments))
@example("a:\t1\n")
@example("? a\n: 1\n")
@example("---\n#\n")
@example("a: [1, 2\nb: 3\n")
def test_spec_loading_with_libyaml_gives_what_the_pure_python_parser_gives(text):
    assert _parsed(text, fast=True) == _parsed(text, fast=False)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(yaml_values.map(lambda v: yaml.safe_dump_all([v, v], allow_unicode=True)), yaml_fragments))
@example("a:\t1\n")
def test_loading_values_with_libyaml_gives_what_the_pure_python_loader_gives(text):
    def outcome(load):
        try:
            return load()
        except Exception as exc:  # noqa: BLE001
            return (type(exc), str(exc))

    assert outcome(lambda: yamlfast.safe_load_all(text)) == outcome(lambda: list(yaml.safe_load_all(text)))
    assert outcome(lambda: yamlfast.safe_load(text)) == outcome(lambda: yaml.safe_load(text))
