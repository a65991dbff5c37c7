"""`kopsgen migrate`: what taking over a kops cluster's Terraform would do, resource by resource, offline.

Inputs: the spec, and what kops left behind: the folder it wrote (`kubernetes.tf` and `data/`) and/or the
live state (`terraform show -json`, or a `terraform.tfstate`). With the state, the comparison is against the
state (the truth: what AWS holds, as Terraform last saw it); with only the folder, against kops's
configuration (what kops would have applied).

kopsgen's Terraform for the spec is rendered in memory and each address is classified as `terraform plan`
would: unchanged, update in place, create, replace, delete. A replacement comes from the one table of
replacement-forcing fields (lifecycle/replacement.py, through render/terraform/attributes.py for the
Terraform attribute names) and from references to replaced resources, as in `kopsgen update cluster`
(lifecycle/plan.py does the comparing for both). Data-bearing resources are marked; replacing or deleting
one makes the exit code DATA_LOSS_EXIT_CODE.

Nothing here calls AWS, runs terraform or writes a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kopsgen import pipeline
from kopsgen.errors import UsageError
from kopsgen.ir.base import Resource
from kopsgen.ir.compute import AutoscalingGroup, LaunchTemplate
from kopsgen.ir.dns import AliasRecord
from kopsgen.ir.iam import IamRole
from kopsgen.ir.loadbalancer import NetworkLoadBalancer
from kopsgen.ir.network import ElasticIp, Subnet, Vpc
from kopsgen.ir.storage import EbsVolume
from kopsgen.lifecycle import replacement
from kopsgen.lifecycle.plan import CREATE, DELETE, REPLACE, SYMBOLS, UPDATE, Plan, ResourceChange, compare, \
    resource_lines
from kopsgen.lifecycle.snapshot import Entry, Snapshot, flatten
from kopsgen.render.terraform import MAPPERS
from kopsgen.render.terraform import attributes as tf_attributes
from kopsgen.render.terraform import reading
from kopsgen.render.terraform.registry import TfContext
from kopsgen.session import RenderSession
from kopsgen.spec.api import ClusterSpec

UNCHANGED = "unchanged"
ACTIONS = (UNCHANGED, UPDATE, CREATE, REPLACE, DELETE)
DATA_LOSS_EXIT_CODE = 3   # a data-bearing resource would be replaced or deleted (0: none; 2: bad input)

# What losing the resource costs a running cluster (its data, or an identity others know it by). etcd first.
DATA_BEARING: dict[type[Resource], str] = {
    EbsVolume: "etcd member volume: the cluster's etcd data",
    Vpc: "the cluster's network: everything in it goes with it",
    Subnet: "a subnet: every instance and load balancer in it goes with it",
    ElasticIp: "an elastic IP (a NAT gateway's or load balancer's address, often allow-listed elsewhere)",
    NetworkLoadBalancer: "a load balancer: its DNS name is in kubeconfigs and DNS records",
    AliasRecord: "a DNS record clients resolve",
    IamRole: "an IAM role: instance profiles and trust policies name it",
}


@dataclass
class Change:
    address: str
    action: str                         # one of ACTIONS
    type: str
    attributes: list[str] = field(default_factory=list)   # "name old -> new"
    forced_by: list[str] = field(default_factory=list)    # why a replacement (attribute, or a replaced reference)
    data_bearing: str | None = None
    # an update whose every new value is one terraform knows only when it plans (a lookup, a template of one):
    # it may turn out unchanged
    uncertain: bool = False

    def to_dict(self) -> dict:
        return {"address": self.address, "action": self.action, "type": self.type, "attributes": self.attributes,
                "forcedBy": self.forced_by, "dataBearing": self.data_bearing, "uncertain": self.uncertain}


@dataclass
class Report:
    cluster: str
    compared_with: str                  # "state FILE" or "configuration DIR"
    changes: list[Change]               # every address of either side, sorted
    machines: list[str]                 # what the apply means for running instances
    assumptions: list[str] = field(default_factory=list)   # lookups taken to find what exists: check them

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def data_loss(self) -> list[Change]:
        return [c for c in self.changes if c.data_bearing and c.action in (REPLACE, DELETE)]

    @property
    def exit_code(self) -> int:
        return DATA_LOSS_EXIT_CODE if self.data_loss else 0

    def by_action(self) -> dict[str, list[str]]:
        return {a: [c.address for c in self.changes if c.action == a] for a in ACTIONS}

    def to_json(self) -> str:
        doc = {"cluster": self.cluster, "comparedWith": self.compared_with,
               "summary": {a: self.count(a) for a in ACTIONS},
               "dataBearingReplacedOrDeleted": [c.address for c in self.data_loss],
               "exitCode": self.exit_code, "machines": self.machines, "assumptions": self.assumptions,
               "resources": [c.to_dict() for c in self.changes]}
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class KopsSide:
    """What kops left, read and parsed: its folder's files and blocks, and/or the live state."""

    kops_dir: str | Path | None
    files: dict
    blocks: Any
    live_state: str | Path | None
    state: Any


