"""The one documented way past the typed spec: kops's own completed documents, passed through.

Everything kopsgen decides on reads the completed spec through the typed API (kopsgen/spec/api.py).
A few files are kops's spec copied wholesale, and kops's nodes read them as kops wrote them: the
`cluster-completed.spec` file in the state store, and the component settings (kubelet, kube-proxy,
kube-apiserver, containerd, ...) that nodeup configs carry unchanged. Typing each of those hundreds
of fields only to write them back would add a field-by-field copy that can drift from kops; they are
handed over as the plain data the user wrote (after defaults) instead, from here and only from here.
tests/system/test_architecture_spec_access.py fails on any other `.raw` or `value_at` outside kopsgen/spec/.
"""

from __future__ import annotations

from kopsgen.spec.api import Cluster, InstanceGroup


def kops_document(obj: Cluster | InstanceGroup) -> dict:
    """The completed Cluster or InstanceGroup document (kops.k8s.io/v1alpha2: apiVersion, kind, metadata,
    spec) as plain data, for the files that pass kops's spec through unchanged."""
    return obj.raw
