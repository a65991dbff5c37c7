"""What the spec verbs do (create, replace, get, edit, delete, create/delete instancegroup), so that cli.py
only parses and prints.

Every document that reaches a store is completed first (kopsgen/spec/complete.py) (ClusterRegistry does it);
errors come back as SpecError (exit 2) with file, line and field, or as StateStoreError (exit 1).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from kopsgen.errors import FieldError, KopsgenError, SpecError, UsageError
from kopsgen.spec.complete import complete_documents, typed_spec
from kopsgen.spec.create import CreateClusterOptions, CreateInstanceGroupOptions, new_cluster, new_instance_group
from kopsgen.spec.documents import CLUSTER_LABEL, SpecDocuments, group_documents, read_all_documents
from kopsgen.spec.dump import dump_documents
from kopsgen.spec.source import Document, parse_documents
from kopsgen.state import layout
from kopsgen.state.clusters import ClusterRegistry, StoredCluster, merge_documents, with_cluster_label
from kopsgen.state.backends import open_store
from kopsgen.state.store import ConcurrentWriteError


def registry(state: str | None) -> ClusterRegistry:
    return ClusterRegistry(open_store(state))


# --- create cluster ------------------------------------------------------------------------------


def new_cluster_documents(opts: CreateClusterOptions) -> tuple[SpecDocuments, list[dict]]:
    """The documents of a new cluster, checked with the full pipeline like any user-written spec
    (a failure here is a kopsgen bug, but it is reported like a bad spec, never written)."""
    data = new_cluster(opts)
    text = dump_documents(data, "yaml")
    docs = group_documents(parse_documents(text, "<create cluster>"), "<create cluster>")
    try:
        complete_documents(docs)
    except SpecError as exc:  # a combination of flags the checks in create.py let through
        problems = "; ".join(f"{e.path}: {e.message}" for e in exc.errors)
        raise UsageError(f"these flags make a spec that does not validate: {problems}") from None
    return docs, data


def write_file_atomically(path: Path, text: str) -> None:
    """Write `path` through a temporary file in the same folder and a rename: never half a file."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- create -f / replace -f ----------------------------------------------------------------------


def create_from_files(store: ClusterRegistry, paths: list[str]) -> StoredCluster:
    """Store the cluster the files describe (one Cluster and its InstanceGroups); refuses an existing one."""
    docs = group_documents(read_all_documents(paths), paths[0])
    return store.create(docs)


def replace_from_files(store: ClusterRegistry, paths: list[str],
                       name: str | None = None) -> tuple[StoredCluster, bool]:
    """Replace the stored objects the files hold (a Cluster, InstanceGroups, or both), keeping the
    stored instance groups they do not mention, as `kops replace -f` does. Returns the stored cluster
    and whether anything changed (files identical to what is stored write nothing)."""
    incoming = read_all_documents(paths)
    if not incoming:
        raise UsageError(f"{paths[0]}: no documents to replace")
    cluster_name = _cluster_of(incoming, name, paths[0])
    base = store.get(cluster_name)
    merged = merge_documents(base, incoming, paths[0])
    stored = store.replace(merged, base)
    return stored, stored.versions != base.versions


def _cluster_of(documents: list[Document], name: str | None, origin: str) -> str:
    """The cluster the documents belong to: the Cluster's name, or the instance groups' label, or --name."""
    names = {d.name for d in documents if d.kind == "Cluster"}
    for d in documents:
        labels = (d.data.get("metadata") or {}).get("labels") if isinstance(d.data, dict) else None
        if d.kind == "InstanceGroup" and isinstance(labels, dict) and labels.get(CLUSTER_LABEL):
            names.add(labels[CLUSTER_LABEL])
    if name:
        names.add(name)
    names.discard(None)
    if len(names) > 1:
        raise UsageError(f"{origin}: the documents belong to several clusters ({', '.join(sorted(names))})")
    if not names:
        raise UsageError(f"{origin}: no Cluster document and no kops.k8s.io/cluster label; say which cluster "
                         "with --name")
    return names.pop()


# --- create instancegroup / delete instancegroup -------------------------------------------------


