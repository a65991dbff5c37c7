"""Terraform for CloudWatch Logs groups."""

from __future__ import annotations

from kopsgen.ir.logs import LogGroup
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


@mapper(LogGroup, "aws_cloudwatch_log_group")
def map_log_group(r: LogGroup, ctx: TfContext) -> dict:
    body: dict = {"name": r.name, "retention_in_days": r.retention_days, **tags_body(r.tags)}
    if r.kms_key is not None:
        body["kms_key_id"] = ctx.ref(r.kms_key)   # the provider takes the key's ARN here
    return body
