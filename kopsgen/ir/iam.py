"""IAM resources: roles with their trust and inline policies, managed-policy attachments, instance
profiles, the OIDC provider for service-account roles, and the account they live in.

A policy document is target-neutral: its canonical JSON (as AWS reads it), plus the values that are
only known when the configuration is applied (a hosted zone found by name, the OIDC provider's ARN,
the account ID). Such a value appears in the JSON as a token (`link_token(name)`) and is listed in
`links`; each renderer substitutes it in its own syntax (Terraform `templatefile`, CloudFormation
`Fn::Sub`/`Fn::Join`). A document without links is plain JSON that every target embeds as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Link, Ref, Resource

_TOKEN = re.compile(r"\{\{link:([a-z_][a-z0-9_]*)\}\}")


def link_token(name: str) -> str:
    """How a value known only at apply time is written inside a policy document's JSON."""
    return "{{link:" + name + "}}"


@dataclass(frozen=True)
class PolicyDocument:
    """An IAM policy document: canonical JSON (sorted keys, 2-space indent) and its apply-time values."""

    json: str
    links: tuple[tuple[str, Link], ...] = ()

    def split(self, text: str | None = None) -> list[str | Link]:
        """`text` (default: the whole document) as literal pieces and Links, in order."""
        text = self.json if text is None else text
        by_name = dict(self.links)
        pieces: list[str | Link] = []
        position = 0
        for match in _TOKEN.finditer(text):
            if match.start() > position:
                pieces.append(text[position:match.start()])
            pieces.append(by_name[match.group(1)])
            position = match.end()
        if position < len(text):
            pieces.append(text[position:])
        return pieces

    def tokens(self) -> set[str]:
        return set(_TOKEN.findall(self.json))


class _Iam(Resource):
    category: ClassVar[str] = "iam"


@dataclass(frozen=True, kw_only=True)
class IamRole(_Iam):
    """A role; Ref attrs: `name`, `arn`."""

    assume_role_policy: PolicyDocument
    permissions_boundary: str | None = None


@dataclass(frozen=True, kw_only=True)
class IamRolePolicy(_Iam):
    """An inline policy of a role."""

    role: Ref
    policy: PolicyDocument


@dataclass(frozen=True, kw_only=True)
class IamRolePolicyAttachment(_Iam):
    """An existing managed policy attached to a role."""

    role: Ref
    policy_arn: str


@dataclass(frozen=True, kw_only=True)
class IamInstanceProfile(_Iam):
    """An instance profile holding one role; Ref attrs: `id` (its name, what launch templates take), `arn`."""

    role: Ref


@dataclass(frozen=True, kw_only=True)
class IamOidcProvider(_Iam):
    """The IAM OIDC identity provider that trusts the cluster's service-account issuer; Ref attr: `arn`."""

    url: str
    client_ids: tuple[str, ...]
    thumbprints: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class AwsAccount(_Iam):
    """The account the configuration is applied in, read at apply time; Ref attr: `account_id`."""
