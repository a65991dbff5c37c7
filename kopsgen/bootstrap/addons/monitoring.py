"""kopsgen's monitoring (spec.kopsgen.addons.kubeStateMetrics, nodeExporter): the two exporters a team's
own Prometheus scrapes, beside kops's metrics-server (docs/addons/monitoring.md)."""

from __future__ import annotations

from typing import Callable

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import remap_image
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.spec.api.extensions import KopsgenAddons, MetricsExporter


def _exporter_values(key: str, setting: Callable[[KopsgenAddons], MetricsExporter | None]
                     ) -> Callable[[BootstrapContext], dict]:
    def values(ctx: BootstrapContext) -> dict:
        exporter = setting(ctx.spec.cluster.kopsgen_addons)
        pinned = versions.kopsgen_addon(key)
        return {"version": pinned["version"], "image": remap_image(ctx, exporter.image or pinned["image"]),
                "resources": exporter.resources}
    return values


KUBE_STATE_METRICS = Addon(name="kube-state-metrics.addons.kopsgen.io", id="k8s-1.32",
                           template="addon-kube-state-metrics.yaml", build_prune=True,
                           values=_exporter_values("kubeStateMetrics", lambda a: a.kube_state_metrics))
NODE_EXPORTER = Addon(name="node-exporter.addons.kopsgen.io", id="k8s-1.32", template="addon-node-exporter.yaml",
                      build_prune=True, values=_exporter_values("nodeExporter", lambda a: a.node_exporter))
