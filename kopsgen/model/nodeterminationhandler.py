"""The AWS node termination handler in queue mode: what it listens to and how it holds instances back.

EventBridge rules forward instance events (an auto-scaling group terminating an instance, a
spot interruption, a state change, a scheduled maintenance event, optionally a rebalance
recommendation) to an SQS queue the handler polls. Each auto-scaling group gets a lifecycle
hook that keeps a terminating instance for up to five minutes while the handler drains it.

The queue is encrypted with SQS-managed keys, which kops does not ask for. Its policy names
the queue by an ARN with the account left as a wildcard: a queue policy only ever applies to its
own queue, and kopsgen does not look the account up.
"""

from __future__ import annotations

from kopsgen.ir import naming
from kopsgen.ir.base import Ref
from kopsgen.ir.compute import TERMINATING, AutoscalingGroup, AutoscalingLifecycleHook
from kopsgen.ir.events import EventRule, EventTarget, SqsQueue
from kopsgen.model.context import ModelContext
from kopsgen.spec import api

# How long a terminating instance waits for the handler, and how long an event waits in the queue.
HOLD_SECONDS = 300

# The events the handler acts on, as EventBridge patterns, by kops's rule suffix.
EVENTS: dict[str, dict] = {
    "ASGLifecycle": {"source": ["aws.autoscaling"], "detail-type": ["EC2 Instance-terminate Lifecycle Action"]},
    "SpotInterruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
    "InstanceStateChange": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
    "InstanceScheduledChange": {"source": ["aws.health"], "detail-type": ["AWS Health Event"],
                                "detail": {"service": ["EC2"], "eventTypeCategory": ["scheduledChange"]}},
}
REBALANCE_EVENT = ("RebalanceRecommendation",
                   {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]})

# Services that deliver events into the queue.
SENDERS = ("events.amazonaws.com", "sqs.amazonaws.com")


def build_node_termination_handler(ctx: ModelContext) -> None:
    if not ctx.cluster.nth_queue_mode:
        return
    for ig in ctx.spec.instance_groups:
        if ig.manager != api.MANAGER_CLOUD_GROUP:
            continue
        hook = naming.nth_lifecycle_hook(ig.name)
        ctx.graph.add(AutoscalingLifecycleHook(
            name=hook, hook_name=hook, lifecycle_transition=TERMINATING, default_result="CONTINUE",
            autoscaling_group=Ref(AutoscalingGroup, naming.autoscaling_group(ig.name, ig.role, ctx.name)),
            heartbeat_timeout=HOLD_SECONDS))

    queue = ctx.graph.add(_queue(ctx))
    events = dict(EVENTS)
    if ctx.cluster.node_termination_handler.enable_rebalance_draining:
        events[REBALANCE_EVENT[0]] = REBALANCE_EVENT[1]
    for event, pattern in events.items():
        rule_name = naming.nth_event_rule(ctx.name, event)
        rule = ctx.graph.add(EventRule(name=rule_name, event_pattern=pattern, tags=ctx.tags(rule_name)))
        ctx.graph.add(EventTarget(name=naming.nth_event_target(rule_name), rule=rule.ref(), target=queue.ref("arn")))


def _queue(ctx: ModelContext) -> SqsQueue:
    name = naming.nth_queue(ctx.name)
    arn = f"arn:{ctx.partition}:sqs:{ctx.cluster.region}:*:{name}"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": list(SENDERS)}, "Action": "sqs:SendMessage", "Resource": arn}]}
    return SqsQueue(name=name, message_retention_seconds=HOLD_SECONDS, policy=policy, managed_encryption=True,
                    tags=ctx.tags(name))
