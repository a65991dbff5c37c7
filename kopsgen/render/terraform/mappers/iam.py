"""Terraform for IAM resources.

Policy documents go to `data/aws_iam_role_<name>_policy` (trust) and
`data/aws_iam_role_policy_<name>_policy` (inline), read with `file(...)` as kops writes them. A document
that holds values known only at apply time (a hosted zone looked up by name, the OIDC provider's ARN,
the account ID) is read with `templatefile(...)` instead, its tokens turned into template variables and
every other `${`/`%{` escaped so that it stays literal.
"""

from __future__ import annotations

from kopsgen.ir.iam import (
    AwsAccount, IamInstanceProfile, IamOidcProvider, IamRole, IamRolePolicy, IamRolePolicyAttachment, PolicyDocument,
)
from kopsgen.render.terraform.hcl import Expr, hcl_string
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


def policy_file(document: PolicyDocument, tf_type: str, name: str, ctx: TfContext) -> Expr:
    if not document.links:
        return ctx.data_file(tf_type, name, "policy", document.json + "\n")
    template = []
    variables = []
    for piece in document.split():
        if isinstance(piece, str):
            template.append(piece.replace("${", "$${").replace("%{", "%%{"))
        else:
            variable = next(n for n, link in document.links if link == piece)
            template.append("${" + variable + "}")
    for variable, link in document.links:
        value = ctx.ref(link)
        variables.append(f"{variable} = {value.text if isinstance(value, Expr) else hcl_string(value)}")
    read = ctx.data_file(tf_type, name, "policy", "".join(template) + "\n")
    # file("<path>") -> templatefile("<path>", { name = value, ... })
    assert read.text.startswith("file(") and read.text.endswith(")")
    return Expr(f"templatefile({read.text[len('file('):-1]}, {{ {', '.join(variables)} }})")


@mapper(IamRole, "aws_iam_role")
def map_iam_role(r: IamRole, ctx: TfContext) -> dict:
    body = {"name": r.name, "assume_role_policy": policy_file(r.assume_role_policy, "aws_iam_role", r.name, ctx),
            **tags_body(r.tags)}
    if r.permissions_boundary:
        body["permissions_boundary"] = r.permissions_boundary
    return body


@mapper(IamRolePolicy, "aws_iam_role_policy")
def map_iam_role_policy(r: IamRolePolicy, ctx: TfContext) -> dict:
    return {"name": r.name, "role": ctx.ref(r.role), "policy": policy_file(r.policy, "aws_iam_role_policy", r.name, ctx)}


@mapper(IamRolePolicyAttachment, "aws_iam_role_policy_attachment")
def map_iam_role_policy_attachment(r: IamRolePolicyAttachment, ctx: TfContext) -> dict:
    return {"role": ctx.ref(r.role), "policy_arn": r.policy_arn}


@mapper(IamInstanceProfile, "aws_iam_instance_profile")
def map_iam_instance_profile(r: IamInstanceProfile, ctx: TfContext) -> dict:
    return {"name": r.name, "role": ctx.ref(r.role), **tags_body(r.tags)}


@mapper(IamOidcProvider, "aws_iam_openid_connect_provider")
def map_iam_oidc_provider(r: IamOidcProvider, ctx: TfContext) -> dict:
    return {"url": r.url, "client_id_list": list(r.client_ids), "thumbprint_list": list(r.thumbprints),
            **tags_body(r.tags)}


@mapper(AwsAccount, "aws_caller_identity", data_source=True)
def map_aws_account(r: AwsAccount, ctx: TfContext) -> dict:
    return {}
