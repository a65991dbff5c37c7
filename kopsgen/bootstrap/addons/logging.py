"""kopsgen's logging (spec.kopsgen.addons.fluentBit): Fluent Bit ships every node's container and node
logs to the cluster's CloudWatch Logs group, which the model makes with its key and its writers'
permissions (model/clusterlogs.py; docs/addons/logging.md)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import remap_image
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.ir import naming
from kopsgen.spec import service_accounts


def _fluent_bit_values(ctx: BootstrapContext) -> dict:
    fluent_bit = ctx.spec.cluster.kopsgen_addons.fluent_bit
    pinned = versions.kopsgen_addon("fluentBit")
    return {"version": pinned["version"], "image": remap_image(ctx, fluent_bit.image or pinned["image"]),
            "resources": fluent_bit.resources, "cluster_name": ctx.name, "region": ctx.spec.cluster.region,
            "log_group_name": naming.cluster_logs(ctx.name),
            # with a role of its own the pods read a projected token (irsa.py), not the instance's metadata
            "host_network": not service_accounts.external_permissions(ctx.spec.cluster)}


FLUENT_BIT = Addon(name="fluent-bit.addons.kopsgen.io", id="k8s-1.32", template="addon-fluent-bit.yaml",
                   build_prune=True, values=_fluent_bit_values)
