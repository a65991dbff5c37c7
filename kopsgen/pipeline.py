"""load -> schema -> defaults -> validate -> typed spec -> session -> build graph -> render. One function a step.

The spec steps live in spec/complete.py (the state store completes specs too) and are named here as well;
open_session makes the one RenderSession (session.py) that build_graph and render take."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from kopsgen.errors import UsageError
from kopsgen.ir.base import Graph
from kopsgen.render.options import S3Backend
from kopsgen.spec.api import ClusterSpec
from kopsgen.spec.complete import check_schema, complete_documents, load_spec, typed_spec  # noqa: F401
from kopsgen.state.backends import open_store
from kopsgen.state.store import StateStore

if TYPE_CHECKING:   # the session (and the bootstrap it holds) is imported by what renders, not by every command
    from kopsgen.session import RenderSession


def open_session(spec: ClusterSpec, store: StateStore, *, read_only: bool = False) -> RenderSession:
    """The session that renders `spec`, its CA keysets kept in `store`: those the store lacks are made now
    (announced as they are made), before anything is built. With `read_only`, existing keysets are read
    from the store and any that must be made stay in memory (session.overlay): a command that only looks
    writes nothing."""
    from kopsgen.session import RenderSession

    return RenderSession.open(spec, store, read_only=read_only)


def build_graph(session: RenderSession) -> Graph:
    from kopsgen.model import build
    from kopsgen.session import RenderSession

    if not isinstance(session, RenderSession):
        raise TypeError(f"build_graph takes a RenderSession (pipeline.open_session(spec, store)), not "
                        f"{type(session).__name__}")
    graph = build(session.spec, session.bootstrap)
    graph.check()
    return graph


def render(session: RenderSession, target: str, fmt: str | None = None, backend: S3Backend | None = None, *,
           layout: str = "flat") -> dict[str, bytes]:
    """Every output file of `target` for the session's spec, by relative path, with `backend` (Terraform only)
    written as backend.tf. `layout` is Terraform's: flat (kops's one file) or module
    (render/terraform/module.py). Nothing is written here."""
    return render_graph(build_graph(session), session.spec, target, fmt, backend, layout=layout)


TERRAFORM_LAYOUTS = ("flat", "module")


# the formats each target writes, its default first
FORMATS = {"terraform": ("hcl", "json"), "cloudformation": ("json", "yaml")}


def output_format(target: str, fmt: str | None) -> str:
    """`fmt`, or the target's default; UsageError for a format the target does not write (callers check
    before loading a spec, so that a refused command makes nothing in the state store)."""
    fmt = fmt or FORMATS[target][0]
    if fmt not in FORMATS[target]:
        raise UsageError(f"the {target} target writes {' or '.join(FORMATS[target])}, not {fmt!r}")
    return fmt


def render_graph(graph: Graph, spec: ClusterSpec, target: str, fmt: str | None = None,
                 backend: S3Backend | None = None, *, layout: str = "flat") -> dict[str, bytes]:
    """Every output file of `target` for an already built graph (for callers that also read the graph).
    The renderer reads the graph and its target's options (kopsgen/render_options.py), never the spec."""
    from kopsgen import render_options

    if layout not in TERRAFORM_LAYOUTS:
        raise UsageError(f"the Terraform layout is {' or '.join(TERRAFORM_LAYOUTS)}, not {layout!r}")
    if layout != "flat" and target != "terraform":
        raise UsageError(f"--terraform-layout {layout} goes with --target terraform, not {target}")
    if backend is not None and target != "terraform":
        raise UsageError(f"a Terraform backend (--backend) goes with --target terraform; {target} keeps no "
                         f"Terraform state")
    options = render_options.for_target(spec, target, output_format(target, fmt), backend, layout)
    if target == "terraform" and layout == "module":
        from kopsgen.render.terraform.module import render_module

        return render_module(graph, options)
    if target == "terraform":
        from kopsgen.render import terraform

        return terraform.render(graph, options)
    from kopsgen.render import cloudformation

    return cloudformation.render(graph, options)


def upload_state_files(session: RenderSession, destination: str | None = None) -> tuple[str, list[str]]:
    """`render --target files`: write the cluster's state-store files (nodeup configs, addon manifests,
    keysets, ...) to its config base, or to `destination` (a state-store URL or folder) instead.
    Returns where they went and the keys written."""
    store = open_store(destination) if destination else None
    written = session.bootstrap.upload_state_files(store)
    return (store.url if store else session.bootstrap.context.config_base.store_url), written


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
