"""Terraform for the node termination handler's queue and the EventBridge rules that feed it."""

from __future__ import annotations

import json

from kopsgen.ir.events import EventRule, EventTarget, SqsQueue
from kopsgen.render.terraform.registry import TfContext, mapper, tags_body


@mapper(SqsQueue, "aws_sqs_queue")
def map_sqs_queue(r: SqsQueue, ctx: TfContext) -> dict:
    policy = json.dumps(r.policy, indent=2, sort_keys=True)
    return {"name": r.name, "message_retention_seconds": r.message_retention_seconds,
            "policy": ctx.data_file("aws_sqs_queue", r.name, "policy", policy),
            "sqs_managed_sse_enabled": r.managed_encryption, **tags_body(r.tags)}


@mapper(EventRule, "aws_cloudwatch_event_rule")
def map_event_rule(r: EventRule, ctx: TfContext) -> dict:
    pattern = json.dumps(r.event_pattern, separators=(",", ":"))
    return {"name": r.name, "event_pattern": ctx.data_file("aws_cloudwatch_event_rule", r.name, "event_pattern", pattern),
            **tags_body(r.tags)}


@mapper(EventTarget, "aws_cloudwatch_event_target")
def map_event_target(r: EventTarget, ctx: TfContext) -> dict:
    return {"rule": ctx.ref(r.rule), "arn": ctx.ref(r.target)}
