"""A cluster's life after its spec: preview and write changes, reach it, check it.

    update.py      `kopsgen update cluster`: render from the state store, compare with the last render
                   (snapshot.py: what is recorded; plan.py: the comparison; replacement.py: what forces a
                   replacement), write on --yes
    migrate.py     `kopsgen migrate`: kopsgen's Terraform against a kops cluster's state or kops's folder,
                   with plan.py's comparison and replacement.py's table (render/terraform/reading.py reads
                   Terraform, render/terraform/attributes.py names the forcing attributes)
    kubeconfig.py  `kopsgen export kubeconfig`: an admin client certificate from the cluster's CA
    validate.py    `kopsgen validate cluster`: the API answers, nodes and control-plane pods are ready
                   (kubeclient.py: the few Kubernetes API reads it needs)
"""

from __future__ import annotations

from kopsgen.spec.api import ClusterSpec
from kopsgen.spec.complete import complete_documents, typed_spec
from kopsgen.state.clusters import ClusterRegistry


def stored_spec(registry: ClusterRegistry, name: str) -> ClusterSpec:
    """The completed, typed spec of a stored cluster (SpecError, with positions in the store, if it no
    longer validates)."""
    return typed_spec(complete_documents(registry.get(name).documents))
