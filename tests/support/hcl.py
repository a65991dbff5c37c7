"""Parse Terraform HCL with python-hcl2 into plain values (labels and strings unquoted)."""

from __future__ import annotations

from pathlib import Path

import hcl2
from hcl2 import SerializationOptions

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


def parse(text: str) -> dict:
    return hcl2.loads(text, serialization_options=_OPTIONS)


def parse_file(path: Path) -> dict:
    return parse(Path(path).read_text())


def resources(parsed: dict) -> dict[str, dict]:
    """`{"aws_vpc.label": body}` for every managed resource."""
    out: dict[str, dict] = {}
    for entry in parsed.get("resource", []):
        for rtype, labelled in entry.items():
            for label, body in labelled.items():
                out[f"{rtype}.{label}"] = body
    return out


def data_sources(parsed: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for entry in parsed.get("data", []):
        for rtype, labelled in entry.items():
            for label, body in labelled.items():
                out[f"data.{rtype}.{label}"] = body
    return out
