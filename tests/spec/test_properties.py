"""Whatever the input, the spec layer gives a completed spec or a SpecError: never another exception.

Valid reference specs are mutated at random places (wrong types, deleted keys, huge numbers,
unicode, deep nesting, YAML anchors and bombs, binary junk), then run through the pipeline as
the CLI does. A spec that passes must also turn into the typed view, and its defaults must be
idempotent.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopsgen import pipeline
from kopsgen.errors import SpecError
from kopsgen.spec.defaults import apply_defaults
from kopsgen.spec.documents import group_documents, load_documents
from kopsgen.spec.source import parse_documents
from tests.support.paths import case_input, reference_cases
from tests.support.spec_base import BASE

SOURCES = {case: [d for d in yaml.safe_load_all(case_input(case).read_text()) if d] for case in reference_cases()}
SOURCES["base"] = [d for d in yaml.safe_load_all(BASE) if d]

# Values that look like what specs hold, or deliberately do not.
plausible = st.sampled_from(["10.0.0.0/16", "10.0.0.1/16", "::/0", "2001:db8::/64", "/64#1", "300.1.1.1/8",
                             "us-east-1a", "eu-west-1z", "1.32.0", "v1.99.0", "0.0.0", "nat-0abc", "tgw-0abc",
                             "External", "sg-0abc", "ami-0abc", "Master", "Node", "Bastion", "Private", "Utility",
                             "DualStack", "None", "Network", "Classic", "30s", "1h", "100m", "1Gi", "required",
                             "s3://b/c", "main", "events", "a", "nodes", "master-us-test-1a", "pl-0abc"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), plausible)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(st.text(max_size=10), plausible),
                                                                       inner, max_size=4)),
                      max_leaves=12)


def _containers(node: Any, path: tuple = ()):
    """Every mapping and list in a document, with its path."""
    if isinstance(node, (dict, list)):
        yield path, node
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            yield from _containers(child, path + (key,))


@st.composite
def mutated_documents(draw) -> list:
    docs = copy.deepcopy(SOURCES[draw(st.sampled_from(sorted(SOURCES)))])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        i = draw(st.integers(min_value=0, max_value=len(docs) - 1))
        containers = list(_containers(docs[i]))
        if not containers:
            docs[i] = draw(values)
            continue
        _, node = draw(st.sampled_from(containers))
        action = draw(st.sampled_from(["replace", "delete", "add", "nest"]))
        if isinstance(node, dict):
            keys = list(node)
            key = draw(st.sampled_from(keys)) if keys and action != "add" else draw(st.one_of(st.text(max_size=12), plausible))
        else:
            if not node:
                node.append(draw(values))
                continue
            key = draw(st.integers(min_value=0, max_value=len(node) - 1))
        if action == "delete":
            if isinstance(node, list) or key in node:
                del node[key]
        elif action == "nest":
            deep: Any = draw(scalars)
            for _ in range(draw(st.integers(min_value=1, max_value=80))):
                deep = [deep] if draw(st.booleans()) else {"x": deep}
            node[key] = deep
        else:
            node[key] = draw(values)
    return docs


RAW_JUNK = [
    "",
    "\n---\n- just\n- a list\n",
    "\nbomb: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "\nmerge: &m {a: 1}\nother:\n  <<: *m\n  <<: [*m, *m]\n",
    "\nbinary: !!binary aGVsbG8=\n",
    "\nodd: !custom tag\n",
    "\n\tindented: with a tab\n",
    "\nkey: [unclosed\n",
    "\n" + "[" * 200 + "]" * 200 + "\n",
    "\nweird: \x00\x07\n",
    "\n? [complex, key]\n: value\n",
    "\n2026-01-01: date key\nwhen: 2026-01-01T00:00:00Z\n",
]


def _run(text_or_bytes: str | bytes) -> None:
    """The CLI's path: read the file, group, schema, defaults, validate, typed view."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cluster.yaml"
        path.write_bytes(text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode("utf-8", "surrogatepass"))
        try:
            full = pipeline.complete_documents(load_documents([path]))
        except SpecError as exc:
            assert exc.errors, "a SpecError carries at least one problem"
            for error in exc.errors:
                assert error.line >= 1 and error.column >= 1 and error.path and error.message
            return
        # a spec that validates can be typed and its defaults are stable
        pipeline.typed_spec(full)
        again = apply_defaults(full)
        assert [d.data for d in again.all()] == [d.data for d in full.all()]


def _text(docs: list, junk: str, where: int) -> str:
    text = yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False)
    return text[:where] + junk + text[where:] if junk else text


def _check(data) -> None:
    docs = data.draw(mutated_documents())
    junk = data.draw(st.sampled_from(RAW_JUNK)) if data.draw(st.integers(min_value=0, max_value=4)) == 0 else ""
    text = _text(docs, junk, data.draw(st.integers(min_value=0, max_value=50_000)) if junk else 0)
    if data.draw(st.integers(min_value=0, max_value=9)) == 0:
        raw = text.encode("utf-8", "surrogatepass")
        at = data.draw(st.integers(min_value=0, max_value=len(raw)))
        _run(raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at:])
    else:
        _run(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_specs_give_a_result_or_a_spec_error(data):
    _check(data)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_specs_give_a_result_or_a_spec_error_long(data):
    _check(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_documents())
def test_defaults_never_fail_even_on_schema_invalid_documents(docs):
    """Defaults run before validation; on any JSON-like data they complete or leave it, and are idempotent."""
    try:
        grouped = group_documents(parse_documents(_text(docs, "", 0), "x.yaml"), "x.yaml")
    except SpecError:
        return
    once = apply_defaults(grouped)
    assert [d.data for d in apply_defaults(once).all()] == [d.data for d in once.all()]


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_sources_are_valid(case):
    """The mutations start from specs that pass (so a mutation is what breaks them)."""
    _run(yaml.safe_dump_all(SOURCES[case], sort_keys=False))
