"""CloudFormation for the node termination handler's queue and the EventBridge rules that feed it.

CloudFormation has no resource for a rule's target: targets are a property of the rule, so each
rule carries the EventTargets that point at it, and an EventTarget makes nothing of its own.
A queue's policy is a resource of its own (AWS::SQS::QueuePolicy).
"""

from __future__ import annotations

import re

from troposphere import events, sqs

from kopsgen.ir import naming
from kopsgen.ir.events import EventRule, EventTarget, SqsQueue
from kopsgen.render.cloudformation.registry import CfnContext, get_att, mapper, tags

TARGET_ID_MAX = 64   # EventBridge's limit on a target's ID


@mapper(SqsQueue, id_prefix="Queue", parts={"policy": "QueuePolicy"},
        attributes={"arn": get_att("Arn"), "url": get_att("QueueUrl"), "name": get_att("QueueName")})
def map_sqs_queue(r: SqsQueue, ctx: CfnContext):
    # the queue holds events for minutes only: nothing to keep when it goes
    queue = sqs.Queue(ctx.logical_id(r), QueueName=r.name, MessageRetentionPeriod=r.message_retention_seconds,
                      SqsManagedSseEnabled=r.managed_encryption, DeletionPolicy="Delete", UpdateReplacePolicy="Delete",
                      **tags(r.tags))
    policy = sqs.QueuePolicy(ctx.logical_id(r, "policy"), Queues=[get_att("QueueUrl")(ctx, r)],
                             PolicyDocument=r.policy)
    return [queue, policy]


def target_id(target: EventTarget) -> str:
    return naming.truncate_with_hash(re.sub(r"[^A-Za-z0-9._-]+", "-", target.name), TARGET_ID_MAX)


@mapper(EventRule, attributes={"arn": get_att("Arn"), "name": lambda ctx, r: r.name})
def map_event_rule(r: EventRule, ctx: CfnContext):
    targets = [t for t in ctx.graph.of_kind(EventTarget) if t.rule.kind is EventRule and t.rule.name == r.name]
    props: dict = {"Name": r.name, "EventPattern": r.event_pattern, "State": "ENABLED", **tags(r.tags)}
    if targets:
        props["Targets"] = [events.Target(Id=target_id(t), Arn=ctx.ref(t.target)) for t in targets]
    return [events.Rule(ctx.logical_id(r), **props)]


@mapper(EventTarget)
def map_event_target(r: EventTarget, ctx: CfnContext):
    return []   # a property of its rule (see the module's docstring)
