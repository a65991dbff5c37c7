"""Every option the published schemas offer, as values to set on a small valid spec, and a run of the
real pipeline on the result (tests/system/test_option_sweep.py).

The values are derived from the schemas themselves (schemas/cluster.schema.json and
schemas/instancegroup.schema.json, through kopsgen.spec.schema): booleans both ways, each enum
value, a representative string for each pattern (checked against the pattern, so a schema change
cannot leave the table stale), a number within minimum/maximum, objects with their own required
fields. A field marked x-kopsgen-unsupported is skipped: the schema refuses it by design.
"""

from __future__ import annotations

import copy
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from kopsgen import pipeline
from kopsgen.errors import RenderError, SpecError
from kopsgen.spec import schema as spec_schema
from tests.support.sessions import session

Path_ = tuple  # a spec path: keys and list indexes, e.g. ("spec", "subnets", 0, "cidr")

# A value for each named string definition of the schemas ($defs with a pattern or a fixed form).
# Chosen to fit the base spec (tests/support/spec_base.py: us-east-1, VPC 10.10.0.0/16).
NAMED_VALUES: dict[str, list[Any]] = {
    "accessCidr": ["198.51.100.0/24"],
    "arn": ["arn:aws:iam::123456789012:role/example"],
    "cidr": ["100.64.0.0/13"],
    "dnsName": ["api.demo.example.com"],
    "duration": ["30s"],
    "egress": ["nat-0123abcd", "External", "eipalloc-0123abcd", "i-0123abcd", "tgw-0123abcd"],
    "eipAllocationId": ["eipalloc-0123abcd"],
    "iamPolicyArn": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/example"],
    "intOrString": [1, "25%"],
    "ipAddress": ["10.10.0.10"],
    "ipv4Cidr": ["10.20.0.0/16"],
    "kmsKey": ["arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab", "alias/example"],
    "kubernetesVersion": ["1.32.4"],
    "quantity": ["100m", "128Mi"],
    "routeTarget": ["pcx-0123abcd"],
    "securityGroupId": ["sg-0123abcd"],
    "semver": ["3.5.21"],
    "subnetId": ["subnet-0123abcd"],
    "subnetIpv6Cidr": ["/64#1"],
    "vpcId": ["vpc-0123abcd"],
}

# A value for each string field with a pattern of its own (not a named definition), by field name.
PATTERN_VALUES: dict[str, list[Any]] = {
    "privateIPv4Address": ["10.10.0.10"],
    "configBase": ["s3://demo-state/demo.example.com"],
    "sshPublicKey": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGt0cGdlbi1zd2VlcC10ZXN0LWtleS0wMDAwMDAwMA== sweep"],
    "mode": ["0644"],
    "maxPrice": ["0.05"],
    "maxSurge": ["25%"],
    "maxUnavailable": ["25%"],
    "serviceNodePortRange": ["30000-32767"],
    "machineType": ["m6i.large"],
    "dnsZone": ["example"],
    "instances": ["m6i.xlarge"],
    "name": ["example"],
    "zone": ["us-east-1a"],
    "targetGroupArn": ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/example/0123456789abcdef"],
    "profile": ["arn:aws:iam::123456789012:instance-profile/example"],
    "s3BucketARN": ["arn:aws:s3:::demo-flow-logs"],
    "kopsVersion": ["1.34.0"],
    "configBaseRegion": ["eu-central-1"],
    "version": ["v1.2.3"],
    "baseURL": ["/headlamp"],
    "kmsKeyARN": ["arn:aws:kms:us-east-1:123456789012:key/0b5f7e0a-1111-2222-3333-444455556666"],
}


@dataclass(frozen=True)
class Field:
    """One supported field of one document kind: its path (list items as index 0) and resolved schema."""

    kind: str
    path: Path_
    schema: dict = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return dotted(self.path)


@dataclass(frozen=True)
class Option:
    """One value for one field."""

    field: Field
    value: Any

    @property
    def key(self) -> str:
        """`Kind:path`, e.g. `Cluster:spec.kubelet.maxPods`."""
        return f"{self.field.kind}:{self.field.name}"

    @property
    def id(self) -> str:
        return f"{self.key}={_short(self.value)}"


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    text = text.removesuffix("...").strip()
    return text if len(text) <= 40 else text[:37] + "..."


