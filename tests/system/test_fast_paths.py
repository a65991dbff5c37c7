"""Fast paths taken for speed (issue 8) decide exactly what the general code decides.

Each fast path is checked against the general path it short-cuts (or the library it stands in
for), on generated inputs biased towards where the rules change: for YAML styles the characters
(spaces, line breaks, `:`, `#`, `-`, digits, `_`), for the schema check real specs with random
parts replaced, deleted or added, and every schema definition against arbitrary values; for
certificates kops's own and ours, cut and garbled; for the output folder every state it can be in;
for JSON text arbitrary JSON values.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import string
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench import scale
from kopsgen import jsontext, output, yamlfast
from kopsgen.bootstrap import der, kyaml
from kopsgen.errors import SpecError
from kopsgen.spec import schema, schemacheck, source
from tests.support.paths import EXAMPLES, REFERENCE, case_input, reference_cases

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


# ---------------------------------------------------------------- JSON Schema: schemacheck vs jsonschema


def _corpus() -> list[tuple[str, dict]]:
    """(kind, data) of every Cluster and InstanceGroup document of the reference cases, the examples and a
    generated scale-sweep spec."""
    texts = [case_input(case).read_text() for case in reference_cases()]
    texts += [p.read_text() for p in sorted(EXAMPLES.glob("*.yaml"))]
    texts.append(scale.spec_text(4))
    docs = [d for text in texts for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    return [(d["kind"], d) for d in docs if d.get("kind") in schema.SCHEMA_FILES]


CORPUS = _corpus()


def _jsonschema_valid(kind: str, data) -> bool:
    return not any(True for _ in schema._validator(kind).iter_errors(data))


def _fast_valid(kind: str, data) -> bool:
    return schemacheck.is_valid(schema.schema(kind), data, schema.CUSTOM_KEYWORDS)


def test_every_valid_reference_document_is_known_valid_without_jsonschema():
    """The fast path is taken for real specs (else it buys nothing), and only for valid ones."""
    for kind, data in CORPUS:
        assert _fast_valid(kind, data) == _jsonschema_valid(kind, data), data["metadata"]["name"]
    assert sum(_fast_valid(kind, data) for kind, data in CORPUS) > len(CORPUS) * 0.9


def _schema_words(node, found: set) -> set:
    """Strings the schemas compare against (enum and const values, property names): mutations that use
    them reach deeper into the schema than random text does."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("enum", "const"):
                found.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
            if key == "properties" and isinstance(value, dict):
                found.update(value)
            _schema_words(value, found)
    elif isinstance(node, list):
        for value in node:
            _schema_words(value, found)
    return found


WORDS = sorted(_schema_words(schema.schema("Cluster"), set()) | _schema_words(schema.schema("InstanceGroup"), set()))
json_scalars = (st.none() | st.booleans() | st.integers(-3, 70000) | st.sampled_from([0.5, 1.0, -1.0, 1e20])
                | st.sampled_from(WORDS) | st.text(max_size=6) | st.sampled_from(["", "10.0.0.0/16", "us-east-1a",
                                                                                  "t3.medium", "1.2.3", "v1.32.0"]))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=4), inner, max_size=3),
                           max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


@st.composite
def mutated_documents(draw):
    kind, data = draw(st.sampled_from(CORPUS))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(st.sampled_from(WORDS) | st.text(max_size=4))] = draw(json_values)
        else:
            parent[path[-1]] = draw(json_values)
    return kind, data


@settings(max_examples=3000, deadline=None)
@given(mutated_documents())
def test_a_document_known_valid_without_jsonschema_is_valid_for_jsonschema(document):
    kind, data = document
    if _fast_valid(kind, data):
        assert _jsonschema_valid(kind, data)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["Cluster", "InstanceGroup"]), st.data())
