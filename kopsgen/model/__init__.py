"""Model builders: the completed spec in, the AWS resource graph out. AWS concepts, no target syntax."""

from __future__ import annotations

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
from kopsgen.spec.api import ClusterSpec

# In dependency order: later builders link to what earlier ones made.
BUILDERS = (build_network, build_flow_logs, build_iam,
            build_firewall, build_api_load_balancer, build_bastion, build_dns, build_ssh_key,
            build_instance_groups, build_etcd_volumes, build_node_termination_handler,
            build_state_files)


def build(spec: ClusterSpec) -> Graph:
    ctx = ModelContext(spec)
    for builder in BUILDERS:
        builder(ctx)
    return ctx.graph
