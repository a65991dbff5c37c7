"""`kopsgen update cluster`: render a stored cluster, compare with what was last written, write on --yes.

    prepare()  load the cluster from the state store, render it in memory against a read-only view of the
               store (not even a new CA is written yet), describe the render, read the last record and
               compare: an Update holding the Plan;
    refusal()  (--yes) the reason to refuse a plan that replaces or deletes an etcd volume, unless allowed:
               the command then writes nothing and exits 2;
    write()    (--yes) write the CAs the render made, the output folder, the state-store files the output
               does not carry, and finally the new record, conditional on the record read in prepare() (a
               concurrent update is detected, not overwritten).

Order of writes: apply-time values are looked up first (the only step that may need AWS), then the new CAs
are written, then the output folder (atomic, kopsgen/output.py), then the state-store files, then the record. A failure
leaves the record as it was, so the next preview shows whatever is still to be written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from kopsgen import pipeline, render_options
from kopsgen.bootstrap.pki import announce_new_cas
from kopsgen.errors import UsageError, WriteRefused
from kopsgen.ir.base import Graph
from kopsgen.ir.files import StateFile
from kopsgen.lifecycle import moved, stored_spec
from kopsgen.lifecycle.plan import Plan, compare, etcd_volume_losses, loss_lines
from kopsgen.lifecycle.snapshot import Snapshot, take
from kopsgen.render.description import SETTING, RenderedResource
from kopsgen.session import RenderSession
from kopsgen.spec.api import ClusterSpec
from kopsgen.state import layout
from kopsgen.state.clusters import ClusterRegistry
from kopsgen.state.backends import open_store
from kopsgen.state.overlay import OverlayStore
from kopsgen.state.store import ABSENT, StateStore, Version



@dataclass
class Update:
    registry: ClusterRegistry
    session: RenderSession                  # rendered against a read-only view of the registry's store
    target: str
    fmt: str
    out_dir: Path
    files: dict[str, bytes]                 # the output folder's files
    state_files: dict[str, bytes]           # what kopsgen writes to the config base itself, by relative key
    snapshot: Snapshot
    previous_version: Version | None
    plan: Plan
    keysets: OverlayStore | None = None     # the CAs the render made, held until write()
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # for stderr: what the user must know about this render

    @property
    def spec(self) -> ClusterSpec:
        return self.session.spec

    @property
    def record_key(self) -> str:
        return layout.last_render_key(self.spec.cluster.name, self.target)


def default_out_dir(cluster: str, target: str) -> Path:
    return Path("outputs") / cluster / target


ALLOW_UNREADABLE_FLAG = "--allow-unreadable-config-base"


@dataclass(frozen=True)
class Backend:
    """`--backend URL` with `--backend-region` and `--backend-lock-table`, checked against the stored spec."""

    url: str
    region: str | None = None
    lock_table: str | None = None


def prepare(registry: ClusterRegistry, name: str, target: str, fmt: str | None, out_dir: str | Path | None,
            *, dry_run: bool, allow_unreadable_config_base: bool = False, layout: str = "flat",
            backend: Backend | None = None) -> Update:
    if target not in pipeline.FORMATS:
        raise UsageError(f"update cluster renders terraform or cloudformation, not {target!r}")
    fmt = pipeline.output_format(target, fmt)
    spec = stored_spec(registry, name)
    s3_backend = None
    if backend is not None:
        if target != "terraform":
            raise UsageError(f"--backend goes with --target terraform: {target} keeps no Terraform state")
        s3_backend = render_options.s3_backend(spec, backend.url, backend.region, backend.lock_table)
    warnings = []
    unreadable = pipeline.config_base_warning(spec)
    if unreadable:
        # refused before anything is made (not even the CAs): writing a cluster that cannot boot must be asked for
        if not dry_run and not allow_unreadable_config_base:
            raise WriteRefused(f"refusing to write cluster {name}: {unreadable} To write it anyway, add "
                             f"{ALLOW_UNREADABLE_FLAG}.")
        warnings.append(unreadable)
    # the bucket's region, for the Terraform files provider and CloudFormation's template URL; the same
    # lookup for the preview and the write, so the preview shows what --yes writes
    spec, region_warning = pipeline.with_config_base_region(spec, required=not dry_run)
    warnings += [region_warning] if region_warning else []
    # the cluster's CAs live in this state store; nothing may create them there before write()
    session = pipeline.open_session(spec, registry.store, read_only=True)
    graph = pipeline.build_graph(session)
    files = pipeline.render_graph(graph, spec, target, fmt, s3_backend, layout=layout)
    described = _describe(graph, spec, target, layout)
    state_files = _written_by_kopsgen(session, described)
    snapshot = take(name, target, fmt, spec.cluster.config_base.url, graph, described, state_files, files)
    previous, version = read_record(registry.store, name, target)
    if target == "terraform":
        snapshot = dataclasses.replace(snapshot, moved=moved.carry(
            previous.moved if previous else (), moved.derive(previous, snapshot), set(snapshot.resources)))
        if snapshot.moved:
            files = {**files, moved.FILE[fmt]: moved.render(snapshot.moved, fmt)}
    return Update(registry, session, target, fmt, Path(out_dir) if out_dir else default_out_dir(name, target),
                  files, state_files, snapshot, version, compare(previous, snapshot),
                  None if dry_run else session.overlay,   # a dry run drops them
                  warnings=warnings)


ALLOW_ETCD_VOLUME_REPLACEMENT = "--allow-etcd-volume-replacement"


def refusal(update: Update, *, allow_etcd_volume_replacement: bool) -> str | None:
    """Why --yes must not write this plan, or None: it replaces or deletes an etcd volume (a new volume starts
    empty, so etcd loses that member's data; all members, the cluster's) and the user has not allowed it."""
    losses = etcd_volume_losses(update.plan)
    if not losses or allow_etcd_volume_replacement:
        return None
    return "\n".join([
        "Error: refusing to write: this change replaces or deletes etcd volumes, and a new volume starts empty:",
        *loss_lines(losses),
        "Undo the spec change that forces it (`kopsgen edit cluster`), or, with a backup of etcd and on purpose,",
        f"run again with {ALLOW_ETCD_VOLUME_REPLACEMENT}. Nothing was written."])


def _describe(graph: Graph, spec: ClusterSpec, target: str, layout: str = "flat") -> list[RenderedResource]:
    if target == "terraform":
        from kopsgen.render.terraform.describe import describe
    else:
        from kopsgen.render.cloudformation.describe import describe
    described = describe(graph, render_options.for_target(spec, target, "json"))
    if layout == "module":   # the module's resources, as the root's addresses name them (outputs pass through)
        from kopsgen.render.terraform.module import MODULE_PREFIX

        described = [dataclasses.replace(b, address=MODULE_PREFIX + b.address, title=MODULE_PREFIX + b.title)
                     if b.role != SETTING else b for b in described]
    return described


def _written_by_kopsgen(session: RenderSession, described: list[RenderedResource]) -> dict[str, bytes]:
    """The config-base files the output does not carry itself (as StateFile resources): kopsgen's to write."""
    carried = {block.source[1] for block in described if block.source and block.source[0] is StateFile}
    return {f.key: f.content for f in session.bootstrap.files if f.name not in carried}


