"""The one documented way past the typed spec: kops's own completed documents, passed through.

Everything kopsgen decides on reads the completed spec through the typed API (kopsgen/spec/api/).
Two modules copy kops's spec to nodes as kops wrote it, and read it here, and only here:

- bootstrap/statefiles.py writes `cluster-completed.spec`, the whole completed Cluster (less kopsgen's own
  fields), which kops-controller and kops's tooling read on the cluster;
- bootstrap/nodeupconfig.py writes each group's `igconfig/<role>/<group>/nodeupconfig.yaml`, whose component
  blocks nodeup takes as they are: the group's `kubelet`, the cluster's `kubeProxy`, `containerd` (the
  cluster's under the group's), `kubeAPIServer`, `kubeControllerManager`, `kubeScheduler`, `authentication`,
  `api`, `hooks`, `fileAssets`, `volumeMounts`, `packages`, `sysctlParameters`, `egressProxy`, `updatePolicy`,
  `cloudConfig`'s node settings and `serviceAccountIssuerDiscovery.discoveryService`.

Typing each of those hundreds of fields only to write them back would add a field-by-field copy that can
drift from kops; they are handed over as the plain data the user wrote (after defaults) instead.
tests/system/test_architecture_spec_access.py fails on any other `.raw` or `value_at` outside kopsgen/spec/,
and on any other module that calls kops_document.
"""

from __future__ import annotations

from kopsgen.spec.api import Cluster, InstanceGroup


def kops_document(obj: Cluster | InstanceGroup) -> dict:
    """The completed Cluster or InstanceGroup document (kops.k8s.io/v1alpha2: apiVersion, kind, metadata,
    spec) as plain data, for the files that pass kops's spec through unchanged."""
    return obj.raw
