"""User-written IAM policy statements: `spec.additionalPolicies.<role>` and a service account's
`aws.inlinePolicy`, each a JSON list of statements (kops's format; kops reads them into a list and
nothing else).

This is the one parser of that text. Validation calls it to report a bad policy at its field, and
the IAM builder calls it to build the policy, so what validation accepts the builder can build.
It returns plain data; the builder turns it into policy objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

FIELDS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
EFFECTS = ("Allow", "Deny")


@dataclass(frozen=True)
class UserStatement:
    effect: str
    sid: str | None = None
    action: tuple[str, ...] | None = None
    not_action: tuple[str, ...] | None = None
    resource: tuple[str, ...] | None = None
    not_resource: tuple[str, ...] | None = None
    condition: dict[str, dict] | None = None   # operator -> {condition key: value(s)}, as written


def parse_statements(text: str) -> list[UserStatement]:
    """The statements of `text`, or ValueError with a message that reads on its own after the field's
    path. Sid, NotAction and NotResource are kept (kops drops them, which turns a NotAction statement
    into a different one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"the policy is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise ValueError("the policy is nested too deeply to be an IAM policy") from None
    if isinstance(data, dict):
        raise ValueError("the policy must be a JSON list of IAM statements, not a single statement or policy "
                         "document: write [{...}]")
    if not isinstance(data, list):
        raise ValueError("the policy must be a JSON list of IAM statements")
    if not data:
        raise ValueError("the policy has no statements (IAM refuses an empty policy)")
    return [_statement(i, raw) for i, raw in enumerate(data)]


def _statement(i: int, raw: Any) -> UserStatement:
    where = f"statement {i}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object")
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise ValueError(f"{where}: unsupported field(s) {', '.join(sorted(unknown))}")
    if raw.get("Effect") not in EFFECTS:
        raise ValueError(f"{where}: Effect must be Allow or Deny")
    # IAM's own rules for a statement of an identity policy: what it does, and on what
    for one, other in (("Action", "NotAction"), ("Resource", "NotResource")):
        if one in raw and other in raw:
            raise ValueError(f"{where}: give {one} or {other}, not both")
        if one not in raw and other not in raw:
            raise ValueError(f"{where}: needs {one} or {other}")
    condition = raw.get("Condition")
    if condition is not None and (not isinstance(condition, dict)
                                  or not all(isinstance(v, dict) for v in condition.values())):
        raise ValueError(f"{where}: Condition must map operators to objects")
    return UserStatement(
        effect=raw["Effect"],
        sid=str(raw["Sid"]) if "Sid" in raw else None,
        action=_strings(raw, "Action", where),
        not_action=_strings(raw, "NotAction", where),
        resource=_strings(raw, "Resource", where),
        not_resource=_strings(raw, "NotResource", where),
        condition=condition,
    )


def _strings(raw: dict, key: str, where: str) -> tuple[str, ...] | None:
    if key not in raw:
        return None
    value = raw[key]
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"{where}: {key} must be a string or a non-empty list of strings")
