"""Typed, read-only view of a completed (defaulted and validated) cluster spec.

The YAML is loaded, checked against the JSON Schema, defaulted and validated as plain
dicts (the shape users write and `get cluster --full` prints). Once that has succeeded,
`ClusterSpec.from_dicts` turns it into frozen dataclasses, which are all the builders and
the bootstrap code read. Construction cannot fail on a validated spec, so nothing here
checks input; `raw` keeps the whole document for the parts that are passed through
untouched (bootstrap/passthrough.py: component settings written into nodeup configs, the
completed spec in the state store). Field names follow kops's API, in snake_case.

One module per area; a new field goes into the module of its area:

- cluster.py        Cluster (the fields of spec that belong to no area below) and ClusterSpec
- instancegroup.py  InstanceGroup and its parts; the roles (ROLE_*) and group managers
- network.py        subnets, routes, the API load balancer, the egress proxy; region and IPv6 rules
- cni.py            spec.networking: the CNI in use and each CNI's settings block
- addons.py         settings of the addons and components kops runs; AddonSwitches (which ones run)
- etcd.py           etcdClusters, their members and etcd-manager
- iam.py            spec.iam and the service-account issuer
- extensions.py     spec.kopsgen: kopsgen's own fields (flow logs, SSM, kopsgen's addons)
- fields.py         how a settings block is read (kops_settings, kops_name, kops_block, value_at)

This package exports the names nearly every consumer needs; take the rest from their module.
"""

from kopsgen.spec.api.cluster import Cluster, ClusterSpec
from kopsgen.spec.api.instancegroup import (
    MANAGER_CLOUD_GROUP, MANAGER_KARPENTER, ROLE_API_SERVER, ROLE_BASTION, ROLE_CONTROL_PLANE, ROLE_NODE, InstanceGroup,
)
from kopsgen.spec.api.network import (
    DNS_NONE, DNS_PRIVATE, DNS_PUBLIC, SUBNET_DUALSTACK, SUBNET_PRIVATE, SUBNET_PUBLIC, SUBNET_UTILITY,
)

__all__ = ["Cluster", "ClusterSpec", "InstanceGroup", "ROLE_CONTROL_PLANE", "ROLE_NODE", "ROLE_BASTION",
           "ROLE_API_SERVER", "MANAGER_CLOUD_GROUP", "MANAGER_KARPENTER", "SUBNET_PUBLIC", "SUBNET_PRIVATE",
           "SUBNET_UTILITY", "SUBNET_DUALSTACK", "DNS_PUBLIC", "DNS_PRIVATE", "DNS_NONE"]
