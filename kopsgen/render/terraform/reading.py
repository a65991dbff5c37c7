"""Read Terraform written by someone else (kops's `kubernetes.tf` and `data/`) and Terraform state, into one
shape a comparison can use: managed resources by address, each body normalised.

Normalised means: meta-arguments (lifecycle, provider, depends_on, ...) dropped, a nested block given once
as an object (HCL parsers and `terraform show -json` give lists; the JSON syntax may give either), and the
data files a body reads resolved, either to their hash (comparing two configurations) or to their content
(comparing a configuration with state, which holds the content).

Used by `kopsgen migrate` (lifecycle/migrate.py); nothing here calls AWS or runs terraform.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kopsgen.errors import UsageError

MAIN_FILES = ("kubernetes.tf", "kubernetes.tf.json")
META_ARGUMENTS = ("lifecycle", "provider", "depends_on", "count", "for_each", "provisioner", "connection")
# a value Terraform knows only after apply: a reference to something not yet in the state, or an expression
# (function, template) this reader does not evaluate
UNKNOWN = "(known after apply)"

_WHOLE_FILE_CALL = re.compile(r'\$\{(file|filebase64)\("\$\{path\.module\}/(data/[^"]+)"\)\}')
_FILE_CALL = re.compile(r'(file|filebase64)\("\$\{path\.module\}/(data/[^"]+)"\)')
_WHOLE_REFERENCE = re.compile(r"\$\{((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}")


@dataclass(frozen=True)
class Block:
    address: str      # aws_subnet.us-east-1a-c-example-com
    type: str         # aws_subnet
    body: dict        # normalised (see the module's docstring)


# --- configurations -------------------------------------------------------------------------------------------------

def read_folder(folder: str | Path) -> dict[str, bytes]:
    """A folder Terraform reads (kops's output: kubernetes.tf or kubernetes.tf.json, and data/), as files by
    relative path. UsageError when it holds no Terraform configuration."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder (give the folder kops wrote, holding kubernetes.tf and data/)")
    files = {}
    for path in sorted(folder.glob("*.tf")) + sorted(folder.glob("*.tf.json")):
        if not path.name.endswith(("_override.tf", "_override.tf.json")):
            files[path.name] = path.read_bytes()
    if not files:
        raise UsageError(f"{folder}: no *.tf or *.tf.json file (give the folder kops wrote, holding kubernetes.tf)")
    data = folder / "data"
    if data.is_dir():
        for path in sorted(p for p in data.rglob("*") if p.is_file()):
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def parse_configuration(files: dict[str, bytes], where: str) -> dict[str, Block]:
    """The managed resources of a configuration (HCL and JSON syntax both), bodies normalised but with their
    file calls as written. UsageError, naming the file, when one does not parse."""
    blocks: dict[str, Block] = {}
    for name in sorted(files):
        if "/" in name:
            continue
        text = files[name].decode(errors="replace")
        try:
            if name.endswith(".json"):
                doc = json.loads(text)
                resources = [doc.get("resource") or {}]
            else:
                resources = _parse_hcl(text).get("resource", [])
        except Exception as exc:  # the parsers raise many kinds; all mean "not Terraform we can read"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"{where}/{name}: cannot be parsed as Terraform: {first}") from None
        for entry in resources:
            for tf_type, labelled in (entry or {}).items():
                for label, body in (labelled or {}).items():
                    for one in body if isinstance(body, list) else [body]:
                        address = f"{tf_type}.{label}"
                        blocks[address] = Block(address, tf_type, normalise(one))
    return blocks


def _parse_hcl(text: str) -> dict:
    import hcl2
    from hcl2 import SerializationOptions

    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    return hcl2.loads(text, serialization_options=options)


_QUOTED_TEMPLATE = re.compile(r'\$\{"((?:[^"\\]|\\.)*)"\}')


def normalise(value: Any, top: bool = True) -> Any:
    if isinstance(value, str):   # `${"a${b}c"}` (a template as a JSON-syntax expression) is the template a${b}c
        quoted = _QUOTED_TEMPLATE.fullmatch(value)
        return quoted[1] if quoted else value
    if isinstance(value, dict):
        # a null is an attribute not set
        return {k: normalise(v, False) for k, v in value.items()
                if v is not None and not (top and k in META_ARGUMENTS)}
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict):
            return normalise(value[0], False)
        return [normalise(v, False) for v in value]
    return value


