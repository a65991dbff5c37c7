"""aws-iam-authenticator (API access for IAM identities)."""

from __future__ import annotations

from typing import Any

from kopsgen.bootstrap import versions
from kopsgen.bootstrap.addons.base import Addon, Objects
from kopsgen.bootstrap.addons.values import spec_value as _spec
from kopsgen.bootstrap.context import BootstrapContext


def _aws_auth(ctx: BootstrapContext, key: str, default: Any = None) -> Any:
    value = _spec(ctx, "authentication", "aws", key)
    return default if value is None else value


def _aws_auth_values(ctx: BootstrapContext) -> dict:
    mode = _aws_auth(ctx, "backendMode")
    mounted_file = not mode or "MountedFile" in mode
    args = ["server"]
    if mounted_file:
        args.append("--config=/etc/aws-iam-authenticator/config.yaml")
    if _aws_auth(ctx, "clusterID") or (mode and not mounted_file):
        args.append(f"--cluster-id={_aws_auth(ctx, 'clusterID') or ctx.name}")
    args += ["--state-dir=/var/aws-iam-authenticator", "--kubeconfig-pregenerated=true"]
    if mode:
        args.append(f"--backend-mode={mode}")
    limits = {"memory": _aws_auth(ctx, "memoryLimit", "20Mi")}
    if _aws_auth(ctx, "cpuLimit"):
        limits["cpu"] = _aws_auth(ctx, "cpuLimit")
    mounts = [{"name": "config", "mountPath": "/etc/aws-iam-authenticator/"}] if mounted_file else []
    mounts += [{"name": "state", "mountPath": "/var/aws-iam-authenticator/"},
               {"name": "output", "mountPath": "/etc/kubernetes/aws-iam-authenticator/"}]
    volumes = [{"name": "config", "configMap": {"name": "aws-iam-authenticator"}}] if mounted_file else []
    volumes += [{"name": "output", "hostPath": {"path": "/srv/kubernetes/aws-iam-authenticator/"}},
                {"name": "state", "hostPath": {"path": "/srv/kubernetes/aws-iam-authenticator/"}}]
    return {"image": _aws_auth(ctx, "image", versions.AWS_IAM_AUTHENTICATOR_IMAGE), "args": args,
            "resources": {"limits": limits, "requests": {"memory": _aws_auth(ctx, "memoryRequest", "20Mi"),
                                                         "cpu": _aws_auth(ctx, "cpuRequest", "10m")}},
            "volume_mounts": mounts, "volumes": volumes}


def _aws_auth_adjust(ctx: BootstrapContext, objects: Objects) -> Objects:
    mode = _aws_auth(ctx, "backendMode") or ""
    if "CRD" in mode:
        for i, mapping in enumerate(_aws_auth(ctx, "identityMappings") or ()):
            objects.append({"apiVersion": "iamauthenticator.k8s.aws/v1alpha1", "kind": "IAMIdentityMapping",
                            "metadata": {"name": f"iam-identity-mapping-{i}",
                                         "labels": {"k8s-app": "aws-iam-authenticator"}},
                            "spec": {"arn": mapping.get("arn"), "username": mapping.get("username"),
                                     "groups": list(mapping.get("groups") or ())}})
    return objects


AUTHENTICATION_AWS = Addon(name="authentication.aws", id="k8s-1.12", template="addon-authentication-aws.yaml",
                           selector={"role.kubernetes.io/authentication": "1"}, values=_aws_auth_values,
                           adjust=_aws_auth_adjust)
