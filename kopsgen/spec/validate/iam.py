"""IAM: user-written policies, service-account permissions and their issuer discovery, and the
aws-iam-authenticator's identity mappings."""

from __future__ import annotations

import re
from typing import Any

from kopsgen.spec import iam_statements
from kopsgen.spec.api.fields import value_at
from kopsgen.spec.validate.common import Validation, dicts_of, duplicates, text_of


def policy_problem(text: Any) -> str | None:
    """What is wrong with a user-written policy, by the parser the IAM builder uses (so the two agree)."""
    if not isinstance(text, str):
        return None  # the schema reports the type
    try:
        iam_statements.parse_statements(text)
    except ValueError as exc:
        return str(exc)
    return None


def check_service_accounts(v: Validation) -> None:
    s = v.spec
    perms = list(dicts_of(value_at(s, "iam", "serviceAccountExternalPermissions")))
    for key, i, first in duplicates((f"{p.get('namespace')}/{p.get('name')}", i) for i, p in perms):
        v.error(("spec", "iam", "serviceAccountExternalPermissions", i), f"service account {key} is listed twice")
    for i, p in perms:
        path = ("spec", "iam", "serviceAccountExternalPermissions", i)
        aws = p.get("aws")
        if isinstance(aws, dict) and bool(aws.get("policyARNs")) == bool(aws.get("inlinePolicy")):
            v.error(path + ("aws",), "set either inlinePolicy or policyARNs (exactly one)")
        inline = aws.get("inlinePolicy") if isinstance(aws, dict) else None
        problem = policy_problem(inline) if inline else None
        if problem:
            v.error(path + ("aws", "inlinePolicy"), problem)
    said = s.get("serviceAccountIssuerDiscovery")
    if isinstance(said, dict):
        path = ("spec", "serviceAccountIssuerDiscovery")
        store = text_of(said.get("discoveryStore"))
        if store and said.get("discoveryService") is not None:
            v.error(path + ("discoveryStore",), "set discoveryStore or discoveryService, not both")
        if store and not store.startswith(("s3://", "memfs://")):
            v.error(path + ("discoveryStore",), "the discovery store must be an S3 bucket (s3://BUCKET/PATH)")
        elif store.startswith("s3://") and "." in store[5:].split("/")[0]:
            v.error(path + ("discoveryStore",), "the bucket name cannot contain dots (its HTTPS name must match "
                                                "the S3 wildcard certificate)")
        if said.get("discoveryService") is not None and not value_at(said, "discoveryService", "url"):
            v.error(path + ("discoveryService",), "discoveryService needs a url")
        if said.get("enableAWSOIDCProvider") is True and not store and said.get("discoveryService") is None:
            v.error(path + ("enableAWSOIDCProvider",), "the AWS OIDC provider needs a discoveryStore or a "
                                                       "discoveryService")
    auth = value_at(s, "authentication", "aws")
    if isinstance(auth, dict):
        if auth.get("identityMappings") and "CRD" not in text_of(auth.get("backendMode")):
            v.error(("spec", "authentication", "aws", "backendMode"), "backendMode must include CRD when "
                                                                      "identityMappings are set")
        for i, mapping in dicts_of(auth.get("identityMappings")):
            if not re.match(r"^arn:[^:]+:iam::\d{12}:(role|user)/.+", text_of(mapping.get("arn"))):
                v.error(("spec", "authentication", "aws", "identityMappings", i, "arn"),
                        "must be an IAM role or user ARN (arn:aws:iam::123456789012:role/NAME)")
