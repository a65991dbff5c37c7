"""Model builders: the completed spec in, the AWS resource graph out. AWS concepts, no target syntax."""

from __future__ import annotations

from kopsgen.ir.base import Graph
from kopsgen.model.context import ModelContext
from kopsgen.model.network import build_network
from kopsgen.spec.api import ClusterSpec

# In dependency order: later builders link to what earlier ones made.
BUILDERS = (build_network,)


def build(spec: ClusterSpec) -> Graph:
    ctx = ModelContext(spec)
    for builder in BUILDERS:
        builder(ctx)
    return ctx.graph
