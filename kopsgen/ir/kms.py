"""Encryption keys: customer-managed KMS keys the cluster creates for its own data (the VPC flow-log group)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Resource
from kopsgen.ir.iam import PolicyDocument


@dataclass(frozen=True, kw_only=True)
class KmsKey(Resource):
    """A symmetric customer-managed key with its key policy; Ref attrs: `id` (key ID), `arn`.

    The key policy is a PolicyDocument like an IAM policy, so it may hold values known only at apply
    time (the account ID) the same way."""

    category: ClassVar[str] = "encryption"

    description: str
    policy: PolicyDocument
    rotation: bool = True                # yearly automatic rotation of the key material
    deletion_window_days: int = 30       # how long a deleted key can still be recovered
