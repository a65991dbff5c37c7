"""Fast paths taken for speed (issue 8) decide exactly what the general code decides.

Each fast path is checked against the general path it short-cuts, on generated inputs biased
towards the characters where the rules change (spaces, line breaks, `:`, `#`, `-`, digits, `_`).
"""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kopsgen.bootstrap import kyaml

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
