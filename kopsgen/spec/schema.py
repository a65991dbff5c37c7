"""Check documents against the published JSON Schemas (Draft 2020-12) in `schemas/`.

The schemas are the single statement of which fields kopsgen accepts. A field that kops
has but kopsgen does not build is listed in the schema with the `x-kopsgen-unsupported`
keyword (and `not: {}`, so editors flag it too); it is reported as unsupported, never
silently dropped.

A field kopsgen adds to kops's API carries `x-kopsgen-extension: true`: that keyword is the one
list of them, and `without_extensions` leaves them out of the files kops's own components read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterator

from kopsgen.errors import FieldError
from kopsgen.spec import schemacheck
from kopsgen.spec.source import Document, SpecPath

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

SCHEMA_FILES = {"Cluster": "cluster.schema.json", "InstanceGroup": "instancegroup.schema.json"}
UNSUPPORTED = "x-kopsgen-unsupported"
EXTENSION = "x-kopsgen-extension"
# A field's own message for a value of the wrong type (where a plain "must be a string" would not help).
TYPE_MESSAGE = "x-kopsgen-type-message"


def schema_text(kind: str) -> str:
    return resources.files("kopsgen").joinpath("schemas", SCHEMA_FILES[kind]).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    return json.loads(schema_text(kind))


def _unsupported(validator: Any, reason: Any, instance: Any, schema: dict) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    yield ValidationError(str(reason))


# The keywords jsonschema is extended with (it ignores any other keyword it does not know).
CUSTOM_KEYWORDS = {UNSUPPORTED: _unsupported}


def _unsupported_message(error: ValidationError) -> str:
    # The keyword sits either on a field (the field itself is unsupported) or in the `then` of an
    # `if` that matches certain values (e.g. cloudProvider other than aws).
    what = "value" if "then" in error.schema_path else "field"
    return f"kops has this {what} but kopsgen does not support it: {error.message}"


@lru_cache(maxsize=None)
def _validator(kind: str):
    # imported here: jsonschema costs 70 ms to import, and a valid document never needs it (schemacheck)
    import jsonschema

    extended = jsonschema.validators.extend(jsonschema.Draft202012Validator, CUSTOM_KEYWORDS)
    return extended(schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@dataclass(frozen=True)
class Problem:
    """A schema problem and the part of the document it makes unreliable (`scope`): a field the
    schema does not know is only itself; a wrong value spoils the list item it is in (a subnet, an
    etcd member), or else just itself, so that checks reading that part can be left out."""

    error: FieldError
    scope: SpecPath


def check_document(doc: Document) -> list[FieldError]:
    """Every schema problem of one document, as FieldErrors at the offending field."""
    return [p.error for p in problems(doc)]


def problems(doc: Document) -> list[Problem]:
    kind = doc.kind
    if kind not in SCHEMA_FILES:
        return []
    if schemacheck.is_valid(schema(kind), doc.data, CUSTOM_KEYWORDS):
        return []  # the common case, decided without jsonschema; jsonschema finds and words the problems
    errors = list(_validator(kind).iter_errors(doc.data))
    misspelled = _misspelled_required(errors)
    found = []
    for error in errors:
        if error.validator == "required" and (tuple(error.absolute_path), _missing(error)) in misspelled:
            continue   # said once, at the misspelled field: `unknown field (did you mean "machineType"?)`
        found.extend(_to_problems(doc, error))
    return found


def _missing(error: ValidationError) -> str:
    return error.message.split("'")[1] if "'" in error.message else error.message


def _misspelled_required(errors: list[ValidationError]) -> set[tuple[tuple, str]]:
    """(path, field) of each field an unknown sibling key is a near miss of (by _did_you_mean's rule)."""
    found = set()
    for error in errors:
        if error.validator == "additionalProperties":
            allowed = sorted((error.schema.get("properties") or {}).keys())
            for key in _extra_keys(error):
                hint = _did_you_mean(key, allowed)
                if hint:
                    found.add((tuple(error.absolute_path), hint.split('"')[1]))
    return found


def without_extensions(kind: str, data: Any) -> Any:
    """A copy of a document's data without the fields the schema marks as kopsgen extensions: the form
    of a Cluster or InstanceGroup that kops's own components (kops-controller, nodeup, the kops CLI)
    can decode, whatever their decoder does with fields it does not know."""
    root = schema(kind)
    return _strip(root, root, data)


def _resolve(node: Any, root: dict) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _is_extension(node: Any) -> bool:
    return isinstance(node, dict) and node.get(EXTENSION) is True


def _strip(node: Any, root: dict, data: Any) -> Any:
    node = _resolve(node, root)
    if isinstance(data, list):
        items = node.get("items") if isinstance(node, dict) else None
        return [_strip(items, root, value) for value in data]
    if not isinstance(data, dict):
        return data
    props = (node.get("properties") or {}) if isinstance(node, dict) else {}
    others = node.get("additionalProperties") if isinstance(node, dict) else None
    kept = {}
    for key, value in data.items():
        child = props.get(key, others if isinstance(others, dict) else None)
        # the mark may sit on the property itself or on the definition it refers to
        if _is_extension(child) or _is_extension(_resolve(child, root)):
            continue
        kept[key] = _strip(child, root, value)
    return kept


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """For oneOf/anyOf failures, the most specific sub-errors are more useful than the summary."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        yield best
    else:
        yield error


def _to_problems(doc: Document, error: ValidationError) -> Iterator[Problem]:
    for leaf in _leaves(error):
        path = tuple(leaf.absolute_path)
        kind = leaf.validator
        if kind == "not" and isinstance(leaf.schema, dict) and UNSUPPORTED in leaf.schema:
            continue  # reported once, by the x-kopsgen-unsupported keyword
        if kind == UNSUPPORTED:
            yield Problem(doc.source.error(path, _unsupported_message(leaf)), _item(path))
            continue
        if kind == "additionalProperties":
            allowed = sorted((leaf.schema.get("properties") or {}).keys())
            for key in _extra_keys(leaf):
                hint = _did_you_mean(key, allowed)
                yield Problem(doc.source.error(path + (key,), f"unknown field{hint}"), path + (key,))
            continue
        if kind == "unevaluatedProperties":
            for key in _extra_keys(leaf):
                yield Problem(doc.source.error(path + (key,), "unknown field"), path + (key,))
            continue
        yield Problem(doc.source.error(path, _message(leaf)), _item(path))


def _item(path: SpecPath) -> SpecPath:
    """The list item `path` lies in (`spec.subnets[1]` for `spec.subnets[1].zone`), else `path`."""
    for i in range(len(path) - 1, -1, -1):
        if isinstance(path[i], int):
            return path[: i + 1]
    return path


def _extra_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    props = error.schema.get("properties") or {}
    patterns = error.schema.get("patternProperties") or {}
    import re

    return sorted(k for k in instance if k not in props and not any(re.search(p, k) for p in patterns))


def _did_you_mean(key: str, allowed: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
    if close:
        return f' (did you mean "{close[0]}"?)'
    lowered = {a.lower(): a for a in allowed}
    if key.lower() in lowered:
        return f' (did you mean "{lowered[key.lower()]}"?)'
    return ""


_JSON_TYPES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "null"}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ValidationError) -> str:
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-kopsgen-message")
    if custom and kind in ("pattern", "format", "not"):
        return f"{custom} (got {_describe(error.instance)})"
    if kind == "type" and schema.get(TYPE_MESSAGE):
        return f"{schema[TYPE_MESSAGE]} (got {_describe(error.instance)})"
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        return f"must be {' or '.join(_JSON_TYPES.get(n, n) for n in names)} (got {_describe(error.instance)})"
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return f"must be one of: {choices} (got {_describe(error.instance)})"
    if kind == "const":
        return f"must be {error.validator_value!r} (got {_describe(error.instance)})"
    if kind == "required":
        return f'missing required field "{_missing(error)}"'
    if kind == "minimum":
        return f"must be at least {error.validator_value} (got {_describe(error.instance)})"
    if kind == "maximum":
        return f"must be at most {error.validator_value} (got {_describe(error.instance)})"
    if kind == "minLength":
        return "must not be empty" if error.validator_value == 1 else f"must be at least {error.validator_value} characters"
    if kind == "maxLength":
        return f"must be at most {error.validator_value} characters"
    if kind == "minItems":
        return "must not be empty" if error.validator_value == 1 else f"needs at least {error.validator_value} items"
    if kind == "maxItems":
        return f"allows at most {error.validator_value} items"
    if kind == "maxProperties":
        fields = ", ".join(sorted(error.instance)) if isinstance(error.instance, dict) else ""
        return f"set at most {error.validator_value} of these (got {fields})"
    if kind == "minProperties":
        return f"set at least {error.validator_value} field"
    if kind == "propertyNames":
        return error.message
    if kind == "uniqueItems":
        return "must not repeat items"
    if kind == "pattern":
        return f"does not match the expected form {error.validator_value} (got {_describe(error.instance)})"
    if kind == "format":
        return f"must be a valid {error.validator_value} (got {_describe(error.instance)})"
    return error.message
