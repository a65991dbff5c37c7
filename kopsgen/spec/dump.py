"""Print spec documents the way kops prints them: YAML documents separated by `---`, or a JSON list."""

from __future__ import annotations

import json
from typing import Any

import yaml

_STR = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar(_STR, value, style="|")
    # A string that would read back as something else ("true", "1.5", "") is double-quoted, as kops does.
    if value == "" or dumper.resolve(yaml.ScalarNode, value, (True, False)) != _STR:
        return dumper.represent_scalar(_STR, value, style='"')
    return dumper.represent_scalar(_STR, value)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=1 << 16)


def dump_documents(documents: list[Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(documents, indent=2, sort_keys=True) + "\n"
    return "\n---\n\n".join(dump_yaml(d) for d in documents)