def read_kops_side(kops_dir: str | Path | None, live_state: str | Path | None) -> KopsSide:
    """Reads kops's folder and/or the live state; bad input (exit 2) is found here, before any render."""
    if kops_dir is None and live_state is None:
        raise UsageError("give what kops left: --kops-dir (the folder kops wrote) and/or --live-state "
                         "(`terraform show -json` of the live state)")
    kops_files = reading.read_folder(kops_dir) if kops_dir is not None else {}
    # parsed even beside a state: a folder that does not parse is bad input
    kops_blocks = reading.parse_configuration(kops_files, str(kops_dir)) if kops_dir is not None else None
    state = reading.read_state(live_state) if live_state is not None else None
    return KopsSide(kops_dir, kops_files, kops_blocks, live_state, state)


def migrate(session: RenderSession, kops_dir: str | Path | None = None,
            live_state: str | Path | None = None) -> Report:
    """Compare the Terraform of the session's spec with what kops left (its folder and/or the live state)."""
    return compare_with_kops(session, read_kops_side(kops_dir, live_state))


def compare_with_kops(session: RenderSession, kops: KopsSide) -> Report:
    """The report of applying the session's Terraform where kops's resources are."""
    spec = session.spec
    graph = pipeline.build_graph(session)
    # the JSON form: the same blocks as the HCL, and read without an HCL parser (which takes seconds)
    files = pipeline.render_graph(graph, spec, "terraform", "json")
    ours = reading.parse_configuration(files, "kopsgen's render")
    ctx = TfContext(graph)
    made_from = {ctx.address(type(r), r.name): r for r in graph
                 if type(r) in MAPPERS and not MAPPERS[type(r)].data_source}

    assumptions: list[str] = []
    if kops.state is not None:
        before, after = _against_state(kops.state, ours, files, made_from, assumptions)
        compared_with = f"the live state {kops.live_state}"
    else:
        before, after = _against_configuration(kops.blocks, kops.files, ours, files, made_from, assumptions)
        compared_with = f"kops's configuration in {kops.kops_dir}"
    plan = compare(_snapshot(spec, before), _snapshot(spec, after))
    changes = _changes(plan, before, after, made_from)
    return Report(spec.cluster.name, compared_with, changes, _machines(changes, ours, made_from), assumptions)


# --- the two sides as snapshots (lifecycle/snapshot.py's Entry), then lifecycle/plan.py compares ------------------

def _kind(address: str, tf_type: str, made_from: dict[str, Resource]) -> type[Resource] | None:
    resource = made_from.get(address)
    return type(resource) if resource is not None else tf_attributes.kind_of_type(tf_type)


