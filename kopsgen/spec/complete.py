"""load -> schema -> defaults -> validate -> typed spec: the completed spec of a cluster's documents.

Below the pipeline and the state store, which both complete specs (the store checks what it keeps)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable

from kopsgen.errors import SpecError
from kopsgen.spec import schema, sshkey
from kopsgen.spec.api import ClusterSpec
from kopsgen.spec.defaults import apply_defaults
from kopsgen.spec.documents import SpecDocuments, load_documents
from kopsgen.spec.source import Document, SpecPath
from kopsgen.spec.validate import validate


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
    paths = list(paths)
    spec = typed_spec(complete_documents(load_documents(paths)))
    return dataclasses.replace(spec, source_files=tuple("stdin" if str(p) == "-" else Path(p).name for p in paths))
