"""CloudFormation for CloudWatch Logs groups.

`Fn::GetAtt LogGroup.Arn` ends in `:*` (Terraform's `arn` does not): whatever must name the group
exactly reads its `name` instead.
"""

from __future__ import annotations

from troposphere import logs

from kopsgen.ir.logs import LogGroup
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, ref_of, tags


@mapper(LogGroup, attributes={"arn": get_att("Arn"), "name": ref_of()})
def map_log_group(r: LogGroup, ctx: CfnContext):
    props: dict = {"LogGroupName": r.name, "RetentionInDays": r.retention_days, **tags(r.tags)}
    if r.kms_key is not None:
        props["KmsKeyId"] = ctx.ref(r.kms_key)
    return [logs.LogGroup(ctx.logical_id(r), **props)]
