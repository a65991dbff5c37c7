"""The Terraform output described block by block (see render/description.py).

Read from the JSON form of the configuration, whatever format the user writes: the JSON form holds
the same blocks and needs no HCL parser. A `file(...)`/`filebase64(...)`/`templatefile(...)` of one
of our data files becomes `file(sha256:…)`, so that a change of user data, a policy or a state-store
file shows on the resource that reads it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any

from kopsgen.ir.base import Graph
from kopsgen.render.description import LOOKUP, RESOURCE, SETTING, RenderedResource
from kopsgen.render.options import TerraformOptions
from kopsgen.render.terraform import MAPPERS, render
from kopsgen.render.terraform.reading import META_ARGUMENTS
from kopsgen.render.terraform.registry import TfContext

MAIN_FILE = "kubernetes.tf.json"

# file("${path.module}/data/NAME") as hcl.file_expr writes it, inside a JSON string
_FILE_CALL = re.compile(r'(\w+)\("\$\{path\.module\}/(data/[^"]+)"')
_WHOLE_FILE_CALL = re.compile(r'\$\{(\w+)\("\$\{path\.module\}/(data/[^"]+)"\)\}')


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:12]


def describe(graph: Graph, options: TerraformOptions) -> list[RenderedResource]:
    files = render(graph, dataclasses.replace(options, format="json"))
    doc = json.loads(files[MAIN_FILE])

    def resolve(value: Any) -> Any:
        if isinstance(value, str):
            whole = _WHOLE_FILE_CALL.fullmatch(value)
            if whole:  # the common case, shown without the interpolation around it
                return f"{whole[1]}({content_hash(files[whole[2]])})"
            return _FILE_CALL.sub(lambda m: f"{m[1]}({content_hash(files[m[2]])}", value)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    ctx = TfContext(graph)
    sources = {ctx.address(type(r), r.name): (type(r), r.name) for r in graph if type(r) in MAPPERS}
    described: list[RenderedResource] = []

    def add(address: str, tf_type: str, body: Any, role: str) -> None:
        if isinstance(body, dict):
            # depends_on, lifecycle, provider...: how Terraform handles the resource, never a change to it
            # (terraform plan shows none), so the preview does not either
            body = {k: v for k, v in body.items() if k not in META_ARGUMENTS}
        body = resolve(body if isinstance(body, dict) else {"value": body})
        described.append(RenderedResource(address, tf_type, address, body, sources.get(address), role))

    for section, prefix, role in (("resource", "", RESOURCE), ("data", "data.", LOOKUP)):
        for tf_type, labelled in sorted(doc.get(section, {}).items()):
            for label, body in sorted(labelled.items()):
                add(f"{prefix}{tf_type}.{label}", tf_type, body, role)
    # (the `locals` block is left out: kopsgen writes one local per output, with the output's value)
    for name, body in sorted(doc.get("output", {}).items()):
        add(f"output.{name}", "output", body, SETTING)
    for name, configurations in sorted(doc.get("provider", {}).items()):
        for body in configurations:
            address = f"provider.{name}" + (f".{body['alias']}" if body.get("alias") else "")
            add(address, "provider", body, SETTING)
    if "terraform" in doc:
        add("terraform", "terraform", doc["terraform"], SETTING)
    return described