def with_file_hashes(value: Any, files: dict[str, bytes]) -> Any:
    """Every `file(...)`/`filebase64(...)` of a data file as `file(sha256:<12 hex>)`: two configurations
    compare equal where the files they read hold the same bytes."""
    def digest(path: str) -> str:
        data = files.get(path)
        return "sha256:" + hashlib.sha256(data).hexdigest()[:12] if data is not None else f"missing {path}"

    def one(text: str) -> str:
        whole = _WHOLE_FILE_CALL.fullmatch(text)
        if whole:
            return f"file({digest(whole[2])})"
        return _FILE_CALL.sub(lambda m: f"file({digest(m[2])})", text)

    return map_strings(value, one)


def documents_read(body: dict, files: dict[str, bytes]) -> dict:
    """The JSON documents of a body (JSON_DOCUMENTS) read from the data files they name, so that they can be
    compared by meaning (canonical_documents) rather than by the bytes of the file."""
    out = dict(body)
    for key in JSON_DOCUMENTS:
        whole = _WHOLE_FILE_CALL.fullmatch(out[key]) if isinstance(out.get(key), str) else None
        if whole and whole[1] == "file" and whole[2] in files:
            out[key] = files[whole[2]].decode(errors="replace")
    return out


def assume_lookups(new: dict, old: dict, state: dict[str, Block] | None = None) -> tuple[dict, list[str]]:
    """A top-level attribute of `new` made of one data source's attribute (`data.aws_route53_zone.z.zone_id`,
    read by terraform when it plans) and literal text around it, where `old` holds a literal with that text
    around something: taken to be `old`'s value, since the lookup is meant to find what exists. Returns the
    body and one note per assumption, for the user to check."""
    out, notes = dict(new), []
    for key, value in new.items():
        found = list(_LOOKUP.finditer(value)) if isinstance(value, str) else []
        if len(found) != 1 or (state is not None and found[0][1] in state):
            continue
        before, after = value[:found[0].start()], value[found[0].end():]
        held = old.get(key)
        if "${" in before + after or not isinstance(held, str) or "${" in held:
            continue
        if held.startswith(before) and held.endswith(after) and len(held) > len(before) + len(after):
            out[key] = held
            notes.append(f"{key}: taken to be {held!r}, which terraform reads from {found[0][1]} when it plans")
    return out, notes


_LOOKUP = re.compile(r"\$\{(data\.aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}")


def resolved(value: Any, files: dict[str, bytes], state: dict[str, Block]) -> Any:
    """A configuration's value as the state would hold it after apply: data files read, whole references
    to a resource in `state` replaced by that resource's attribute; anything else with `${` is UNKNOWN."""
    def one(text: str) -> Any:
        whole = _WHOLE_FILE_CALL.fullmatch(text)
        if whole:
            data = files.get(whole[2])
            if data is None:
                return UNKNOWN
            return base64.b64encode(data).decode() if whole[1] == "filebase64" else data.decode(errors="replace")
        ref = _WHOLE_REFERENCE.fullmatch(text)
        if ref and ref[1] in state and state[ref[1]].body.get(ref[2]) not in (None, ""):
            return state[ref[1]].body[ref[2]]
        return UNKNOWN if "${" in text else text

    return map_strings(value, one)


def loose_scalars(value: Any) -> Any:
    """"true"/"false" as booleans and whole numbers in strings as numbers: Terraform converts a literal to
    the attribute's type, so `x = "true"` and `x = true` configure the same (used on both sides alike)."""
    def one(text: str) -> Any:
        if text in ("true", "false"):
            return text == "true"
        return int(text) if text.lstrip("-").isdigit() and len(text) < 19 else text

    return map_strings(value, one)


