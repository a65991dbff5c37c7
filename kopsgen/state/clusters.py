"""Clusters in a state store: save, load, list and delete a Cluster with its InstanceGroups.

Built on the raw store (store.py) and the key layout (layout.py). Everything is validated with the
full pipeline (schema, defaults, semantic checks) before a byte is written, and every write is
conditional on what was read, so two people changing the same cluster cannot silently undo each
other's work:
- create claims `<cluster>/config` with a create-only write, then writes the instance groups
  (each create-only); if anything fails it removes what it wrote;
- replace checks that nothing changed since the read, then writes each changed object with the
  version it read (new instance groups create-only) and deletes the dropped ones the same way.
A cluster spans several objects and no store offers a multi-object transaction: a replace that
fails half way (a writer sneaking in after the pre-check) leaves the objects written so far in
place; the error says so, and reading the cluster again shows the mix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kopsgen.errors import KopsgenError, SpecError, StateStoreError, UsageError
from kopsgen.spec import sshkey
from kopsgen.spec.complete import complete_documents
from kopsgen.spec.documents import CLUSTER_LABEL, SpecDocuments, group_documents
from kopsgen.spec.dump import dump_yaml
from kopsgen.spec.source import Document, parse_documents
from kopsgen.state import layout
from kopsgen.state.store import ABSENT, ConcurrentWriteError, StateStore, Version


class ClusterNotFound(KopsgenError):
    exit_code = 2  # the name the user gave is wrong


class ClusterExists(KopsgenError):
    exit_code = 1


@dataclass
class StoredCluster:
    """A cluster as read from a store: its documents (positions point into the store) and the
    version of every object read, for conditional writes later."""

    name: str
    documents: SpecDocuments
    versions: dict[str, Version] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def instance_group(self, name: str) -> Document:
        for ig in self.documents.instance_groups:
            if ig.name == name:
                return ig
        raise ClusterNotFound(f"cluster {self.name} has no instance group {name!r} "
                              f"(it has: {', '.join(sorted(d.name or '?' for d in self.documents.instance_groups))})")


def serialize(doc: dict) -> str:
    return dump_yaml(doc)


def with_cluster_label(ig: dict, cluster: str) -> dict:
    """The instance group labelled with its cluster, as kops stores and prints it."""
    meta = dict(ig.get("metadata") or {})
    labels = dict(meta.get("labels") or {})
    labels[CLUSTER_LABEL] = cluster
    meta["labels"] = labels
    return {**ig, "metadata": meta}


class ClusterRegistry:
    """The clusters of one state store."""

    def __init__(self, store: StateStore):
        self.store = store

    # -- reading ---------------------------------------------------------------------------

    def names(self) -> list[str]:
        return sorted(key[: -len("/" + layout.CONFIG)] for key in self.store.list("")
                      if key.count("/") == 1 and key.endswith("/" + layout.CONFIG))

    def exists(self, name: str) -> bool:
        return self.store.version(layout.config_key(name)) is not None

    def get(self, name: str) -> StoredCluster:
        config_key = layout.config_key(name)
        found = self.store.read(config_key)
        if found is None:
            raise ClusterNotFound(f"cluster {name!r} not found in {self.store.url}"
                                  + (f" (it has: {', '.join(self.names())})" if self.names() else ""))
        stored = StoredCluster(name, SpecDocuments(self._parse(config_key, found[0], "Cluster")))
        stored.versions[config_key], stored.texts[config_key] = found[1], found[0].decode("utf-8")
        for key in self.store.list(layout.instance_group_folder(name)):
            obj = self.store.read(key)
            if obj is None:  # deleted between list and read
                continue
            doc = self._parse(key, obj[0], "InstanceGroup")
            doc.data = with_cluster_label(doc.data, name)
            stored.documents.instance_groups.append(doc)
            stored.versions[key], stored.texts[key] = obj[1], obj[0].decode("utf-8")
        return stored

    def _parse(self, key: str, data: bytes, kind: str) -> Document:
        where = self.store.location(key)
        try:
            docs = parse_documents(data.decode("utf-8"), where)
        except UnicodeDecodeError:
            raise StateStoreError(f"{where} is not UTF-8 text") from None
        except SpecError as exc:
            raise StateStoreError(f"{where} cannot be read:\n" + "\n".join(str(e) for e in exc.errors)) from None
        if len(docs) != 1 or docs[0].kind != kind:
            raise StateStoreError(f"{where} should hold one {kind} document")
        return docs[0]

    # -- writing ---------------------------------------------------------------------------

    def create(self, docs: SpecDocuments) -> StoredCluster:
        """Store a new cluster; ClusterExists if one of that name is there already."""
        name = self._validated_name(docs)
        config_key = layout.config_key(name)
        objects = self._objects(docs, name)
        written: list[str] = []
        try:
            for key, text in objects.items():  # the config first: it claims the name
                try:
                    self.store.write(key, text.encode(), expect=ABSENT)
                except ConcurrentWriteError:
                    if key == config_key:
                        raise ClusterExists(f"cluster {name!r} already exists in {self.store.url}; "
                                            "use `kopsgen replace` or `kopsgen edit` to change it") from None
                    raise StateStoreError(f"{self.store.location(key)} already exists (left over from an "
                                          f"earlier cluster {name!r}?); nothing was stored") from None
                written.append(key)
            self._mirror_ssh_key(docs, name, previous=None)
        except BaseException:
            for key in reversed(written):
                try:
                    self.store.delete(key)
                except KopsgenError:
                    pass
            raise
        return self.get(name)

    def replace(self, docs: SpecDocuments, base: StoredCluster) -> StoredCluster:
        """Make the stored cluster `docs` (the complete desired set of documents), provided that
        nothing changed since `base` was read."""
        name = self._validated_name(docs)
        if name != base.name:
            raise UsageError(f"cannot rename cluster {base.name!r} to {name!r}; create a new cluster instead")
        desired = self._objects(docs, name)
        for key, version in base.versions.items():  # fail before writing anything, in the common case
            if self.store.version(key) != version:
                raise ConcurrentWriteError(f"{self.store.location(key)} was changed by another writer since it "
                                           "was read; nothing was stored. Read the cluster again and retry")
        config_key = layout.config_key(name)
        changes = [k for k in desired if k != config_key] + [config_key]  # the config last
        done: list[str] = []
        try:
            for key in changes:
                text = desired[key]
                if base.texts.get(key) == text:
                    continue
                self.store.write(key, text.encode(), expect=base.versions.get(key, ABSENT))
                done.append(key)
            for key in sorted(set(base.versions) - set(desired)):
                self.store.delete(key, expect=base.versions[key])
                done.append(key)
        except ConcurrentWriteError as exc:
            partial = f" (already stored: {', '.join(done)})" if done else "; nothing was stored"
            raise ConcurrentWriteError(f"{exc}{partial}") from None
        self._mirror_ssh_key(docs, name, previous=base.documents)
        return self.get(name)

    def delete(self, name: str) -> list[str]:
        """Remove everything kops or kopsgen keeps for the cluster; refuses if the cluster's folder
        holds files neither would have written. Returns the keys removed."""
        config_key = layout.config_key(name)
        if self.store.version(config_key) is None:
            raise ClusterNotFound(f"cluster {name!r} not found in {self.store.url}")
        folder = layout.cluster_folder(name)
        keys = self.store.list(folder)
        unknown = [k for k in keys if not layout.is_known(k[len(folder) + 1:])]
        if unknown:
            raise StateStoreError(f"refusing to delete cluster {name!r}: {self.store.url} holds files kopsgen "
                                  f"does not know under {folder}/: {', '.join(unknown[:5])}"
                                  + (" ..." if len(unknown) > 5 else ""))
        # the config last: an interrupted delete leaves a cluster that can be deleted again
        ordered = [k for k in keys if k != config_key] + [config_key]
        for key in ordered:
            self.store.delete(key)
        return ordered

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _validated_name(docs: SpecDocuments) -> str:
        complete_documents(docs)  # SpecError with every problem, before anything is written
        name = docs.cluster.name
        if not name:
            raise UsageError("the Cluster has no metadata.name")
        layout.check_name("cluster", name)
        seen: set[str] = set()
        for ig in docs.instance_groups:
            if not ig.name:
                raise SpecError([ig.source.error(("metadata", "name"), "an InstanceGroup needs a name")])
            if ig.name in seen:
                raise SpecError([ig.source.error(("metadata", "name"), f"instance group {ig.name!r} is given twice")])
            seen.add(ig.name)
        return name

    @staticmethod
    def _objects(docs: SpecDocuments, name: str) -> dict[str, str]:
        """Every object to store, by key: the config first, then the instance groups by name."""
        objects = {layout.config_key(name): serialize(docs.cluster.data)}
        for ig in sorted(docs.instance_groups, key=lambda d: d.name or ""):
            objects[layout.instance_group_key(name, ig.name)] = serialize(with_cluster_label(ig.data, name))
        return objects

    def _mirror_ssh_key(self, docs: SpecDocuments, name: str, previous: SpecDocuments | None) -> None:
        """Keep kops's copy of the admin SSH key (`pki/ssh/public/admin/<fingerprint>`) in step
        with the spec's extension field."""
        key_text = _ssh_key_of(docs)
        old_text = _ssh_key_of(previous) if previous is not None else None
        if key_text == old_text and previous is not None:
            return
        wanted = layout.ssh_public_key_key(name, sshkey.fingerprint(key_text)) if key_text else None
        for key in self.store.list(layout.ssh_public_key_folder(name)):
            if key != wanted:
                self.store.delete(key)
        if wanted:
            self.store.write(wanted, key_text.strip().encode() + b"\n")


def _ssh_key_of(docs: SpecDocuments) -> str | None:
    return sshkey.public_key(docs)


def merge_documents(base: StoredCluster, incoming: list[Document], origin: str) -> SpecDocuments:
    """The stored cluster with `incoming` documents put in place of the stored ones of the same kind
    and name (a Cluster replaces the config; an InstanceGroup replaces or adds that group). Stored
    instance groups the input does not mention are kept, as `kops replace -f` keeps them."""
    cluster = base.documents.cluster
    groups = {ig.name: ig for ig in base.documents.instance_groups}
    for doc in incoming:
        if doc.kind == "Cluster":
            cluster = doc
        elif doc.kind == "InstanceGroup" and doc.name:
            groups[doc.name] = doc
    ordered = [cluster, *(groups[k] for k in sorted(groups, key=str))]
    return group_documents(ordered + [d for d in incoming if d.kind not in ("Cluster", "InstanceGroup")], origin)
