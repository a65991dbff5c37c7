"""Model builders: the completed spec in, the AWS resource graph out. AWS concepts, no target syntax."""

from __future__ import annotations

from kopsgen.bootstrap import ClusterBootstrap
from kopsgen.errors import RenderError
from kopsgen.ir.base import Graph
from kopsgen.model.context import ModelContext
from kopsgen.model.network import build_network
from kopsgen.model.bastion import build_bastion
from kopsgen.model.dns import build_dns
from kopsgen.model.firewall import build_firewall
from kopsgen.model.iam import build_iam
from kopsgen.model.loadbalancer import build_api_load_balancer
from kopsgen.model.sshkey import build_ssh_key
from kopsgen.model.etcd import build_etcd_volumes
from kopsgen.model.instancegroups import build_instance_groups
from kopsgen.model.nodeterminationhandler import build_node_termination_handler
from kopsgen.model.files import build_state_files
from kopsgen.model.flowlogs import build_flow_logs
from kopsgen.model.clusterlogs import build_cluster_logs
from kopsgen.spec.api import ClusterSpec

# In dependency order: later builders link to what earlier ones made.
BUILDERS = (build_network, build_flow_logs, build_iam, build_cluster_logs,
            build_firewall, build_api_load_balancer, build_bastion, build_dns, build_ssh_key,
            build_instance_groups, build_etcd_volumes, build_node_termination_handler,
            build_state_files)


# AWS takes at most 50 user tags on a resource (EC2, auto scaling groups, IAM, load balancers, Route 53)
MAX_TAGS = 50


def build(spec: ClusterSpec, bootstrap: ClusterBootstrap) -> Graph:
    """The graph of `spec`; `bootstrap` (the session's, for this spec) gives each group's user data and the
    state-store files."""
    if bootstrap.spec is not spec:
        raise ValueError("model.build: the bootstrap was made for another spec")
    ctx = ModelContext(spec, bootstrap)
    for builder in BUILDERS:
        builder(ctx)
    _check_tag_limit(ctx.graph)
    return ctx.graph


def _check_tag_limit(graph: Graph) -> None:
    """Refuse here what AWS would refuse at apply: a resource with more tags than it takes."""
    crowded = sorted((len(r.tags), f"{type(r).__name__} {r.name}") for r in graph if len(r.tags) > MAX_TAGS)
    if crowded:
        most, example = crowded[-1]
        raise RenderError(
            f"spec.cloudLabels: AWS takes {MAX_TAGS} tags on a resource, and {len(crowded)} would carry more "
            f"(up to {most}), e.g. {example}. A resource's tags are the cluster's cloudLabels, its "
            "instance group's cloudLabels, node labels and taints (as cluster-autoscaler tags), and kopsgen's own")
