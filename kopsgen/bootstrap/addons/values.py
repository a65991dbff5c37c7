"""Small readings of the completed spec that several addons share (the modules of this package)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.errors import RenderError


def or_default(value: Any, default: Any) -> Any:
    """A setting as written, or the addon's default where it is unset."""
    return default if value is None else value


def flag(value: Any) -> str:
    """A boolean as Kubernetes flags and ConfigMaps spell it."""
    return "true" if value else "false"


def version_label(ctx: BootstrapContext) -> str:
    return "v" + ctx.kops_version


def control_plane_replicas(ctx: BootstrapContext) -> int:
    """Controllers pinned to the control plane run twice when it is highly available."""
    count = sum(ig.min_size for ig in ctx.spec.control_plane_groups)
    return 2 if count > 1 else 1


def service_range(ctx: BootstrapContext) -> str:
    rng = ctx.spec.cluster.service_cluster_ip_range
    if not rng:
        raise RenderError("spec.serviceClusterIPRange: needed to place the cluster DNS service")
    return rng


def dns_service_ip(ctx: BootstrapContext) -> str:
    """The tenth address of the service range, as kops picks it."""
    return str(ipaddress.ip_network(service_range(ctx), strict=False).network_address + 10)


def cloud_labels(ctx: BootstrapContext) -> str:
    """`KubernetesCluster=<name>` and the spec's cloudLabels as `k=v,...`, sorted: the tags addons
    put on the AWS resources they create."""
    labels = [f"KubernetesCluster={ctx.name}"] + [f"{k}={v}" for k, v in ctx.spec.cluster.cloud_labels.items()]
    return ",".join(sorted(labels))


def api_internal_name(ctx: BootstrapContext) -> str:
    """The API server's internal name, which pods that start before service routing use."""
    return f"api.internal.{ctx.name}"


# Controllers on the control plane that start before service routing reach the API server on the host.
API_SERVER_LOCAL = [{"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"}]
# The channel selector of the pod network addons.
NETWORKING_SELECTOR = {"role.kubernetes.io/networking": "1"}


def remap_image(ctx: BootstrapContext, image: str) -> str:
    """An image as the cluster pulls it, through kops's `assets` (kops's NormalizeImage): a
    `containerProxy` takes the registry's place (or goes in front of a Docker Hub name such as
    `library/busybox`), then a `containerRegistry` mirror holds every image flat, under its path with
    `/` written `-` (without registry.k8s.io/)."""
    proxy, mirror = ctx.spec.cluster.container_proxy, ctx.spec.cluster.container_registry
    if proxy:
        proxy = proxy.rstrip("/")
        first = image.split("/")[0]
        # a Docker Hub name: `busybox:1` or `library/busybox:1` (kops reads the tag of the first as a port)
        if "/" not in image or (image.count("/") == 1 and not any(c in first for c in ".:")):
            image = f"{proxy}/{image}"
        else:
            image = re.sub(r"^[^/]+", lambda m: proxy, image, count=1)
    if mirror:
        flat = image.removeprefix("registry.k8s.io/")
        if not flat.startswith(mirror + "/"):
            image = f"{mirror}/{flat.replace('/', '-')}"
    return image
