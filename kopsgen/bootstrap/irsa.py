"""Addon pods that use an IAM role of their own (IRSA) instead of the instance's.

Which addons get a role is decided in spec/service_accounts.py (the IAM builder makes the roles). A
Deployment or DaemonSet of an addon whose pods run as such a service account gets what kops's
AddServiceAccountRole gives it: a projected service-account token for the `amazonaws.com` audience,
mounted in every container, with AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE pointing the AWS SDK at
the role and the token, and a pod fsGroup so that a non-root container can read the token.

The role's ARN holds the AWS account ID, which kopsgen does not know while rendering: the manifest
carries a marker per role, replaced when the file is written (Terraform: from the role's `arn`
attribute; a direct upload: from the account the caller's credentials belong to).
"""

from __future__ import annotations

import re
from typing import Any

from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.ir import naming
from kopsgen.spec import service_accounts

TOKEN_DIRECTORY = "/var/run/secrets/amazonaws.com/"
TOKEN_FILE = "token"
TOKEN_VOLUME = "token-amazonaws-com"
TOKEN_AUDIENCE = "amazonaws.com"
TOKEN_LIFETIME_SECONDS = 86400
# kops's well-known "generic" user and group ID, given to pods that do not set their own fsGroup
TOKEN_FS_GROUP = 10001

_MARKER = "@@kopsgen:role-arn:{}@@"
ROLE_ARN_MARKERS = re.compile(r"@@kopsgen:role-arn:([^@\s]+)@@")


def role_arn_marker(role_name: str) -> str:
    """The text standing for the ARN of the role `role_name` until the account is known."""
    return _MARKER.format(role_name)


def role_arn(partition: str, account: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"


def service_account_roles(ctx: BootstrapContext) -> dict[tuple[str, str], str]:
    """(namespace, name) of each addon service account with a role of its own -> the role's name."""
    if not service_accounts.external_permissions(ctx.spec.cluster):
        return {}   # (cert-manager's DNS-01 role alone needs this too; validation requires it for that)
    return {(a.namespace, a.name): naming.service_account_role(a.name, a.namespace, ctx.name)
            for a in service_accounts.addon_service_accounts(ctx.spec.cluster)}


def add_service_account_roles(ctx: BootstrapContext, objects: list[dict]) -> list[dict]:
    roles = service_account_roles(ctx)
    for obj in objects:
        if obj.get("apiVersion") != "apps/v1" or obj.get("kind") not in ("Deployment", "DaemonSet"):
            continue
        pod = obj["spec"]["template"]["spec"]
        account = pod.get("serviceAccountName") or pod.get("serviceAccount")   # (the latter: its old name)
        role = roles.get((obj["metadata"].get("namespace", ""), account))
        if role is not None:
            _use_role(pod, role)
    return objects


def _use_role(pod: dict[str, Any], role: str) -> None:
    # kops adds all this by decoding the pod spec into its Go type and encoding it back, which drops
    # fields set to null (`nodeSelector: null`); so do we, so that the manifest is kops's
    _drop_nulls(pod)
    for container in pod.get("containers") or ():
        _drop_nulls(container)
    _list(pod, "volumes").append({
        "name": TOKEN_VOLUME,
        "projected": {"defaultMode": 0o644, "sources": [{"serviceAccountToken": {
            "audience": TOKEN_AUDIENCE, "expirationSeconds": TOKEN_LIFETIME_SECONDS, "path": TOKEN_FILE}}]}})
    for container in pod.get("containers") or ():
        _list(container, "volumeMounts").append({"mountPath": TOKEN_DIRECTORY, "name": TOKEN_VOLUME, "readOnly": True})
        _list(container, "env").extend([{"name": "AWS_ROLE_ARN", "value": role_arn_marker(role)},
                                        {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": TOKEN_DIRECTORY + TOKEN_FILE}])
    if pod.get("securityContext") is None:
        pod["securityContext"] = {}
    pod["securityContext"].setdefault("fsGroup", TOKEN_FS_GROUP)


def _list(d: dict[str, Any], key: str) -> list:
    if d.get(key) is None:
        d[key] = []
    return d[key]


def _drop_nulls(d: dict[str, Any]) -> None:
    for key in [k for k, v in d.items() if v is None]:
        del d[key]