def resolve(kind: str, node: dict) -> dict:
    """`node` with its $ref (and the $ref's own $ref ...) merged in; the node's own keywords win."""
    defs = spec_schema.schema(kind)["$defs"]
    while "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}, "x-def": node["$ref"].rsplit("/", 1)[-1]}
    return node


def _unsupported(node: dict) -> bool:
    return spec_schema.UNSUPPORTED in node


def _item_schema(kind: str, node: dict) -> dict | None:
    return resolve(kind, node["items"]) if node.get("type") == "array" and "items" in node else None


def fields(kind: str) -> Iterator[Field]:
    """Every supported field of the document kind, depth first: objects before their own fields, the
    fields of a list's items under index 0."""
    root = resolve(kind, spec_schema.schema(kind)["properties"]["spec"])
    yield from _fields(kind, root, ("spec",))


def _fields(kind: str, node: dict, path: Path_) -> Iterator[Field]:
    for name, child in sorted(node.get("properties", {}).items()):
        if _unsupported(child):
            continue
        child = resolve(kind, child)
        if _unsupported(child):
            continue
        yield Field(kind, path + (name,), child)
        items = _item_schema(kind, child)
        if items is not None and "properties" in items:
            yield from _fields(kind, items, path + (name, 0))
        elif "properties" in child:
            yield from _fields(kind, child, path + (name,))


def values(kind: str, node: dict, name: str) -> list[Any]:
    """Valid values for a field with this (resolved) schema, most telling first."""
    node = resolve(kind, node)
    if "const" in node:
        return [node["const"]]
    if "enum" in node:
        return list(node["enum"])
    named = node.get("x-def")
    if named in NAMED_VALUES:
        return list(NAMED_VALUES[named])
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if "pattern" in node and "string" in types:
        if name not in PATTERN_VALUES:
            raise KeyError(f"no value for the pattern of {name!r} ({node['pattern']}): add one to PATTERN_VALUES")
        return list(PATTERN_VALUES[name])
    if "boolean" in types:
        return [True, False]
    if "integer" in types or "number" in types:
        low = node.get("minimum", node["exclusiveMinimum"] + 1 if "exclusiveMinimum" in node else 1)
        high = node.get("maximum", low)
        return [low] if high == low else [low, high]
    if "array" in types:
        items = node.get("items")
        if items is None:
            return [["example"]]
        return [[v] for v in values(kind, items, name)[:1]]
    if "object" in types or "properties" in node:
        if "properties" in node:
            return [minimal_object(kind, node)]
        extra = node.get("additionalProperties")
        key = "example"
        names = node.get("propertyNames", {})
        if "enum" in names:
            key = names["enum"][0]
        if isinstance(extra, dict):
            return [{key: values(kind, extra, name)[0]}]
        return [{key: "example"}]
    if "string" in types:
        return ["example"]
    if types == [None]:
        # no type: the schema accepts anything (a free-form value such as a manifest); a string will do
        return ["example"]
    raise KeyError(f"no value for {name!r}: {node}")


def minimal_object(kind: str, node: dict) -> dict:
    """An object of this schema holding only its required fields (each with its first value)."""
    node = resolve(kind, node)
    props = node.get("properties", {})
    return {req: values(kind, props[req], req)[0] for req in node.get("required", ()) if req in props}


def options(kind: str, exhaustive: bool, overrides: dict[str, list[Any]]) -> Iterator[Option]:
    """The first value of every field (every value when `exhaustive`); `overrides` gives the values of
    fields by `Kind:path`, where the schema alone says too little."""
    for f in fields(kind):
        vals = overrides.get(f"{kind}:{f.name}") or values(kind, f.schema, str(f.path[-1]))
        for v in (vals if exhaustive else vals[:1]):
            yield Option(f, v)


# --- setting a value on a spec ---------------------------------------------------------------------


def documents(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


def document(docs: list[dict], kind: str, name: str | None = None) -> dict:
    return next(d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name))