def create_instance_group(store: ClusterRegistry, cluster: str, opts: CreateInstanceGroupOptions, *,
                          dry_run: bool = False) -> dict:
    """Add a new instance group with kops's defaults to a stored cluster, once the whole cluster with it
    validates (with `dry_run`, only validate). Returns the group's document."""
    base = store.get(cluster)
    if any(ig.name == opts.name for ig in base.documents.instance_groups):
        raise UsageError(f"cluster {cluster} already has an instance group {opts.name!r}; change it with "
                         f"`kopsgen edit ig --name {cluster} {opts.name}`")
    data = with_cluster_label(new_instance_group(base.documents.cluster.data, opts), cluster)
    origin = f"<create instancegroup {opts.name}>"
    doc = parse_documents(dump_documents([data], "yaml"), origin)[0]
    merged = merge_documents(base, [doc], origin)
    try:
        if dry_run:
            complete_documents(merged)
        else:
            store.replace(merged, base)
    except SpecError as exc:
        if all(e.file == origin for e in exc.errors):   # the flags' fault, not the stored cluster's
            problems = "; ".join(f"{e.path}: {e.message}" for e in exc.errors)
            raise UsageError(f"these flags make an instance group that does not validate: {problems}") from None
        raise
    return data


def delete_instance_group(store: ClusterRegistry, cluster: str, name: str,
                          confirm: Callable[[], None] = lambda: None) -> StoredCluster:
    """Remove one instance group from a stored cluster. Refused for the last control-plane group and for
    a group that runs an etcd member (its data lives on that group's volumes: change the etcd cluster
    first). `confirm` runs once those checks pass, before anything is written (it raises to cancel)."""
    base = store.get(cluster)
    base.instance_group(name)   # ClusterNotFound, listing the groups, if there is no such group
    spec = typed_spec(complete_documents(base.documents))
    group = spec.instance_group(name)
    if group.is_control_plane and not any(ig.is_control_plane for ig in spec.instance_groups if ig.name != name):
        raise UsageError(f"instance group {name} is the only control-plane group of cluster {cluster}: "
                         "a cluster needs one")
    members = [f"{member.name} of etcd cluster {etcd.name}" for etcd in spec.cluster.etcd_clusters
               for member in etcd.members if member.instance_group == name]
    if members:
        raise UsageError(f"instance group {name} runs etcd member {', '.join(members)}, whose data lives on "
                         f"the group's volumes: take the members out of spec.etcdClusters first "
                         f"(`kopsgen edit cluster {cluster}`)")
    confirm()
    remaining = [ig for ig in base.documents.instance_groups if ig.name != name]
    return store.replace(SpecDocuments(base.documents.cluster, remaining), base)


# --- get -----------------------------------------------------------------------------------------


def all_clusters(store: ClusterRegistry) -> tuple[list[StoredCluster], list[str]]:
    """Every readable cluster, and a message for each one that cannot be read (listed, not fatal)."""
    clusters, problems = [], []
    for name in store.names():
        try:
            clusters.append(store.get(name))
        except KopsgenError as exc:
            problems.append(f"cluster {name} cannot be read: {exc}")
    return clusters, problems


def cluster_documents(stored: StoredCluster, full: bool) -> list[dict]:
    docs = complete_documents(stored.documents) if full else stored.documents
    return [d.data for d in docs.all()]


def _subnet_zones(cluster: dict) -> dict[str, str]:
    subnets = ((cluster.get("spec") or {}).get("subnets")) or []
    return {s.get("name"): s.get("zone") for s in subnets if isinstance(s, dict)}


def _zones_text(zones: Iterable[str | None]) -> str:
    return ",".join(sorted({z for z in zones if z}))


def clusters_table(clusters: list[StoredCluster]) -> list[list[str]]:
    rows = [["NAME", "CLOUD", "ZONES"]]
    for c in clusters:
        spec = c.documents.cluster.data.get("spec") or {}
        rows.append([c.name, str(spec.get("cloudProvider") or "aws"),
                     _zones_text(_subnet_zones(c.documents.cluster.data).values())])
    return rows