def _entry(address: str, tf_type: str, body: dict, forcing: dict, made_from: dict[str, Resource],
           with_references: bool) -> Entry:
    resource = made_from.get(address)
    source = replacement.resource_key(type(resource), resource.name) if resource is not None else None
    refs = tuple(replacement.references(resource)) if resource is not None and with_references else ()
    return Entry(address, tf_type, address, source, flatten(body), forcing, refs)


def _forcing(kind, new_body: dict, old_body: dict) -> tuple[dict, dict]:
    """The replacement-forcing attributes the new configuration sets (one it leaves out is Optional and
    Computed in the provider: the old value stays), with the old side's value of each."""
    names = [a for a in tf_attributes.forcing_attributes(kind) if a in new_body]
    return ({a: old_body.get(a, "(not set)") for a in names}, {a: new_body[a] for a in names})


def _against_configuration(kops: dict[str, reading.Block], kops_files: dict[str, bytes],
                           ours: dict[str, reading.Block], files: dict[str, bytes], made_from: dict[str, Resource],
                           assumptions: list[str]) -> tuple[dict[str, Entry], dict[str, Entry]]:
    before, after = {}, {}
    for address, block in ours.items():
        old_block = kops.get(address)
        old = reading.loose_scalars(reading.canonical_documents(reading.with_file_hashes(
            reading.documents_read(old_block.body, kops_files), kops_files))) if old_block else {}
        body, notes = reading.assume_lookups(block.body, old)
        assumptions += [f"{address}.{note}" for note in notes]
        new = reading.loose_scalars(reading.canonical_documents(
            reading.with_file_hashes(reading.documents_read(body, files), files)))
        old_forcing, new_forcing = _forcing(_kind(address, block.type, made_from), new, old)
        after[address] = _entry(address, block.type, new, new_forcing, made_from, True)
        if old_block is not None:
            before[address] = _entry(address, block.type, old, old_forcing, made_from, False)
    for address, block in kops.items():
        if address not in ours:
            before[address] = _entry(address, block.type, reading.with_file_hashes(block.body, kops_files), {},
                                     made_from, False)
    return before, after


def _against_state(state: dict[str, reading.Block], ours: dict[str, reading.Block], files: dict[str, bytes],
                   made_from: dict[str, Resource], assumptions: list[str]) -> tuple[dict[str, Entry], dict[str, Entry]]:
    before, after = {}, {}
    for address, block in ours.items():
        held = state.get(address)
        body, notes = reading.assume_lookups(block.body, held.body if held else {}, state)
        assumptions += [f"{address}.{note}" for note in notes]
        new = reading.as_stored(reading.canonical_documents(reading.resolved(body, files, state)))
        old = reading.canonical_documents(reading.project(held.body, new)) if held else {}
        old_forcing, new_forcing = _forcing(_kind(address, block.type, made_from), new, old)
        after[address] = _entry(address, block.type, new, new_forcing, made_from, True)
        if held is not None:
            before[address] = _entry(address, block.type, old, old_forcing, made_from, False)
    for address, block in state.items():
        if address not in ours and not address.startswith("data."):   # a lookup holds nothing to lose
            before[address] = _entry(address, block.type, {}, {}, made_from, False)
    return before, after


def _snapshot(spec: ClusterSpec, entries: dict[str, Entry]) -> Snapshot:
    return Snapshot(spec.cluster.name, "terraform", "hcl", spec.cluster.config_base.url, entries, {})


# --- the report -------------------------------------------------------------------------------------------------------

def _changes(plan: Plan, before: dict[str, Entry], after: dict[str, Entry],
             made_from: dict[str, Resource]) -> list[Change]:
    planned: dict[str, ResourceChange] = {c.address: c for c in plan.resources}
    out = []
    for address in sorted(set(before) | set(after)):
        entry = after.get(address) or before[address]
        change = planned.get(address)
        kind = _kind(address, entry.type, made_from)
        uncertain = bool(change and change.action == UPDATE and change.attributes and not change.reasons
                         and all(a.new == reading.UNKNOWN for a in change.attributes))
        out.append(Change(address, change.action if change else UNCHANGED, entry.type,
                          [str(a) for a in change.attributes] if change else [],
                          list(change.reasons) if change else [], DATA_BEARING.get(kind) if kind else None,
                          uncertain))
    return out