def map_strings(value: Any, fn) -> Any:
    """`value` with `fn` applied to every string inside it (lists and dict values, not keys)."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [map_strings(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: map_strings(v, fn) for k, v in value.items()}
    return value


# --- state ----------------------------------------------------------------------------------------------------------

def read_state(path: str | Path) -> dict[str, Block]:
    """The resources (managed, and data sources as `data.<type>.<label>`) of the root module in `terraform
    show -json` output (of a state, or of a plan: its prior state) or in a `terraform.tfstate` file.
    UsageError naming the file when it is neither."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc}); give the output of `terraform show -json` or a "
                         "terraform.tfstate file") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: not a Terraform state (a JSON object was expected)")
    blocks: dict[str, Block] = {}
    if "values" in doc or "prior_state" in doc or "format_version" in doc:      # terraform show -json
        values = (doc.get("prior_state") or {}).get("values") or doc.get("values") or {}
        for r in (values.get("root_module") or {}).get("resources") or []:
            if r.get("mode") in ("managed", "data") and "index" not in r:
                blocks[r["address"]] = Block(r["address"], r["type"], normalise(r.get("values") or {}, False))
    elif isinstance(doc.get("resources"), list) and "version" in doc:           # terraform.tfstate
        for r in doc["resources"]:
            if r.get("mode") in ("managed", "data") and not r.get("module") and len(r.get("instances") or []) == 1:
                address = ("data." if r["mode"] == "data" else "") + f"{r['type']}.{r['name']}"
                blocks[address] = Block(address, r["type"], normalise(r["instances"][0].get("attributes") or {},
                                                                      False))
    else:
        raise UsageError(f"{path}: neither `terraform show -json` output nor a terraform.tfstate file")
    return blocks


# What the provider stores for an attribute, where it is not the configured value (its StateFunc).
STORED_AS = {"public_key": str.strip}


def as_stored(body: dict) -> dict:
    return {k: (STORED_AS[k](v) if k in STORED_AS and isinstance(v, str) else v) for k, v in body.items()}


def project(state_value: Any, config_value: Any) -> Any:
    """The part of a state value a configuration value speaks for: the keys a block sets (state holds every
    computed attribute too), element by element in lists of blocks. Maps of tags are taken whole: a tag the
    configuration no longer sets is removed by the apply. JSON documents (policies) compare by content."""
    if isinstance(config_value, dict) and isinstance(state_value, dict):
        return {k: (state_value.get(k) if k in ("tags",) else project(state_value.get(k), v))
                for k, v in config_value.items()}
    if isinstance(config_value, list) and isinstance(state_value, list) and len(config_value) == len(state_value):
        return [project(s, c) for s, c in zip(state_value, config_value)]
    # the provider keeps some nested attributes as strings ("true", "30"): compared as the configuration's type
    if isinstance(config_value, bool) and state_value in ("true", "false"):
        return state_value == "true"
    if isinstance(config_value, int) and not isinstance(config_value, bool) and isinstance(state_value, str):
        return int(state_value) if state_value.lstrip("-").isdigit() else state_value
    if isinstance(config_value, str) and isinstance(state_value, (int, float)) and not isinstance(state_value, bool):
        return str(state_value)
    return state_value


# Attributes holding a JSON document that the provider compares by meaning, not by text.
JSON_DOCUMENTS = ("policy", "assume_role_policy", "event_pattern")
_POLICY_LISTS = ("Action", "NotAction", "Resource", "NotResource")


def canonical_documents(value: Any) -> Any:
    """The JSON documents of a body (JSON_DOCUMENTS) re-serialised canonically: sorted keys, and IAM policy
    lists compared as the provider compares them (a one-element list is its element; order does not count)."""
    if not isinstance(value, dict):
        return value
    return {k: (_canonical_document(v) if k in JSON_DOCUMENTS else v) for k, v in value.items()}


def _canonical_document(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        doc = json.loads(text)
    except ValueError:
        return text
    if isinstance(doc, dict) and "Statement" in doc:
        statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        doc["Statement"] = [_canonical_statement(st) if isinstance(st, dict) else st for st in statements]
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _canonical_statement(statement: dict) -> dict:
    def one(value: Any) -> Any:
        if isinstance(value, list):
            value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
            return value[0] if len(value) == 1 else value
        if isinstance(value, dict):
            return {k: one(v) for k, v in value.items()}
        return value

    return {k: (one(v) if k in _POLICY_LISTS or k in ("Principal", "Condition") else v)
            for k, v in statement.items()}