def instance_groups_table(stored: StoredCluster) -> list[list[str]]:
    zones = _subnet_zones(stored.documents.cluster.data)
    rows = [["NAME", "ROLE", "MACHINETYPE", "MIN", "MAX", "ZONES"]]
    for ig in stored.documents.instance_groups:
        spec = ig.data.get("spec") or {}
        role = "ControlPlane" if spec.get("role") == "Master" else str(spec.get("role", ""))
        rows.append([ig.name or "", role, str(spec.get("machineType", "")), _text(spec.get("minSize")),
                     _text(spec.get("maxSize")), _zones_text(zones.get(s) for s in spec.get("subnets") or ())])
    return rows


def _text(value) -> str:
    return "" if value is None else str(value)


def format_documents(documents: list[dict], fmt: str) -> str:
    return dump_documents(documents, fmt)


# --- edit ----------------------------------------------------------------------------------------

EDIT_HEADER = (
    "# Edit the {kind} below and save; an unchanged file cancels the edit.\n"
    "# It is checked with the whole cluster before anything is stored; if it is invalid,\n"
    "# the stored cluster is left as it was and this file is kept for you to fix.\n"
)


@dataclass
class EditOutcome:
    changed: bool
    stored: StoredCluster | None = None


class EditRejected(KopsgenError):
    """The edited file did not validate (exit 2) or could not be stored (exit 1); the edit is kept."""

    def __init__(self, cause: KopsgenError, kept: Path, changes: Path | None = None):
        self.cause = cause
        self.kept = kept
        self.changes = changes   # on a conflict: the user's own change, as a unified diff to re-apply
        self.exit_code = cause.exit_code
        super().__init__(str(cause))


def edit(store: ClusterRegistry, cluster: str, instance_group: str | None,
         run_editor: Callable[[Path], None]) -> EditOutcome:
    """Open one stored object in an editor; store the result if the whole cluster still validates.

    On a bad edit nothing is stored and EditRejected says where the problem is and which file holds
    the edit; on success (or no change) the temporary file is removed."""
    base = store.get(cluster)
    if instance_group is None:
        key, kind = layout.config_key(cluster), "Cluster"
    else:
        base.instance_group(instance_group)  # a clear error if there is no such group
        key, kind = layout.instance_group_key(cluster, instance_group), "InstanceGroup"
    original = base.texts[key]
    fd, tmp = tempfile.mkstemp(prefix=f"kopsgen-edit-{cluster}-{instance_group or 'cluster'}-", suffix=".yaml")
    path = Path(tmp)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(EDIT_HEADER.format(kind=kind) + original)
    run_editor(path)
    try:
        edited = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EditRejected(UsageError(f"cannot read the edited file {path}: {exc}"), path) from None
    if edited == EDIT_HEADER.format(kind=kind) + original:
        path.unlink(missing_ok=True)
        return EditOutcome(changed=False)
    try:
        documents = parse_documents(edited, str(path))
        if len(documents) != 1 or documents[0].kind != kind:
            raise SpecError([FieldError(str(path), 1, 1, "kind", f"the file must hold exactly one {kind}")])
        doc = documents[0]
        expected_name = cluster if instance_group is None else instance_group
        if doc.name != expected_name:
            raise SpecError([doc.source.error(("metadata", "name"),
                                              f"renaming is not supported here (was {expected_name!r})")])
        if kind == "InstanceGroup":
            doc.data = with_cluster_label(doc.data, cluster) if isinstance(doc.data, dict) else doc.data
        merged = merge_documents(base, [doc], str(path))
        stored = store.replace(merged, base)
    except ConcurrentWriteError as exc:
        # storing this file would undo the other writer's change: keep the user's change apart, to re-apply
        changes = path.with_suffix(".diff")
        header = EDIT_HEADER.format(kind=kind)
        changes.write_text("".join(difflib.unified_diff(
            original.splitlines(keepends=True), edited.removeprefix(header).splitlines(keepends=True),
            fromfile=f"{kind} {cluster} as you read it", tofile="your edit")), encoding="utf-8")
        raise EditRejected(exc, path, changes) from None
    except (SpecError, UsageError) as exc:
        raise EditRejected(exc, path) from None
    path.unlink(missing_ok=True)
    return EditOutcome(changed=True, stored=stored)
