"""aws-iam-authenticator (API access for IAM identities)."""

from __future__ import annotations

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import or_default as _or
from kopsgen.bootstrap.context import BootstrapContext


def _aws_auth_values(ctx: BootstrapContext) -> dict:
    auth = ctx.spec.cluster.aws_authentication
    mode = auth.backend_mode
    mounted_file = not mode or "MountedFile" in mode
    args = ["server"]
    if mounted_file:
        args.append("--config=/etc/aws-iam-authenticator/config.yaml")
    if auth.cluster_id or (mode and not mounted_file):
        args.append(f"--cluster-id={auth.cluster_id or ctx.name}")
    args += ["--state-dir=/var/aws-iam-authenticator", "--kubeconfig-pregenerated=true"]
    if mode:
        args.append(f"--backend-mode={mode}")
    limits = {"memory": _or(auth.memory_limit, "20Mi")}
    if auth.cpu_limit:
        limits["cpu"] = auth.cpu_limit
    mounts = [{"name": "config", "mountPath": "/etc/aws-iam-authenticator/"}] if mounted_file else []
    mounts += [{"name": "state", "mountPath": "/var/aws-iam-authenticator/"},
               {"name": "output", "mountPath": "/etc/kubernetes/aws-iam-authenticator/"}]
    volumes = [{"name": "config", "configMap": {"name": "aws-iam-authenticator"}}] if mounted_file else []
    volumes += [{"name": "output", "hostPath": {"path": "/srv/kubernetes/aws-iam-authenticator/"}},
                {"name": "state", "hostPath": {"path": "/srv/kubernetes/aws-iam-authenticator/"}}]
    return {"image": _or(auth.image, versions.AWS_IAM_AUTHENTICATOR_IMAGE), "args": args,
            "resources": {"limits": limits, "requests": {"memory": _or(auth.memory_request, "20Mi"),
                                                         "cpu": _or(auth.cpu_request, "10m")}},
            "volume_mounts": mounts, "volumes": volumes}


def _aws_auth_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    auth = ctx.spec.cluster.aws_authentication
    if "CRD" in (auth.backend_mode or ""):
        for i, mapping in enumerate(auth.identity_mappings or ()):
            objects.append({"apiVersion": "iamauthenticator.k8s.aws/v1alpha1", "kind": "IAMIdentityMapping",
                            "metadata": {"name": f"iam-identity-mapping-{i}",
                                         "labels": {"k8s-app": "aws-iam-authenticator"}},
                            "spec": {"arn": mapping.get("arn"), "username": mapping.get("username"),
                                     "groups": list(mapping.get("groups") or ())}})
    return objects


AUTHENTICATION_AWS = Addon(name="authentication.aws", id="k8s-1.12", template="addon-authentication-aws.yaml",
                           selector={"role.kubernetes.io/authentication": "1"}, values=_aws_auth_values,
                           adjust=_aws_auth_adjust)
