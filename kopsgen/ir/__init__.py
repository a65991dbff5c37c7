"""The typed resource graph (IR) between the model builders and the renderers."""

from kopsgen.ir import network  # noqa: F401
from kopsgen.ir import compute, events, storage  # noqa: F401
from kopsgen.ir import dns, firewall, loadbalancer, sshkey  # noqa: F401
from kopsgen.ir import iam  # noqa: F401
from kopsgen.ir import files  # noqa: F401
from kopsgen.ir import kms, logs  # noqa: F401
from kopsgen.ir.base import External, Graph, GraphError, Link, Ref, Resource  # noqa: F401


def resource_kinds() -> list[type[Resource]]:
    """Every concrete resource kind (for the test that each renderer maps them all)."""
    found: list[type[Resource]] = []
    stack = list(Resource.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if not kind.__name__.startswith("_"):
            found.append(kind)
    return sorted(set(found), key=lambda k: k.__name__)
