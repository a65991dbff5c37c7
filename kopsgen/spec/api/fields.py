"""How the typed view reads kops's documents: `value_at` for a path of keys, and `kops_settings` for a
settings block (`kubeDNS`, `networking.calico`, ...) whose dataclass fields are kops's fields in snake_case
(`kops_name` where kops spells one otherwise, `kops_block` for a nested block)."""

from __future__ import annotations

from dataclasses import Field, field, fields
from typing import Any


def value_at(d: Any, *keys: str, default: Any = None) -> Any:
    """The value at a path of keys in nested mappings, `default` where a step is missing, null or not a
    mapping (raw spec documents may hold anything)."""
    for key in keys:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return default if d is None else d


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _as_written(value: Any) -> Any:
    """A setting as the user wrote it, lists made tuples (the typed view is read-only)."""
    return tuple(value) if isinstance(value, list) else value


def kops_settings(cls: type, d: Any) -> Any:
    """A settings block of kops's spec (`kubeDNS`, `clusterAutoscaler`, `calico`, ...) as the frozen dataclass
    `cls`: each field is the value of kops's field of the same name in camelCase (or of the name in the
    field's `kops` metadata), as written; None (the field's default) where unset or null. The consumer
    applies the addon's own default, as kops's templates do."""
    d = d if isinstance(d, dict) else {}
    values = {}
    for f in fields(cls):
        value = d.get(kops_field_name(f))
        block = f.metadata.get("block")
        if block is not None:
            if isinstance(value, dict):
                values[f.name] = kops_settings(block, value)
        elif value is not None:
            values[f.name] = _as_written(value)
    return cls(**values)


def kops_field_name(f: Field) -> str:
    """The name in kops's spec of a field of a settings block (see kops_settings)."""
    return f.metadata.get("kops") or _camel(f.name)


def kops_name(name: str) -> Any:
    """A field whose kops name is not its own name in camelCase (`coreDNSImage`, `clusterID`)."""
    return field(default=None, metadata={"kops": name})


def kops_block(cls: type, name: str | None = None) -> Any:
    """A nested settings block (None when the spec has none): kops_settings fills it as `cls`."""
    return field(default=None, metadata={"block": cls, **({"kops": name} if name else {})})


def optional_block(cls: type, d: Any) -> Any:
    """kops_settings of a block that matters by being there: None when unset or empty."""
    return kops_settings(cls, d) if d else None
