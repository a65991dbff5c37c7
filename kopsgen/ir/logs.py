"""Log storage: CloudWatch Logs groups the cluster writes to (the VPC flow logs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Link, Resource


@dataclass(frozen=True, kw_only=True)
class LogGroup(Resource):
    """A CloudWatch Logs group; `name` is also the group's AWS name. Ref attr: `arn` (without `:*`)."""

    category: ClassVar[str] = "logs"

    retention_days: int
    kms_key: Link | None = None          # the key (its ARN) the group's data is encrypted with
