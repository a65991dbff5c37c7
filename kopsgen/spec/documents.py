"""Group loaded YAML documents into one Cluster and its InstanceGroups."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kopsgen.errors import FieldError, SpecError
from kopsgen.spec.source import Document, read_documents

API_GROUP = "kops.k8s.io"
API_VERSION = f"{API_GROUP}/v1alpha2"
# kops still reads the group's old spelling and rewrites it; so do we (defaults write API_VERSION).
LEGACY_API_VERSION = "kops/v1alpha2"
API_VERSIONS = (API_VERSION, LEGACY_API_VERSION)
KINDS = ("Cluster", "InstanceGroup")
CLUSTER_LABEL = "kops.k8s.io/cluster"


@dataclass
class SpecDocuments:
    """The documents of one cluster, as plain data with their source positions."""

    cluster: Document
    instance_groups: list[Document] = field(default_factory=list)

    def all(self) -> list[Document]:
        return [self.cluster, *self.instance_groups]

    def copy(self) -> "SpecDocuments":
        """A deep copy of the data; source maps are shared (positions never change)."""
        return SpecDocuments(
            Document(copy.deepcopy(self.cluster.data), self.cluster.source),
            [Document(copy.deepcopy(d.data), d.source) for d in self.instance_groups],
        )


def group_documents(documents: Iterable[Document], origin: str) -> SpecDocuments:
    """One Cluster and its InstanceGroups; SpecError with every problem of the documents' kinds."""
    clusters, groups, errors = _sort_documents(documents)
    if not clusters and not errors:
        errors.append(FieldError(origin, 1, 1, "kind", "no Cluster document found"))
    if errors:
        raise SpecError(errors)
    return SpecDocuments(clusters[0], groups)


def _sort_documents(documents: Iterable[Document]) -> tuple[list[Document], list[Document], list[FieldError]]:
    errors: list[FieldError] = []
    clusters: list[Document] = []
    groups: list[Document] = []
    for doc in documents:
        if not isinstance(doc.data, dict):
            errors.append(doc.source.error((), "expected a mapping with apiVersion, kind, metadata and spec"))
            continue
        api_version = doc.data.get("apiVersion")
        kind = doc.data.get("kind")
        if api_version not in API_VERSIONS:
            hint = " (v1alpha3 has another shape; `kops get cluster -o yaml` prints v1alpha2)" \
                if api_version == f"{API_GROUP}/v1alpha3" else ""
            errors.append(doc.source.error(("apiVersion",),
                                           f"apiVersion must be {API_VERSION} (got {_show(api_version)}){hint}"))
        if kind == "Cluster":
            clusters.append(doc)
        elif kind == "InstanceGroup":
            groups.append(doc)
        else:
            errors.append(doc.source.error(("kind",), f"kind must be Cluster or InstanceGroup (got {_show(kind)})"))
    for extra in clusters[1:]:
        errors.append(extra.source.error(("kind",), "only one Cluster per input; render each cluster separately"))
    cluster_name = clusters[0].name if clusters else None
    for ig in groups:
        labels = _labels(ig)
        owner = labels.get(CLUSTER_LABEL)
        if owner is not None and cluster_name is not None and owner != cluster_name:
            errors.append(ig.source.error(("metadata", "labels", CLUSTER_LABEL),
                                          f'instance group belongs to cluster "{owner}", not "{cluster_name}"'))
    return clusters, groups, errors


def _labels(doc: Document) -> dict:
    meta = doc.data.get("metadata") if isinstance(doc.data, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return labels if isinstance(labels, dict) else {}


def _show(value: object) -> str:
    return "nothing" if value is None else json.dumps(value, ensure_ascii=False, default=str)[:60]


def _read_all(paths: list[str | Path]) -> tuple[list[Document], list[FieldError]]:
    """Every document of every file (each may hold several), and every problem reading them."""
    documents: list[Document] = []
    errors: list[FieldError] = []
    for path in paths:
        try:
            documents.extend(read_documents(path))
        except SpecError as exc:
            errors.extend(exc.errors)
    return documents, errors


def read_all_documents(paths: Iterable[str | Path]) -> list[Document]:
    """Every document of every file, ungrouped (for `replace -f`, which may hold instance groups only)."""
    documents, errors = _read_all(list(paths))
    if errors:
        raise SpecError(errors)
    return documents


def load_documents(paths: Iterable[str | Path]) -> SpecDocuments:
    """Read every file (each may hold several documents) and group them; all errors at once."""
    paths = list(paths)
    documents, errors = _read_all(paths)
    if errors:
        # still report what is wrong with the documents that did parse (but not a missing Cluster:
        # it may be in a file that did not)
        errors.extend(_sort_documents(documents)[2])
        raise SpecError(errors)
    return group_documents(documents, str(paths[0]) if paths else "<input>")
