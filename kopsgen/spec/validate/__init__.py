"""Semantic checks of a completed spec: everything the JSON Schema cannot express.

`validate()` runs on the defaulted documents and returns every problem at once, each at the
field it concerns (a defaulted field points at its nearest written parent). It runs even on
documents the schema refused, so every value may be of the wrong type: each check looks at the
types it needs and skips what it cannot read (the schema reports those fields). The checks are kops's own (pkg/apis/kops/validation, the parts that matter on
AWS) plus the ones kops only finds when it calls AWS or builds the model, which kopsgen must
find before it writes anything.

One module per area, each a list of checks on the `Validation` of common.py:

    cluster.py          name, Kubernetes version, cluster-wide settings, configBase
    network.py          VPC and internal address ranges, subnets, egress
    access.py           access lists, DNS, the API's load balancer, the bastion's name
    etcd.py             etcd clusters and their members
    instancegroups.py   each instance group, and the CPU architecture of its image and machine types
    shared.py           settings both a Cluster and an InstanceGroup carry (cloud labels, hooks, ...)
    iam.py, components.py, cni.py, addons.py   called by cluster.py's cluster-wide settings

Problems are reported in the order of CHECKS (and, within a check, in the order of the spec).
"""

from __future__ import annotations

from typing import Callable

from kopsgen.errors import FieldError
from kopsgen.spec.documents import SpecDocuments
from kopsgen.spec.source import Document, SpecPath
from kopsgen.spec.validate.access import check_access, check_dns_and_api
from kopsgen.spec.validate.cluster import check_cluster_identity, check_cluster_settings, check_config_base
from kopsgen.spec.validate.common import Validation
from kopsgen.spec.validate.etcd import check_etcd
from kopsgen.spec.validate.instancegroups import check_architectures, check_groups
from kopsgen.spec.validate.network import check_network

CHECKS = (
    check_cluster_identity,
    check_network,
    check_access,
    check_dns_and_api,
    check_etcd,
    check_groups,
    check_cluster_settings,
    check_architectures,
    check_config_base,
)


def validate(docs: SpecDocuments, skip: Callable[[Document, SpecPath], bool] | None = None) -> list[FieldError]:
    """Every problem found, each at its field; an empty list means the spec can be built. A problem
    at a field for which `skip(document, path)` is true is left out (the caller reported it)."""
    v = Validation(docs, skip or (lambda doc, path: False))
    for check in CHECKS:
        check(v)
    return v.errors
