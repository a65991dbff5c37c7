"""Compare IAM policy documents the way AWS reads them: as a set of statements.

AWS treats `"Action": "x"` and `"Action": ["x"]` alike, and the order of statements and of the values
in Action/Resource/Principal/condition lists does not matter; identical statements count once. kops
writes some values as scalars and repeats some statements; kopsgen writes lists and each statement once.

kops's reference outputs come from its mocked test cloud; `KopsFixture` maps those values to what a
real render gives, and nothing else is normalised:
- partition `aws-test` (the mock's) -> `aws`, what kopsgen derives from the region;
- `placeholder-read-bucket/<memfs location>` and `placeholder-write-bucket/<memfs location>` (kops's
  stand-ins for a memfs:// state store) -> `<location>`, and the bare placeholder buckets -> the memfs
  bucket, which kopsgen reads as an S3 bucket;
- template variables kopsgen leaves for apply time (`${hosted_zone_id}`, ...) -> the values kops's mock
  cloud resolved them to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

WILDCARD = "*"


def _values(value) -> list:
    return sorted(value) if isinstance(value, list) else [value]


def canonical_statement(statement: dict) -> str:
    out: dict = {}
    for key, value in statement.items():
        if key in ("Action", "NotAction", "Resource", "NotResource"):
            out[key] = _values(value)
        elif key == "Condition":
            out[key] = {op: {k: _values(v) for k, v in values.items()} for op, values in value.items()}
        elif key == "Principal" and isinstance(value, dict):
            out[key] = {k: _values(v) for k, v in value.items()}
        else:
            out[key] = value
    return json.dumps(out, sort_keys=True)


def statement_set(document: dict) -> set[str]:
    return {canonical_statement(s) for s in document["Statement"]}


def resource_wildcard_count(document: dict) -> int:
    """Distinct statements that apply to every resource (`Resource: "*"`)."""
    return sum(1 for s in map(json.loads, statement_set(document)) if WILDCARD in s.get("Resource", []))


def action_wildcards(document: dict) -> list[str]:
    """Statements whose Action is `*` (anything on anything)."""
    return [s for s in statement_set(document) if WILDCARD in json.loads(s).get("Action", [])]


@dataclass
class KopsFixture:
    """What kops's mock cloud resolved for one reference case."""

    memfs_bucket: str | None
    template_values: dict[str, str] = field(default_factory=dict)

    def kops(self, text: str) -> dict:
        text = text.replace("arn:aws-test:", "arn:aws:")
        text = re.sub(r"placeholder-(read|write)-bucket/", "", text)
        if self.memfs_bucket:
            text = re.sub(r"placeholder-(read|write)-bucket", self.memfs_bucket, text)
        return json.loads(text)

    def ours(self, text: str) -> dict:
        """Our data file with the apply-time template variables filled in, as Terraform's templatefile would."""
        for name, value in self.template_values.items():
            text = text.replace("${" + name + "}", value)
        assert not re.search(r"(?<!\$)\$\{", text), f"unresolved template variable in {text[:200]}"
        return json.loads(text.replace("$${", "${").replace("%%{", "%{"))
