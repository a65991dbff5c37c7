"""kops's reference inputs go through the whole spec layer, and the schemas cover kops's API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from kopsgen import pipeline
from kopsgen.spec import schema
from kopsgen.spec.documents import load_documents
from tests.support.paths import REFERENCE
from tests.support.spec_edit import EXTENSION_PATHS

KOPS_CRDS = Path("/work/kops-src/k8s/crds")
# Not kops's fields either, but in kops's own test inputs: accepted, and dropped by the defaults.
ACCEPTED_AND_DROPPED = {"Cluster": {"spec.serviceOIDCProvider"}, "InstanceGroup": set()}


def test_reference_input_completes_and_types(case_path):
    full = pipeline.complete_documents(load_documents([case_path]))
    spec = pipeline.typed_spec(full)
    assert spec.cluster.name == full.cluster.data["metadata"]["name"]
    assert {g.name for g in spec.instance_groups} == {d.data["metadata"]["name"] for d in full.instance_groups}


def test_legacy_input_completes_like_the_current_one():
    legacy = pipeline.complete_documents(load_documents([REFERENCE / "complex" / "in-legacy-v1alpha2.yaml"]))
    current = pipeline.complete_documents(load_documents([REFERENCE / "complex" / "in-v1alpha2.yaml"]))
    assert legacy.cluster.data["apiVersion"] == "kops.k8s.io/v1alpha2"
    assert [d.data for d in legacy.all()] == [d.data for d in current.all()]


@pytest.mark.parametrize("kind", sorted(schema.SCHEMA_FILES))
def test_schemas_are_valid_draft_2020_12(kind):
    Draft202012Validator.check_schema(schema.schema(kind))


@pytest.mark.parametrize("kind", sorted(schema.SCHEMA_FILES))
def test_every_object_is_closed(kind):
    """additionalProperties: false everywhere, except maps (free keys) which say what their values are."""
    open_objects = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and node.get("additionalProperties") is not False:
                if not isinstance(node.get("additionalProperties"), dict):
                    open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema.schema(kind), "#")
    assert open_objects == []


def _paths(node, root, prefix, depth=0):
    """Every property path a schema (or a CRD's OpenAPI schema) allows, through $refs, lists and maps."""
    if depth > 12 or not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        yield from _paths(root["$defs"][ref.split("/")[-1]], root, prefix, depth + 1)
        return
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from _paths(node["items"], root, prefix, depth + 1)
    for key, child in (node.get("properties") or {}).items():
        yield f"{prefix}.{key}"
        if "x-kopsgen-unsupported" not in child:  # an unsupported field is rejected whole: nothing below it
            yield from _paths(child, root, f"{prefix}.{key}", depth + 1)


def _unsupported(node, root, prefix, depth=0):
    """Paths of the fields our schema rejects whole (x-kopsgen-unsupported on the field itself)."""
    if depth > 12 or not isinstance(node, dict):
        return
    if isinstance(node.get("$ref"), str):
        yield from _unsupported(root["$defs"][node["$ref"].split("/")[-1]], root, prefix, depth + 1)
        return
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from _unsupported(node["items"], root, prefix, depth + 1)
    for key, child in (node.get("properties") or {}).items():
        if "x-kopsgen-unsupported" in child:
            yield f"{prefix}.{key}"
        else:
            yield from _unsupported(child, root, f"{prefix}.{key}", depth + 1)


@pytest.mark.skipif(not KOPS_CRDS.exists(), reason="kops's CRDs (the kops source tree) are not on this machine")
@pytest.mark.parametrize("kind,crd", [("Cluster", "kops.k8s.io_clusters.yaml"),
                                      ("InstanceGroup", "kops.k8s.io_instancegroups.yaml")])
def test_schema_covers_every_kops_field(kind, crd):
    """kops's generated CRD lists every v1alpha2 field; our schema has exactly those plus our extensions."""
    doc = yaml.safe_load((KOPS_CRDS / crd).read_text())
    version = next(v for v in doc["spec"]["versions"] if v["name"] == "v1alpha2")
    kops_spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    ours = schema.schema(kind)
    kops_paths = set(_paths(kops_spec, {}, "spec"))
    our_paths = set(_paths(ours["properties"]["spec"], ours, "spec"))
    unsupported = set(_unsupported(ours["properties"]["spec"], ours, "spec"))
    assert unsupported <= kops_paths  # only fields kops really has are marked unsupported
    missing = {p for p in kops_paths - our_paths if not any(p.startswith(u + ".") for u in unsupported)}
    assert missing == set()
    ours_only = EXTENSION_PATHS[kind] | ACCEPTED_AND_DROPPED[kind]
    extra = {p for p in our_paths - kops_paths if not any(p == e or p.startswith(e + ".") for e in ours_only)}
    assert extra == set()


def _marked_extensions(node, root, prefix, depth=0):
    """Paths of the fields our schema marks x-kopsgen-extension."""
    if depth > 12 or not isinstance(node, dict):
        return
    if isinstance(node.get("$ref"), str):
        yield from _marked_extensions(root["$defs"][node["$ref"].split("/")[-1]], root, prefix, depth + 1)
        return
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from _marked_extensions(node["items"], root, prefix, depth + 1)
    for key, child in (node.get("properties") or {}).items():
        if child.get(schema.EXTENSION) is True:
            yield f"{prefix}.{key}"
        else:
            yield from _marked_extensions(child, root, f"{prefix}.{key}", depth + 1)


@pytest.mark.parametrize("kind", sorted(schema.SCHEMA_FILES))
def test_every_kopsgen_extension_is_marked_in_the_schema(kind):
    """The mark is what keeps an extension out of the files kops's components read; with the coverage
    test above, every field kops does not have is either marked or dropped by the defaults."""
    ours = schema.schema(kind)
    assert set(_marked_extensions(ours["properties"]["spec"], ours, "spec")) == EXTENSION_PATHS[kind]


def test_schema_files_are_what_the_package_ships():
    root = Path(__file__).resolve().parents[2] / "schemas"
    for kind, name in schema.SCHEMA_FILES.items():
        assert json.loads((root / name).read_text()) == schema.schema(kind)