def read_record(store: StateStore, cluster: str, target: str) -> tuple[Snapshot | None, Version | None]:
    key = layout.last_render_key(cluster, target)
    found = store.read(key)
    if found is None:
        return None, None
    return Snapshot.from_json(found[0], store.location(key)), found[1]


def write(update: Update) -> None:
    """Write the output folder, the state-store files and the record (see the module's docstring)."""
    from kopsgen.output import write_output

    keys = set(update.state_files)
    cluster = update.session.bootstrap
    values = cluster.apply_time_values(keys)
    new_cas = update.keysets.flush() if update.keysets is not None else []
    if new_cas:
        # the render made the cluster's CAs in memory (prepare); they exist only now
        announce_new_cas(update.spec.cluster.name, update.keysets.base)
    write_output(update.out_dir, update.files)
    config_base = open_store(cluster.context.config_base.store_url)
    uploaded = cluster.upload_state_files(config_base, apply_time_values=values, keys=keys)
    # a config base inside the state store already holds the CAs just made there: written all the same, and
    # counted, so that the count matches the preview's
    made_here = {update.registry.store.location(key) for key in new_cas}
    update.written = sorted(set(uploaded) | {key for key in keys if config_base.location(key) in made_here})
    for change in update.plan.files:
        if change.action == "delete":
            config_base.delete(change.key)
            update.deleted.append(change.key)
    update.registry.store.write(update.record_key, update.snapshot.to_json(),
                                expect=update.previous_version or ABSENT)
