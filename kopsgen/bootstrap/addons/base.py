"""What an addon is, how its manifest is made and how the bootstrap channel lists it.

Which addons a cluster gets follows kops's rules (addons/__init__.py, in kops's order); each manifest
is built from our own template in templates/addon-<name>.yaml:

- a template is plain YAML, one document per object (or one `objects:` list, when objects share
  YAML anchors; `kopsgen/crd: {...}` entries there expand into CustomResourceDefinitions; an object
  or list entry with `kopsgen/if: "{{ flag }}"` is left out when the flag is false) whose
  strings may hold `{{ name }}` placeholders; it is parsed first and the placeholders are filled in the parsed data, so a
  value can never change the YAML's structure;
- a string that is nothing but one placeholder takes the value with its type (a number stays a
  number, a list stays a list);
- Python code (the addon's `adjust`) then makes the choices a template cannot (optional objects,
  per-cluster arguments);
- pods whose service account has an IAM role of its own (IRSA) get that role's credentials
  (irsa.py);
- every object gets kops's labels (the addon's name, `app.kubernetes.io/managed-by: kops`, the
  channel selector), pod templates of Deployments and DaemonSets get `kops.k8s.io/managed-by`.

The channel records each manifest's SHA-256, so kops-channels re-applies exactly what changed.
Which addons exist is the family modules beside this one, when a cluster gets each is
addons/__init__.py; addons whose manifest kopsgen does not build yet are refused there with a RenderError naming the spec field that
enables them.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from kopsgen import yamlfast
from kopsgen.bootstrap import irsa, kyaml
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.templating import template
from kopsgen.errors import RenderError

ADDON_LABEL = "addon.kops.k8s.io/name"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
POD_MANAGED_BY_LABEL = "kops.k8s.io/managed-by"
DOCUMENT_SEPARATOR = "\n---\n\n"

# Kinds kops always prunes for an addon with pruning, so that objects dropped from a manifest go away.
ALWAYS_PRUNED = (("", "ConfigMap"), ("", "Service"), ("", "ServiceAccount"),
                 ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
                 ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
                 ("apps", "DaemonSet"), ("apps", "Deployment"), ("apps", "StatefulSet"),
                 ("policy", "PodDisruptionBudget"),
                 ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
                 ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "RoleBinding"))

Values = dict[str, Any]
Objects = list[dict]


@dataclass(frozen=True)
class Addon:
    name: str
    id: str | None
    template: str | None                           # None: an addon with an empty manifest
    selector: dict[str, str] | None = None         # default: {"k8s-addon": name}
    no_selector: bool = False                      # the channel entry selects nothing (`selector: null`)
    needs_rolling_update: str | None = None
    needs_pki: bool | Callable[[BootstrapContext], bool] = False
    build_prune: bool = False
    values: Callable[[BootstrapContext], Values] = lambda ctx: {}
    adjust: Callable[[BootstrapContext, Objects], Objects] = lambda ctx, objects: objects
    file_name: str | None = None                   # default: <id>.yaml

    @property
    def manifest(self) -> str:
        return f"{self.name}/{self.file_name or f'{self.id}.yaml'}"

    @property
    def labels(self) -> dict[str, str] | None:
        if self.no_selector:
            return None
        return {"k8s-addon": self.name} if self.selector is None else self.selector


@dataclass(frozen=True)
class AddonFile:
    name: str
    id: str | None
    manifest: str       # relative to addons/
    content: bytes


# ---------------------------------------------------------------- filling a template


_PLACEHOLDER = re.compile(r"\{\{ ([a-zA-Z0-9_]+) \}\}")


def _fill(node: Any, values: Values, used: set[str]) -> Any:
    """A filled copy of the template `node`: new containers throughout, so the cached template is never
    shared with (or changed through) what is rendered from it."""
    if isinstance(node, dict):
        return {_fill(k, values, used): _fill(v, values, used) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values, used) for v in node]
    if isinstance(node, str):
        whole = _PLACEHOLDER.fullmatch(node)
        if whole:
            used.add(whole.group(1))
            return copy.deepcopy(_value(values, whole.group(1)))
        return _PLACEHOLDER.sub(lambda m: (used.add(m.group(1)), str(_value(values, m.group(1))))[1], node)
    return node


def _value(values: Values, name: str) -> Any:
    if name not in values:
        raise KeyError(f"addon template placeholder {name!r} has no value")
    return values[name]


@lru_cache(maxsize=None)
def _template_objects(name: str) -> tuple:
    """A template is either one YAML document per object, or one document `objects: [...]` (for
    templates whose objects share anchors, which do not cross documents)."""
    docs = [d for d in yamlfast.safe_load_all(template(name)) if d is not None]
    if len(docs) == 1 and isinstance(docs[0], dict) and set(docs[0]) == {"objects"}:
        docs = docs[0]["objects"]
    return tuple(docs)


def render_objects(template_name: str, values: Values) -> Objects:
    used: set[str] = set()
    objects = [_fill(o, values, used) for o in _template_objects(template_name)]
    unused = set(values) - used
    if unused:
        raise KeyError(f"{template_name}: values without a placeholder: {sorted(unused)}")
    objects = _keep_wanted(objects)
    return [custom_resource_definition(o[CRD_MACRO]) if CRD_MACRO in o else o for o in objects]


# A mapping inside a list (an object of the template, a container, a volume, an environment
# variable, ...) that carries `kopsgen/if: "{{ flag }}"` is kept only when the flag's value is
# true: the template keeps kops's structure and order, Python decides (the flag is a value).
IF_MACRO = "kopsgen/if"


def _keep_wanted(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _keep_wanted(v) for k, v in node.items()}
    if isinstance(node, list):
        kept = []
        for item in node:
            if isinstance(item, dict) and IF_MACRO in item:
                flag = item.pop(IF_MACRO)
                if not isinstance(flag, bool):
                    raise ValueError(f"{IF_MACRO} takes a true/false value, got {flag!r}")
                if not flag:
                    continue
            kept.append(_keep_wanted(item))
        return kept
    return node


# A template names a custom resource type in one line; this expands it into the definition.
CRD_MACRO = "kopsgen/crd"


def custom_resource_definition(d: dict) -> dict:
    """A CustomResourceDefinition from its identity: group, kind, names, scope, versions (the first
    is the stored one), whether it has a status subresource. kopsgen's definitions carry an open
    schema (`x-kubernetes-preserve-unknown-fields`): the API server stores and serves the objects
    but does not validate their fields as the projects' own, much longer, schemas do."""
    names = {"kind": d["kind"], "listKind": f"{d['kind']}List", "plural": d["plural"],
             "singular": d.get("singular", d["kind"].lower())}
    for key in ("shortNames", "categories"):
        if d.get(key):
            names[key] = list(d[key])
    versions = []
    for n, version in enumerate(d["versions"]):
        entry: dict[str, Any] = {"name": version, "served": True, "storage": n == 0,
                                 "schema": {"openAPIV3Schema": {"type": "object",
                                                                "x-kubernetes-preserve-unknown-fields": True}}}
        if d.get("status"):
            entry["subresources"] = {"status": {}}
        versions.append(entry)
    metadata: dict[str, Any] = {"name": f"{d['plural']}.{d['group']}"}
    if d.get("labels"):
        metadata["labels"] = dict(d["labels"])
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": metadata,
            "spec": {"group": d["group"], "names": names, "scope": d.get("scope", "Namespaced"),
                     "versions": versions}}


