"""A quick yes-or-"ask jsonschema" check of a document against our JSON Schemas.

Every render checks the spec against schemas/, and nearly every spec is valid. jsonschema takes
about 70 ms to import (more than the rest of a small render) and walks a document slowly; this
checker answers the common question, "is it valid?", in a millisecond or two. It knows the
keywords our schemas use, each as Draft 2020-12 (and jsonschema) defines it, and when it meets
anything else (an unknown keyword, `format`, a `$ref` outside the document, a value it cannot
compare exactly) it gives up. spec/schema.py asks jsonschema whenever the answer is not a clean
"valid", so jsonschema still decides every invalid or unusual document and words every error.
tests/system/test_fast_paths.py checks the two agree on the reference cases, the examples and thousands
of generated variants of them.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Collection

# Keywords that never make a document invalid (and any `x-...` keyword not given as custom).
_ANNOTATIONS = frozenset({"$schema", "$defs", "$comment", "title", "description", "default", "examples",
                          "deprecated", "readOnly", "writeOnly", "then", "else"})


class _GiveUp(Exception):
    """Something this checker does not decide exactly: jsonschema will."""


def is_valid(schema: dict, instance: Any, custom: Collection[str] = ()) -> bool:
    """True only if `instance` is certainly valid; False means "not sure, ask jsonschema". `custom`: the
    keywords jsonschema was extended with (this checker gives up on them); jsonschema ignores any
    other keyword it does not know, and so does this checker with keywords starting with `x-`."""
    try:
        return _valid(schema, instance, _Root(schema, frozenset(custom)))
    except (_GiveUp, RecursionError):
        return False


class _Root:
    __slots__ = ("schema", "custom")

    def __init__(self, schema: dict, custom: frozenset[str]):
        self.schema = schema
        self.custom = custom


def _valid(schema: Any, instance: Any, root: _Root) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, dict):
        raise _GiveUp("a schema that is not an object")
    for keyword, value in schema.items():
        check = _KEYWORDS.get(keyword)
        if check is None:
            if keyword in root.custom:
                raise _GiveUp(keyword)
            if keyword in _ANNOTATIONS or keyword.startswith("x-"):
                continue
            raise _GiveUp(keyword)
        if not check(value, instance, schema, root):
            return False
    return True


# ---------------------------------------------------------------- types and equality, as jsonschema has them

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}

_PLAIN = (str, int, float, type(None))   # bool is an int: handled apart


def _equal(a: Any, b: Any) -> bool:
    """jsonschema's equality for scalars: True is not 1, 1 is 1.0. Collections: give up."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, _PLAIN) and isinstance(b, _PLAIN):
        if isinstance(a, str) != isinstance(b, str):
            return False
        return a == b
    raise _GiveUp("comparing collections")


# ---------------------------------------------------------------- keywords: (value, instance, schema, root) -> valid

def _type(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    names = [value] if isinstance(value, str) else value
    for name in names:
        test = _TYPES.get(name)
        if test is None:
            raise _GiveUp(f"type {name!r}")
        if test(instance):
            return True
    return False


def _ref(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    return _valid(_resolve(value, root), instance, root)


def _resolve(ref: Any, root: _Root) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#"):
        raise _GiveUp(f"$ref {ref!r}")
    node: Any = root.schema
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise _GiveUp(f"$ref {ref!r}")
        node = node[part]
    return node


def _properties(value: dict, instance: Any, schema: dict, root: _Root) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(_valid(sub, instance[name], root) for name, sub in value.items() if name in instance)


def _additional_properties(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    if not isinstance(instance, dict):
        return True
    properties = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    extras = [k for k in instance if k not in properties and not (patterns and re.search(patterns, k))]
    if isinstance(value, dict):
        return all(_valid(value, instance[k], root) for k in extras)
    return bool(value) or not extras


def _pattern_properties(value: dict, instance: Any, schema: dict, root: _Root) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(_valid(sub, item, root) for pattern, sub in value.items()
               for key, item in instance.items() if re.search(pattern, key))


def _items(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    if not isinstance(instance, list):
        return True
    if "prefixItems" in schema:
        raise _GiveUp("prefixItems")
    if value is False:
        return not instance
    return all(_valid(value, item, root) for item in instance)


def _required(value: list, instance: Any, schema: dict, root: _Root) -> bool:
    return not isinstance(instance, dict) or all(name in instance for name in value)


def _enum(value: list, instance: Any, schema: dict, root: _Root) -> bool:
    return any(_equal(choice, instance) for choice in value)


def _const(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    return _equal(value, instance)


def _pattern(value: str, instance: Any, schema: dict, root: _Root) -> bool:
    return not isinstance(instance, str) or re.search(value, instance) is not None


def _unique_items(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    if not value or not isinstance(instance, list):
        return True
    if not all(isinstance(item, str) for item in instance):
        raise _GiveUp("uniqueItems over values other than strings")
    return len(set(instance)) == len(instance)


def _not(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    return not _valid(value, instance, root)


def _if(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    if _valid(value, instance, root):
        return "then" not in schema or _valid(schema["then"], instance, root)
    return "else" not in schema or _valid(schema["else"], instance, root)


def _property_names(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    return not isinstance(instance, dict) or all(_valid(value, key, root) for key in instance)


def _all_of(value: list, instance: Any, schema: dict, root: _Root) -> bool:
    return all(_valid(sub, instance, root) for sub in value)


def _any_of(value: list, instance: Any, schema: dict, root: _Root) -> bool:
    return any(_valid(sub, instance, root) for sub in value)


def _one_of(value: list, instance: Any, schema: dict, root: _Root) -> bool:
    return sum(1 for sub in value if _valid(sub, instance, root)) == 1


def _bound(too_far: Callable[[Any, Any], bool], applies: Callable[[Any], bool]):
    """A keyword that fails when `too_far(instance, value)`, written as jsonschema tests it (so that NaN and
    friends come out the same under `not`)."""
    def check(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
        return not applies(instance) or not too_far(instance, value)
    return check


def _instance_of(kind: type) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, kind)


def _id(value: Any, instance: Any, schema: dict, root: _Root) -> bool:
    if schema is not root.schema:
        raise _GiveUp("$id below the root changes what $ref means")
    return True


_KEYWORDS: dict[str, Callable[[Any, Any, dict, _Root], bool]] = {
    "type": _type,
    "$ref": _ref,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "patternProperties": _pattern_properties,
    "items": _items,
    "required": _required,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "uniqueItems": _unique_items,
    "not": _not,
    "if": _if,
    "propertyNames": _property_names,
    "allOf": _all_of,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "minimum": _bound(lambda i, v: i < v, _is_number),
    "maximum": _bound(lambda i, v: i > v, _is_number),
    "exclusiveMinimum": _bound(lambda i, v: i <= v, _is_number),
    "exclusiveMaximum": _bound(lambda i, v: i >= v, _is_number),
    "minLength": _bound(lambda i, v: len(i) < v, _instance_of(str)),
    "maxLength": _bound(lambda i, v: len(i) > v, _instance_of(str)),
    "minItems": _bound(lambda i, v: len(i) < v, _instance_of(list)),
    "maxItems": _bound(lambda i, v: len(i) > v, _instance_of(list)),
    "minProperties": _bound(lambda i, v: len(i) < v, _instance_of(dict)),
    "maxProperties": _bound(lambda i, v: len(i) > v, _instance_of(dict)),
    "$id": _id,
}
