"""CloudFormation for IAM resources.

Policy documents are the same JSON the IAM builder made for Terraform. A value known only at deploy
time (a hosted zone's ID, the OIDC provider's ARN, the account ID) sits in the document as a token;
here the string holding it becomes an Fn::Sub of its literal pieces and the value.

Managed-policy attachments are a property of the role in CloudFormation (`ManagedPolicyArns`), so
each role carries the attachments that point at it and an attachment makes nothing of its own.
"""

from __future__ import annotations

import json
import re
from typing import Any

from troposphere import Ref, Sub, iam

from kopsgen.ir.iam import (
    AwsAccount, IamInstanceProfile, IamOidcProvider, IamRole, IamRolePolicy, IamRolePolicyAttachment, PolicyDocument,
)
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, ref_of, tags


def policy_document(document: PolicyDocument, ctx: CfnContext) -> Any:
    parsed = json.loads(document.json)
    if not document.links:
        return parsed
    return _resolve(parsed, document, ctx)


def _resolve(value: Any, document: PolicyDocument, ctx: CfnContext) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, document, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, document, ctx) for v in value]
    if isinstance(value, str):
        pieces = document.split(value)
        if all(isinstance(p, str) for p in pieces):
            return value
        if len(pieces) == 1:
            return ctx.ref(pieces[0])
        return _sub(pieces, ctx)
    return value


_PARTITION = re.compile(r"\barn:aws(?:-[a-z]+(?:-[a-z])?)?:")


def _sub(pieces: list, ctx: CfnContext) -> Sub:
    """Literal pieces and values as one Fn::Sub; `${` in the literal text (IAM policy variables such
    as `${aws:username}`) is escaped so that it stays literal, and ARNs name the stack's partition."""
    text, variables = "", {}
    for piece in pieces:
        if isinstance(piece, str):
            # the stack's own partition is the cluster's (it is deployed in the cluster's region)
            text += _PARTITION.sub("arn:${AWS::Partition}:", piece.replace("${", "${!"))
            continue
        value = ctx.ref(piece)
        name = f"Value{len(variables) + 1}"
        variables[name] = value
        text += "${" + name + "}"
    return Sub(text, **variables)


@mapper(IamRole, attributes={"name": ref_of(), "arn": get_att("Arn")})
def map_iam_role(r: IamRole, ctx: CfnContext):
    attached = sorted(a.policy_arn for a in ctx.graph.of_kind(IamRolePolicyAttachment) if a.role.name == r.name)
    props: dict = {"RoleName": r.name, "AssumeRolePolicyDocument": policy_document(r.assume_role_policy, ctx),
                   **tags(r.tags)}
    if attached:
        props["ManagedPolicyArns"] = attached
    if r.permissions_boundary:
        props["PermissionsBoundary"] = r.permissions_boundary
    return [iam.Role(ctx.logical_id(r), **props)]


@mapper(IamRolePolicy, id_prefix="Policy")
def map_iam_role_policy(r: IamRolePolicy, ctx: CfnContext):
    return [iam.PolicyType(ctx.logical_id(r), PolicyName=r.name, Roles=[ctx.ref(r.role)],
                           PolicyDocument=policy_document(r.policy, ctx))]


@mapper(IamRolePolicyAttachment)
def map_iam_role_policy_attachment(r: IamRolePolicyAttachment, ctx: CfnContext):
    return []   # a property of its role (see the module's docstring)


@mapper(IamInstanceProfile, id_prefix="InstanceProfile", attributes={"name": ref_of(), "arn": get_att("Arn")})
def map_iam_instance_profile(r: IamInstanceProfile, ctx: CfnContext):
    # AWS::IAM::InstanceProfile takes no tags (Terraform's aws_iam_instance_profile does)
    return [iam.InstanceProfile(ctx.logical_id(r), InstanceProfileName=r.name, Roles=[ctx.ref(r.role)])]


@mapper(IamOidcProvider, id_prefix="OidcProvider", attributes={"arn": ref_of()})
def map_iam_oidc_provider(r: IamOidcProvider, ctx: CfnContext):
    return [iam.OIDCProvider(ctx.logical_id(r), Url=r.url, ClientIdList=list(r.client_ids),
                             ThumbprintList=list(r.thumbprints), **tags(r.tags))]


@mapper(AwsAccount, attributes={"account_id": lambda ctx, r: Ref("AWS::AccountId")})
def map_aws_account(r: AwsAccount, ctx: CfnContext):
    return []   # the account is the pseudo parameter AWS::AccountId
