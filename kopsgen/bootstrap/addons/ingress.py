"""kopsgen's ingress (spec.kopsgen.addons.gatewayAPI, nginxGatewayFabric): the Gateway API CRDs and
NGINX Gateway Fabric, the maintained nginx-based successor of kops's old ingress-nginx addon. Its
Gateways are reached through an NLB the AWS load balancer controller makes (docs/addons/ingress.md)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon
from kopsgen.bootstrap.addons.values import cloud_labels, remap_image
from kopsgen.bootstrap.context import BootstrapContext


def _gateway_api_values(ctx: BootstrapContext) -> dict:
    return {"version": versions.kopsgen_addon("gatewayAPI")["version"]}


def _split_image(image: str) -> tuple[str, str]:
    """repository and tag of `repository:tag` (a registry's port is not a tag)."""
    repository, colon, tag = image.rpartition(":")
    if not colon or "/" in tag:
        return image, "latest"
    return repository, tag


def _nginx_gateway_fabric_values(ctx: BootstrapContext) -> dict:
    ngf = ctx.spec.cluster.kopsgen_addons.nginx_gateway_fabric
    pinned = versions.kopsgen_addon("nginxGatewayFabric")
    nginx_repository, nginx_tag = _split_image(remap_image(ctx, ngf.nginx_image or pinned["nginxImage"]))
    target_type = ngf.target_type or ("ip" if ctx.spec.cluster.networking.pods_have_vpc_addresses else "instance")
    annotations = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": ngf.scheme,
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": target_type,
        "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
        "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": cloud_labels(ctx),
    }
    if ctx.spec.cluster.ipv6:
        annotations["service.beta.kubernetes.io/aws-load-balancer-ip-address-type"] = "dualstack"
    return {"version": pinned["version"], "image": remap_image(ctx, ngf.image or pinned["image"]),
            "nginx_image_repository": nginx_repository, "nginx_image_tag": nginx_tag,
            "replicas": ngf.replicas, "resources": ngf.resources,
            "nginx_replicas": ngf.nginx_replicas, "nginx_resources": ngf.nginx_resources,
            "ip_family": "ipv6" if ctx.spec.cluster.ipv6 else "ipv4",
            "cluster_domain": ctx.spec.cluster.cluster_dns_domain,
            "load_balancer_annotations": dict(sorted(annotations.items())),
            "load_balancer_source_ranges": list(ngf.source_ranges),
            "default_gateway": ngf.default_gateway}


GATEWAY_API = Addon(name="gateway-api.addons.kopsgen.io", id="k8s-1.32", template="addon-gateway-api.yaml",
                    build_prune=True, values=_gateway_api_values)
NGINX_GATEWAY_FABRIC = Addon(name="nginx-gateway-fabric.addons.kopsgen.io", id="k8s-1.32",
                             template="addon-nginx-gateway-fabric.yaml", build_prune=True,
                             values=_nginx_gateway_fabric_values)
