"""CloudFormation for customer-managed KMS keys; the key policy is resolved like an IAM policy document."""

from __future__ import annotations

from troposphere import kms

from kopsgen.ir.kms import KmsKey
from kopsgen.render.cloudformation.mappers.iam import policy_document
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, tags


@mapper(KmsKey, attributes={"arn": get_att("Arn")})
def map_kms_key(r: KmsKey, ctx: CfnContext):
    return [kms.Key(ctx.logical_id(r), Description=r.description, EnableKeyRotation=r.rotation,
                    PendingWindowInDays=r.deletion_window_days, KeyPolicy=policy_document(r.policy, ctx),
                    **tags(r.tags))]
