"""metrics-server (the resource metrics API)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.context import BootstrapContext


def _metrics_server_values(ctx: BootstrapContext) -> dict:
    # insecure unless written as false (kops's default)
    secure = ctx.spec.cluster.metrics_server.insecure is False
    address_type = "InternalIP" if ctx.spec.cluster.ipv6 else "Hostname"
    args = ["--secure-port=10250", "--kubelet-use-node-status-port", "--metric-resolution=15s",
            f"--kubelet-preferred-address-types={address_type}"]
    if secure:
        args += ["--tls-cert-file=/srv/tls.crt", "--tls-private-key-file=/srv/tls.key"]
    else:
        args += ["--cert-dir=/tmp", "--kubelet-insecure-tls"]
    return {"image": ctx.spec.cluster.metrics_server.image or versions.METRICS_SERVER_IMAGE, "args": args,
            "secure": secure, "skip_tls_verify": True if not secure else None,
            # cert-manager's CA injector gives the API server the CA of the serving certificate
            "api_service_annotations": {"cert-manager.io/inject-ca-from": "kube-system/metrics-server"}
            if secure else None}


def _metrics_server_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    api_service = next(o for o in objects if o["kind"] == "APIService")
    for key, where in (("annotations", api_service["metadata"]), ("insecureSkipTLSVerify", api_service["spec"])):
        if where[key] is None:
            del where[key]
    return objects


METRICS_SERVER = Addon(name="metrics-server.addons.k8s.io", id="k8s-1.11", template="addon-metrics-server.yaml",
                       selector={"k8s-app": "metrics-server"},
                       # kops asks for PKI unless `insecure` is written explicitly as true
                       needs_pki=lambda ctx: ctx.spec.cluster.metrics_server.insecure is not True,
                       values=_metrics_server_values, adjust=_metrics_server_adjust)
