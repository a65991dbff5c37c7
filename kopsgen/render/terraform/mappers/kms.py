"""Terraform for customer-managed KMS keys. The key policy is written like an IAM policy document:
`data/aws_kms_key_<name>_policy`, read with `templatefile(...)` when it holds apply-time values."""

from __future__ import annotations

from kopsgen.ir.kms import KmsKey
from kopsgen.render.terraform.mappers.iam import policy_file as policy_expression
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


@mapper(KmsKey, "aws_kms_key")
def map_kms_key(r: KmsKey, ctx: TfContext) -> dict:
    return {"description": r.description, "enable_key_rotation": r.rotation,
            "deletion_window_in_days": r.deletion_window_days,
            "policy": policy_expression(r.policy, "aws_kms_key", r.name, ctx), **tags_body(r.tags)}
