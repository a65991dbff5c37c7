"""load -> schema -> defaults -> validate -> typed spec -> build graph -> render. One function a step."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable

from kopsgen.errors import SpecError, UsageError
from kopsgen.ir.base import Graph
from kopsgen.spec import schema, sshkey
from kopsgen.spec.api import ClusterSpec
from kopsgen.spec.defaults import apply_defaults
from kopsgen.spec.documents import SpecDocuments, load_documents
from kopsgen.spec.source import Document, SpecPath
from kopsgen.spec.validate import validate
from kopsgen.state.store import StateStore


def check_schema(docs: SpecDocuments) -> None:
    errors = [e for doc in docs.all() for e in schema.check_document(doc)]
    if errors:
        raise SpecError(errors)


def complete_documents(docs: SpecDocuments) -> SpecDocuments:
    """Schema-check, default and validate; the completed documents, or SpecError with every problem.

    The semantic checks run even when the schema found problems, so that one run reports them all
    (an unknown field and an overlapping subnet alike). They tolerate data of the wrong type; what
    they find in a part of a document that a schema problem makes unreliable (schema.Problem.scope)
    is left out, since it would only restate that problem."""
    problems = {id(doc.source): schema.problems(doc) for doc in docs.all()}
    full = apply_defaults(docs)

    def already_reported(doc: Document, path: SpecPath) -> bool:
        return any(tuple(path[:len(p.scope)]) == p.scope for p in problems.get(id(doc.source), ()))

    errors = [p.error for found in problems.values() for p in found]
    errors += validate(full, skip=already_reported)
    if not already_reported(full.cluster, ("spec", sshkey.FIELD)):
        errors += sshkey.check(full)
    if errors:
        raise SpecError(errors)
    return full


def typed_spec(full: SpecDocuments) -> ClusterSpec:
    spec = ClusterSpec.from_dicts(full.cluster.data, [ig.data for ig in full.instance_groups])
    # the SSH public key may live in a file beside the spec, so it is read here rather than from the data
    return dataclasses.replace(spec, cluster=dataclasses.replace(spec.cluster,
                                                                 ssh_public_key=sshkey.public_key(full)))


def load_spec(paths: Iterable[str | Path]) -> ClusterSpec:
    return typed_spec(complete_documents(load_documents(paths)))


def use_state_store(spec: ClusterSpec, store: StateStore | None = None, *, read_only: bool = False) -> StateStore:
    """Keep the CA keysets of `spec` in `store` (default: KOPSGEN_STATE_STORE, else the per-user default)
    while its graph is built and rendered. With `read_only`, existing keysets are read from the store
    and any that must be made stay in memory: a command that only looks writes nothing. Call before
    build_graph/render; returns the store the bootstrap uses."""
    from kopsgen import bootstrap
    from kopsgen.state.overlay import OverlayStore
    from kopsgen.state.store import open_store

    base = store if store is not None else open_store(None)
    used = OverlayStore(base) if read_only else base
    bootstrap.bootstrap_for(spec, used)
    return used


def build_graph(spec: ClusterSpec) -> Graph:
    from kopsgen.model import build

    graph = build(spec)
    graph.check()
    return graph


def render(spec: ClusterSpec, target: str, fmt: str | None = None) -> dict[str, bytes]:
    """Every output file of `target` for `spec`, by relative path. Nothing is written here."""
    return render_graph(build_graph(spec), spec, target, fmt)


# the formats each target writes, its default first
FORMATS = {"terraform": ("hcl", "json"), "cloudformation": ("json", "yaml")}


def output_format(target: str, fmt: str | None) -> str:
    """`fmt`, or the target's default; UsageError for a format the target does not write (callers check
    before loading a spec, so that a refused command makes nothing in the state store)."""
    fmt = fmt or FORMATS[target][0]
    if fmt not in FORMATS[target]:
        raise UsageError(f"the {target} target writes {' or '.join(FORMATS[target])}, not {fmt!r}")
    return fmt


def render_graph(graph: Graph, spec: ClusterSpec, target: str, fmt: str | None = None) -> dict[str, bytes]:
    """Every output file of `target` for an already built graph (for callers that also read the graph).
    The renderer reads the graph and its target's options (kopsgen/render_options.py), never the spec."""
    from kopsgen import render_options

    options = render_options.for_target(spec, target, output_format(target, fmt))
    if target == "terraform":
        from kopsgen.render import terraform

        return terraform.render(graph, options)
    from kopsgen.render import cloudformation

    return cloudformation.render(graph, options)


def upload_state_files(spec: ClusterSpec, destination: str | None = None) -> tuple[str, list[str]]:
    """`render --target files`: write the cluster's state-store files (nodeup configs, addon manifests,
    keysets, ...) to its config base, or to `destination` (a state-store URL or folder) instead.
    Returns where they went and the keys written."""
    from kopsgen import bootstrap
    from kopsgen.state.store import open_store

    store = open_store(destination) if destination else None
    written = bootstrap.upload_state_files(spec, store)
    return (store.url if store else bootstrap.bootstrap_for(spec).context.config_base.store_url), written


def config_base_warning(spec: ClusterSpec | str) -> str | None:
    """Why the cluster's nodes cannot read its configBase (a spec, or the URL itself), or None;
    bootstrap/configbase.py decides."""
    from kopsgen.bootstrap.configbase import ConfigBase

    url = spec if isinstance(spec, str) else spec.cluster.config_base.url
    return ConfigBase.parse(url).unreadable_warning()


def with_config_base_region(spec: ClusterSpec, *, required: bool) -> tuple[ClusterSpec, str | None]:
    """`spec` knowing the region of its configBase bucket: spec.kopsgen.configBaseRegion when set, else the
    bucket's region read from S3 (for `update cluster`, which has credentials: it writes to that bucket).
    A failed lookup is a StateStoreError when `required`, else a warning, the cluster's region standing in.
    Returns the spec and that warning. `render` never calls this: it never calls AWS."""
    from kopsgen.errors import StateStoreError
    from kopsgen.state.s3 import bucket_region

    base = spec.cluster.config_base
    if spec.cluster.config_base_region or base.scheme != "s3" or not base.bucket:
        return spec, None
    try:
        region = bucket_region(base.bucket)
    except StateStoreError as exc:
        if required:
            raise StateStoreError(f"{exc}; set spec.kopsgen.configBaseRegion to give the region of "
                                  f"{base.bucket}") from None
        return spec, (f"{exc}: this preview assumes the bucket is in the cluster's region "
                      f"({spec.cluster.region}); set spec.kopsgen.configBaseRegion to say")
    return dataclasses.replace(spec, cluster=dataclasses.replace(spec.cluster, config_base_region=region)), None