def test_every_schema_definition_agrees_with_jsonschema(kind, data):
    """Each definition of the schemas on its own, against arbitrary values: wherever the quick checker
    answers "valid", jsonschema does too."""
    root = schema.schema(kind)
    name = data.draw(st.sampled_from(sorted(root["$defs"])))
    instance = data.draw(json_values)
    probe = {**root, "$ref": f"#/$defs/{name}"}
    probe.pop("properties", None), probe.pop("required", None), probe.pop("additionalProperties", None)
    probe.pop("type", None)
    if schemacheck.is_valid(probe, instance, schema.CUSTOM_KEYWORDS):
        validator = type(schema._validator(kind))(probe)
        assert validator.is_valid(instance), (name, instance)


@pytest.mark.parametrize("keyword_schema,instance", [
    ({"format": "ipv4"}, "x"),                      # a keyword the checker does not decide: jsonschema does
    ({"prefixItems": [{"type": "string"}]}, [1]),
    ({"$ref": "https://example.com/s.json"}, 1),
    ({"x-kopsgen-unsupported": "no"}, 1),           # our own keyword: always jsonschema's call
    ({"enum": [[1]]}, [1]),
    ({"properties": {"a": {"$id": "x", "type": "string"}}}, {"a": "b"}),
])
def test_the_checker_leaves_what_it_does_not_know_to_jsonschema(keyword_schema, instance):
    assert not schemacheck.is_valid(keyword_schema, instance, schema.CUSTOM_KEYWORDS)


@pytest.mark.parametrize("keyword_schema,instance,valid", [
    ({"type": "integer"}, 1.0, True), ({"type": "integer"}, True, False), ({"type": "number"}, False, False),
    ({"enum": [1]}, 1.0, True), ({"enum": [1]}, True, False), ({"const": False}, 0, False),
    ({"minimum": 1}, True, True), ({"minLength": 2}, 5, True), ({"pattern": "^a"}, "ba", False),
    ({"additionalProperties": False, "patternProperties": {"^x-": {}}}, {"x-a": 1}, True),
    ({"not": {"type": "string"}}, "a", False), ({"if": {"const": 1}, "then": {"type": "string"}}, 1, False),
    ({"uniqueItems": True}, ["a", "a"], False), ({"x-kopsgen-extension": True}, 1, True),
])
def test_keywords_as_jsonschema_reads_them(keyword_schema, instance, valid):
    import jsonschema

    assert jsonschema.Draft202012Validator(keyword_schema).is_valid(instance) == valid
    assert schemacheck.is_valid(keyword_schema, instance) == valid


# ---------------------------------------------------------------- certificates: bootstrap.der vs cryptography


def _reference_certificates() -> list[bytes]:
    """kops's own test certificates (Go-made), as its reference cases carry them in user data."""
    found = set()
    for path in REFERENCE.glob("*/data/*_user_data"):
        found.update(re.findall(rb"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n",
                                re.sub(rb"\n +", b"\n", path.read_bytes()), re.S))
    return sorted(found)