def set_value(kind: str, doc: dict, path: Path_, value: Any) -> None:
    """Set `value` at `path` in `doc`, creating what lies on the way as the schema's minimal objects. A
    parent that holds one property at most (networking, authorization) keeps only the one set."""
    node = resolve(kind, spec_schema.schema(kind)["properties"]["spec"])
    here: Any = doc["spec"]
    for i, part in enumerate(path[1:], start=1):
        last = i == len(path) - 1
        if isinstance(part, int):
            node = _item_schema(kind, node)
            if len(here) <= part:
                here.append(minimal_object(kind, node))
            if last:
                here[part] = copy.deepcopy(value)
            else:
                here = here[part]
            continue
        if node.get("maxProperties") == 1:
            for other in [k for k in here if k != part]:
                del here[other]
        node = resolve(kind, node["properties"][part])
        if last:
            here[part] = copy.deepcopy(value)
            return
        if part not in here or here[part] is None:
            here[part] = [] if _item_schema(kind, node) is not None else minimal_object(kind, node)
        here = here[part]


# --- running the pipeline ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the pipeline made of one spec: rendered (both targets and the state files) or refused, with
    the fields the refusal names."""

    rendered: bool
    refusal: str = ""
    error_paths: tuple[str, ...] = ()
    files: dict[str, dict[str, bytes]] = field(default_factory=dict, repr=False)


class Crash(AssertionError):
    """The pipeline raised something other than a clean refusal."""


TARGETS = ("terraform", "cloudformation")


def run(docs: list[dict], folder: Path, keep_files: bool = False) -> Outcome:
    """The real pipeline on `docs` (written to folder/cluster.yaml, so errors carry lines): both targets
    rendered and the state files built, or a clean refusal; Crash for anything else."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cluster.yaml"
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    try:
        spec = pipeline.load_spec([path])
        rendering = session(spec)
        graph = pipeline.build_graph(rendering)
        files = {target: pipeline.render_graph(graph, spec, target) for target in TARGETS}
        rendering.bootstrap.state_files()
    except SpecError as e:
        for error in e.errors:
            if error.file != str(path) or error.line < 1 or not error.path or not error.message:
                raise Crash(f"a spec error without its file, line, field or message: {error!r}") from e
        return Outcome(False, str(e).replace(str(path), "cluster.yaml"), tuple(err.path for err in e.errors))
    except RenderError as e:
        if not str(e).strip():
            raise Crash("a render error without a message") from e
        return Outcome(False, f"render: {e}")
    except Exception as e:  # noqa: BLE001 - anything else is the bug this sweep looks for
        raise Crash(f"{type(e).__name__}: {e}\n{traceback.format_exc()}") from e
    return Outcome(True, files=files if keep_files else {})


@dataclass
class Result:
    """The outcome of one option, or of a batch of options that rendered together."""

    options: tuple[Option, ...]
    rendered: bool
    refusal: str = ""
    crash: str = ""


Apply = Callable[[list[dict], Option], None]


def docs_with(base: str, options: tuple[Option, ...], apply: Apply) -> list[dict]:
    docs = documents(base)
    for option in options:
        apply(docs, option)
    return docs


def sweep_batch(base: str, options: tuple[Option, ...], apply: Apply, folder: Path) -> list[Result]:
    """Options tried together on `base`; what the batch refuses or crashes on is narrowed down to single
    options: first those a refusal names (an option whose field is, or holds, a field in error), then by
    halves. A crash is reported for the single option that causes it (or for the batch, if it takes
    several together)."""
    try:
        outcome = run(docs_with(base, options, apply), folder)
    except Crash as crash:
        if len(options) == 1:
            return [Result(options, False, crash=str(crash))]
        results = _split(base, options, apply, folder)
        if not any(r.crash for r in results):
            results.append(Result(options, False, crash=f"only together: {crash}"))
        return results
    if outcome.rendered:
        return [Result(options, True)]
    if len(options) == 1:
        return [Result(options, False, refusal=outcome.refusal)]
    named = tuple(o for o in options if any(_related(o.field.name, p) for p in outcome.error_paths))
    if named and len(named) < len(options):
        rest = tuple(o for o in options if o not in named)
        return [r for o in named for r in sweep_batch(base, (o,), apply, folder)] + \
            sweep_batch(base, rest, apply, folder)
    return _split(base, options, apply, folder)


def _split(base: str, options: tuple[Option, ...], apply: Apply, folder: Path) -> list[Result]:
    half = len(options) // 2
    return sweep_batch(base, options[:half], apply, folder) + sweep_batch(base, options[half:], apply, folder)


def _related(option_path: str, error_path: str) -> bool:
    """The error is at the option's field, inside it, or at an object holding it."""
    shorter, longer = sorted((option_path, error_path), key=len)
    return longer == shorter or longer.startswith((shorter + ".", shorter + "["))
