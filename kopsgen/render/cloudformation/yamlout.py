"""CloudFormation YAML with the short intrinsic forms (`!Ref`, `!GetAtt`, `!Sub`, ...) and multi-line
strings (user data, policies) as literal blocks, so the YAML output reads like a hand-written template.
"""

from __future__ import annotations

import yaml

_STR = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    """Block style, sorted keys (as in the JSON), no aliases."""

    def ignore_aliases(self, data) -> bool:
        return True

    def choose_scalar_style(self):
        # PyYAML quotes every scalar with an explicit tag; `!Ref Vpc` reads better than `!Ref 'Vpc'`,
        # and the tag already says what the value is, so plain style is safe wherever YAML allows it
        style = super().choose_scalar_style()
        tagged = self.event.tag is not None and self.event.tag.startswith("!") and self.event.tag != "!"
        if style == "'" and tagged and self.analysis.allow_block_plain and not self.analysis.multiline \
                and not self.flow_level and not self.simple_key_context:
            return ""
        return style


def _string(dumper: yaml.SafeDumper, value: str, tag: str = _STR) -> yaml.ScalarNode:
    return dumper.represent_scalar(tag, value, style="|" if "\n" in value.rstrip("\n") else None)


def _mapping(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    if len(value) == 1:
        (key, inner), = value.items()
        if key == "Ref" and isinstance(inner, str):
            return dumper.represent_scalar("!Ref", inner)
        if key.startswith("Fn::"):
            tag = "!" + key[len("Fn::"):]
            if tag == "!GetAtt" and isinstance(inner, list) and all(isinstance(v, str) for v in inner):
                return dumper.represent_scalar(tag, ".".join(inner))
            if isinstance(inner, str):
                return _string(dumper, inner, tag)
            if isinstance(inner, list):
                return dumper.represent_sequence(tag, inner)
            if isinstance(inner, dict):
                return dumper.represent_mapping(tag, inner)
    return dumper.represent_mapping("tag:yaml.org,2002:map", value)


_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(str, _string)


def dump(body: dict) -> str:
    return yaml.dump(body, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True,
                     width=1 << 30)
