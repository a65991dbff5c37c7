"""cert-manager."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import flag as _flag
from kopsgen.bootstrap.context import BootstrapContext


def _cert_manager_values(ctx: BootstrapContext) -> dict:
    cm = ctx.spec.cluster.cert_manager
    version = versions.CERT_MANAGER_VERSION
    args = ["--v=2", "--cluster-resource-namespace=$(POD_NAMESPACE)", "--leader-election-namespace=kube-system",
            f"--acme-http01-solver-image={versions.CERT_MANAGER_IMAGE.format(component='acmesolver', version=version)}",
            "--max-concurrent-challenges=60", "--enable-certificate-owner-ref=true"]
    if cm.default_issuer:
        args += [f"--default-issuer-name={cm.default_issuer}", "--default-issuer-kind=ClusterIssuer",
                 "--default-issuer-group=cert-manager.io"]
    for gate, enabled in sorted(cm.feature_gates.items()):
        args.append(f"--feature-gates={gate}={_flag(enabled) if isinstance(enabled, bool) else enabled}")
    return {"version": version, "controller_args": args,
            "controller_env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                               {"name": "AWS_REGION", "value": ctx.spec.cluster.region}],
            **{f"{c}_image": versions.CERT_MANAGER_IMAGE.format(component=c, version=version)
               for c in ("cainjector", "controller", "webhook")}}


def _cert_manager_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    nameservers = ctx.spec.cluster.cert_manager.nameservers
    if nameservers:
        pod = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "cert-manager")
        pod["spec"]["template"]["spec"].update(dnsConfig={"nameservers": list(nameservers)}, dnsPolicy="None")
    return objects


CERT_MANAGER = Addon(name="certmanager.io", id="k8s-1.16", template="addon-cert-manager.yaml", no_selector=True,
                     build_prune=True, values=_cert_manager_values, adjust=_cert_manager_adjust)