def _add_labels(addon: Addon, objects: Objects) -> Objects:
    for obj in objects:
        labels = obj.setdefault("metadata", {}).setdefault("labels", {})
        labels[MANAGED_BY_LABEL] = "kops"
        labels[ADDON_LABEL] = addon.name
        for key, value in (addon.labels or {}).items():
            if labels.get(key, value) != value:
                raise ValueError(f"{addon.name}: label {key} is {labels[key]!r}, the channel selects {value!r}")
            labels[key] = value
        if obj.get("apiVersion") == "apps/v1" and obj.get("kind") in ("Deployment", "DaemonSet"):
            pod_meta = obj["spec"]["template"].setdefault("metadata", {})
            pod_meta.setdefault("labels", {})[POD_MANAGED_BY_LABEL] = "kops"
    return objects


def manifest_text(objects: Objects) -> str:
    return DOCUMENT_SEPARATOR.join(kyaml.dump(o) for o in objects).strip()


def _prune(addon: Addon, objects: Objects) -> dict:
    selector = f"{ADDON_LABEL}={addon.name},{MANAGED_BY_LABEL}=kops"
    kinds = []
    for group, kind in sorted(ALWAYS_PRUNED):
        entry: dict[str, Any] = {"kind": kind, "labelSelector": selector}
        if group:
            entry["group"] = group
        namespaces = sorted({o["metadata"]["namespace"] for o in objects
                             if o.get("kind") == kind and _group(o) == group and o["metadata"].get("namespace")})
        if namespaces:
            entry["namespaces"] = namespaces
        kinds.append(entry)
    return {"kinds": kinds}


def _group(obj: dict) -> str:
    api = str(obj.get("apiVersion") or "")
    return api.split("/")[0] if "/" in api else ""


# ---------------------------------------------------------------- building the channel


def build_channel(ctx: BootstrapContext, addons: list[Addon]) -> tuple[bytes, list[AddonFile]]:
    """The bootstrap channel listing `addons`, in that order, and their manifests."""
    entries, files = [], []
    for addon in addons:
        if addon.template is None:
            objects: Objects = []
        else:
            objects = addon.adjust(ctx, render_objects(addon.template, addon.values(ctx)))
            objects = _add_labels(addon, irsa.add_service_account_roles(ctx, objects))
        text = manifest_text(objects)
        entry: dict[str, Any] = {"manifest": addon.manifest, "manifestHash": hashlib.sha256(text.encode()).hexdigest(),
                                 "name": addon.name, "selector": addon.labels}
        if addon.id:
            entry["id"] = addon.id
        if addon.needs_rolling_update:
            entry["needsRollingUpdate"] = addon.needs_rolling_update
        if addon.needs_pki(ctx) if callable(addon.needs_pki) else addon.needs_pki:
            entry["needsPKI"] = True
        if addon.build_prune:
            entry["prune"] = _prune(addon, objects)
        entries.append(entry)
        files.append(AddonFile(addon.name, addon.id, addon.manifest, text.encode()))
    channel = {"kind": "Addons", "metadata": {"name": "bootstrap"}, "spec": {"addons": entries}}
    return kyaml.dump_bytes(channel), files


@dataclass(frozen=True)
class NotBuilt:
    name: str
    field: str
