"""Event resources: the SQS queue the node termination handler reads, and the EventBridge rules
that feed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Ref, Resource


class _Events(Resource):
    category: ClassVar[str] = "events"


@dataclass(frozen=True, kw_only=True)
class SqsQueue(_Events):
    """A queue with its resource policy (a JSON-ready IAM policy document)."""

    message_retention_seconds: int
    policy: dict
    managed_encryption: bool = True      # server-side encryption with SQS-owned keys


@dataclass(frozen=True, kw_only=True)
class EventRule(_Events):
    """An EventBridge rule on the default bus; `event_pattern` is the JSON pattern as a document."""

    event_pattern: dict


@dataclass(frozen=True, kw_only=True)
class EventTarget(_Events):
    """Deliver what a rule matches to a target (by its ARN)."""

    rule: Ref
    target: Ref