def _cryptography_spki(pem: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return x509.load_pem_x509_certificate(pem).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_public_keys_read_without_cryptography_are_cryptographys():
    from kopsgen.bootstrap import pki

    pems = _reference_certificates() + [pki.new_ca("test-ca").items[0].certificate_pem]
    assert len(pems) >= 3
    for pem in pems:
        assert der.subject_public_key_info(der.certificate_der(pem)) == _cryptography_spki(pem)


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_a_cut_or_garbled_certificate_is_refused_like_cryptography_refuses_it(data):
    from cryptography import x509

    cert = der.certificate_der(data.draw(st.sampled_from(_reference_certificates())))
    damage = data.draw(st.sampled_from(["cut", "grow", "length"]))
    if damage == "cut":
        broken = cert[:data.draw(st.integers(0, len(cert) - 1))]
    elif damage == "grow":
        broken = cert + data.draw(st.binary(min_size=1, max_size=4))
    else:  # a length byte of the outer structures changed
        at = data.draw(st.sampled_from([1, 2, 3, 5, 6, 7]))
        broken = cert[:at] + bytes([cert[at] ^ data.draw(st.integers(1, 255))]) + cert[at + 1:]
    pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(broken) + b"-----END CERTIFICATE-----\n"
    try:
        x509.load_pem_x509_certificate(pem)
    except ValueError:
        with pytest.raises(der.DerError):
            der.subject_public_key_info(der.certificate_der(pem))


@pytest.mark.parametrize("pem", [b"", b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                                 b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"])
def test_what_is_no_pem_certificate_is_refused(pem):
    with pytest.raises(der.DerError):
        der.subject_public_key_info(der.certificate_der(pem))


# ---------------------------------------------------------------- output: files already in place are not rewritten


def _folder(root: Path) -> dict[str, tuple[bytes, int, bool]]:
    """Every entry under `root`: (bytes, permission bits, is a symlink)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() or path.is_symlink():
            info = path.lstat()
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), info.st_mode & 0o777, path.is_symlink())
    return found


RENDER = {"main.tf": b"resource 1\n", "data/key": b"secret\n", "data/user_data": b"#!/bin/bash\n"}
SECRET = frozenset({"data/key"})


@pytest.mark.parametrize("before", ["same", "edited", "chmodded", "removed", "symlink", "stale", "empty"])
def test_skipping_files_in_place_leaves_what_a_full_write_leaves(tmp_path, before):
    out = tmp_path / "out"
    if before != "empty":
        output.write_output(out, {**RENDER, **({"old.tf": b"gone\n"} if before == "stale" else {})},
                            secret_files=SECRET)
    if before == "edited":
        (out / "main.tf").write_bytes(b"resource 2\n")
    elif before == "chmodded":
        (out / "data/key").chmod(0o644)
    elif before == "removed":
        (out / "data/user_data").unlink()
    elif before == "symlink":
        (tmp_path / "elsewhere").write_bytes(RENDER["main.tf"])
        (out / "main.tf").unlink()
        (out / "main.tf").symlink_to(tmp_path / "elsewhere")
    output.write_output(out, RENDER, secret_files=SECRET)
    fresh = tmp_path / "fresh"
    output.write_output(fresh, RENDER, secret_files=SECRET)
    assert _folder(out) == _folder(fresh)


def test_an_unchanged_render_writes_nothing(tmp_path):
    out = tmp_path / "out"
    output.write_output(out, RENDER, secret_files=SECRET)
    (out / "main.tf").write_bytes(b"resource 2\n")
    output.write_output(out, RENDER, secret_files=SECRET)   # puts main.tf back
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")}
    with mock.patch.object(output, "_fsync_write", side_effect=AssertionError("wrote a file")):
        output.write_output(out, RENDER, secret_files=SECRET)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")} == before


# ---------------------------------------------------------------- JSON text: jsontext vs json.dumps


json_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=2000, deadline=None)
@given(json_documents)
@example({"b": [], "a": {}, "c": [{"x": 1.5e300, "y": float("nan")}, "é\u2028\x00"]})
def test_sorted_indented_json_is_json_dumps(value):
    assert jsontext.dumps_sorted_indented(value) == json.dumps(value, sort_keys=True, indent=2)


@pytest.mark.parametrize("value", [{1: "a", "b": 2}, {"a": {None: 1}}, [object()], {"a": b"bytes"}])
def test_what_is_not_plain_json_gets_what_json_dumps_gives(value):
    def outcome(dump):
        try:
            return dump(value)
        except Exception as exc:  # noqa: BLE001
            return (type(exc), str(exc))

    assert outcome(jsontext.dumps_sorted_indented) == outcome(lambda v: json.dumps(v, sort_keys=True, indent=2))


def test_a_cycle_is_refused_as_json_dumps_refuses_it():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        jsontext.dumps_sorted_indented(loop)
