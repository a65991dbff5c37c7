"""kopsgen's web UI (spec.kopsgen.addons.headlamp): Headlamp, the successor the archived Kubernetes
Dashboard names, with a read-only viewer account by default (docs/addons/web-ui.md)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import remap_image
from kopsgen.bootstrap.context import BootstrapContext


def _headlamp_values(ctx: BootstrapContext) -> dict:
    headlamp = ctx.spec.cluster.kopsgen_addons.headlamp
    pinned = versions.kopsgen_addon("headlamp")
    return {"version": pinned["version"], "image": remap_image(ctx, headlamp.image or pinned["image"]),
            "replicas": headlamp.replicas, "resources": headlamp.resources, "base_url": headlamp.base_url,
            "viewer": headlamp.read_only_viewer}


HEADLAMP = Addon(name="headlamp.addons.kopsgen.io", id="k8s-1.32", template="addon-headlamp.yaml", build_prune=True,
                 values=_headlamp_values)