def _machines(changes: list[Change], ours: dict[str, reading.Block], made_from: dict[str, Resource]) -> list[str]:
    """What the apply does to running instances, from the launch templates' and groups' changes."""
    lines = []
    templates = [c for c in changes if isinstance(made_from.get(c.address), LaunchTemplate)]
    groups = [c for c in changes if isinstance(made_from.get(c.address), AutoscalingGroup)]
    updated = [c.address for c in templates if c.action == UPDATE]
    if updated:
        refreshing = [c.address for c in groups if "instance_refresh" in ours[c.address].body]
        lines.append(f"{len(updated)} launch template(s) get a new version ({', '.join(updated)}): running "
                     "instances keep theirs; new instances (scaling, a `kops rolling-update`, an instance refresh) "
                     "boot from the new one.")
        if refreshing:
            lines.append(f"{', '.join(refreshing)} start(s) an instance refresh on apply (instance_refresh is "
                         "set): their instances are replaced, a few at a time.")
        else:
            lines.append("No instance is replaced by the apply itself: roll the groups when you choose "
                         "(e.g. `aws autoscaling start-instance-refresh`) so every machine runs the new version.")
    for c in templates + groups:
        if c.action in (REPLACE, DELETE):
            lines.append(f"{c.address} is {'replaced' if c.action == REPLACE else 'deleted'}: "
                         + ("its instances are terminated and new ones launched." if c in groups else
                            "its group launches from a new template; running instances keep theirs until a roll."))
    if not lines:
        lines.append("No launch template or auto-scaling group changes: running instances are not touched.")
    return lines


def text(report: Report) -> str:
    lines = [f"kopsgen's Terraform for {report.cluster}, compared with {report.compared_with}:", ""]
    for c in report.changes:
        if c.action == UNCHANGED:
            continue
        change = ResourceChange(c.action, c.address, c.address, [], c.forced_by)
        head = resource_lines(change)[0]
        if c.data_bearing and c.action in (REPLACE, DELETE):
            head += f"  <- DATA-BEARING: {c.data_bearing}"
        if c.uncertain:
            head += "  (may stay unchanged: its new value is known only when terraform plans)"
        lines.append(head)
        lines += [f"    {a}" for a in c.attributes[:12]]
        if len(c.attributes) > 12:
            lines.append(f"    ... and {len(c.attributes) - 12} more")
    counts = ", ".join(f"{report.count(a)} {label}" for a, label in (
        (UNCHANGED, "unchanged"), (UPDATE, "to update in place"), (CREATE, "to create"), (REPLACE, "to replace"),
        (DELETE, "to delete")))
    lines += ["", f"Resources: {counts}.", "", "Running machines:"] + [f"  {m}" for m in report.machines]
    if report.assumptions:
        lines += ["", "Assumed (lookups terraform makes when it plans; check them, or run terraform plan):"]
        lines += [f"  {a}" for a in report.assumptions]
    if report.data_loss:
        lines += ["", f"{len(report.data_loss)} data-bearing resource(s) would be replaced or deleted "
                      f"(exit code {DATA_LOSS_EXIT_CODE}):"]
        lines += [f"  {SYMBOLS[c.action]} {c.address}: {c.data_bearing}"
                  + (f" ({'; '.join(c.forced_by)})" if c.forced_by else "") for c in report.data_loss]
        lines.append("Set the spec field that keeps each one as it is (see docs/migrating-from-kops.md) and run "
                     "kopsgen migrate again.")
    else:
        lines += ["", "No data-bearing resource is replaced or deleted."]
    return "\n".join(lines) + "\n"
