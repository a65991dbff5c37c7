"""Compare two snapshots of a cluster's render and say, resource by resource, what would change.

    +    create          a resource (or output, setting) the last render did not have
    <=   read            a lookup (Terraform data source) that is new or changed: read when the plan is made
    ~    update          same address, attributes changed in place
    -/+  replace         same address, but a change AWS cannot make in place (lifecycle/replacement.py),
                         or a reference in such a field to a resource being replaced
    -    delete          the last render had it, this one does not
    ->   move            the same resource at a new address (lifecycle/moved.py: a `moved` block), unchanged;
                         moved and changed shows as `~` or `-/+` at the new address, "moved from" the old

A resource can also change without its own attributes changing: a field that refers to a replaced
resource gets the new resource's ID, and a field that follows another resource's latest version (an
auto-scaling group's launch template) changes when that resource does. Those show as `~` (or `-/+`
when the field forces a replacement) with the reason in brackets, as `terraform plan` would show them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kopsgen.lifecycle import replacement
from kopsgen.lifecycle.snapshot import HASH_REF, Entry, Snapshot
from kopsgen.render.description import LOOKUP, RESOURCE, SETTING
from kopsgen.state import layout

CREATE, UPDATE, REPLACE, DELETE, READ, MOVE = "create", "update", "replace", "delete", "read", "move"
SYMBOLS = {CREATE: "+", UPDATE: "~", REPLACE: "-/+", DELETE: "-", READ: "<=", MOVE: "->"}
COLOURS = {CREATE: "green", UPDATE: "yellow", REPLACE: "magenta", DELETE: "red", READ: "cyan", MOVE: "blue"}
ABSENT = object()


@dataclass(frozen=True)
class AttributeChange:
    name: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.name} {_show(self.old)} -> {_show(self.new)}"


@dataclass
class ResourceChange:
    action: str
    address: str
    title: str
    attributes: list[AttributeChange] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)   # why, when it is not only its own attributes
    role: str = RESOURCE
    kind: str | None = None                             # the IR kind it is made from (`EbsVolume`), if any


@dataclass(frozen=True)
class FileChange:
    action: str                # create, update, delete
    key: str
    old: str | None = None     # the content hashes ("sha256:<hex>") before and after, when there is one
    new: str | None = None


@dataclass
class Plan:
    resources: list[ResourceChange]
    files: list[FileChange]
    notes: list[str]
    files_location: str
    texts: dict[str, str] = field(default_factory=dict)   # content hash -> text, of both renders (snapshot.contents)

    @property
    def changed(self) -> bool:
        return bool(self.resources or self.files or self.notes)

    def count(self, action: str) -> int:
        """Changes to resources (not lookups, outputs or settings), as `terraform plan` counts them."""
        return sum(1 for c in self.resources if c.action == action and c.role == RESOURCE)


def compare(old: Snapshot | None, new: Snapshot) -> Plan:
    before = old.resources if old else {}
    after = new.resources
    changes: dict[str, ResourceChange] = {}
    # a moved block pairs an address of the last render with one of this render: compared as one resource
    moves = {t: f for f, t in new.moved if f in before and t in after and f not in after and t not in before}
    for target, source in sorted(moves.items()):
        change = _in_place(before[source], after[target])
        if change is None:
            change = ResourceChange(MOVE, target, after[target].title)
        change.reasons.insert(0, f"moved from {before[source].title}")
        changes[target] = change
    moved_from = set(moves.values())
    for address in sorted(set(before) | set(after)):
        if address in moves or address in moved_from:
            continue
        if address not in before:
            changes[address] = ResourceChange(CREATE, address, after[address].title)
        elif address not in after:
            changes[address] = ResourceChange(DELETE, address, before[address].title)
        else:
            change = _in_place(before[address], after[address])
            if change:
                changes[address] = change
    _knock_on(before, after, changes, set(moves))
    for address, change in list(changes.items()):
        entry = after.get(address) or before[address]
        change.role, change.kind = entry.role, entry.kind
        if entry.role == LOOKUP:   # a lookup is read when the plan is made; dropping one destroys nothing
            if change.action == DELETE:
                del changes[address]
            else:
                change.action = READ
    ordered = sorted(changes.values(), key=lambda c: (c.role == SETTING, c.address))
    return Plan(ordered, _files(old, new), _notes(old, new), new.config_base,
                {**(old.contents if old else {}), **new.contents})


def _in_place(old: Entry, new: Entry) -> ResourceChange | None:
    attributes = [AttributeChange(k, old.attributes.get(k, ABSENT), new.attributes.get(k, ABSENT))
                  for k in sorted(set(old.attributes) | set(new.attributes))
                  if old.attributes.get(k, ABSENT) != new.attributes.get(k, ABSENT)]
    if old.kind != new.kind or old.type != new.type:
        return ResourceChange(REPLACE, new.address, new.title, attributes, [f"now made from a {new.kind or new.type}"])
    forcing = sorted(k for k in set(old.replaced_when_changed) | set(new.replaced_when_changed)
                     if old.replaced_when_changed.get(k, ABSENT) != new.replaced_when_changed.get(k, ABSENT))
    if forcing:
        return ResourceChange(REPLACE, new.address, new.title, attributes,
                              [f"{', '.join(forcing)} {'forces' if len(forcing) == 1 else 'force'} replacement"])
    if attributes:
        return ResourceChange(UPDATE, new.address, new.title, attributes)
    return None


def _knock_on(before: dict[str, Entry], after: dict[str, Entry], changes: dict[str, ResourceChange],
              moved: set[str] = frozenset()) -> None:
    """Changes that follow from references: replacements first (to a fixed point), then updates."""
    by_source: dict[str, list[str]] = {}
    for address, entry in after.items():
        if entry.source:
            by_source.setdefault(entry.source, []).append(address)

    def sources(actions: tuple[str, ...]) -> set[str]:
        return {after[a].source for a, c in changes.items() if c.action in actions and a in after and after[a].source}

    def title(source: str) -> str:   # the address alone: short, and the same on every target
        return sorted(by_source[source])[0]

    # what can be updated or replaced as a consequence (a moved resource too, at its new address)
    survivors = [a for a in sorted(after) if a in before or a in moved]
    grew = True
    while grew:
        grew = False
        replaced = sources((REPLACE,))
        for address in survivors:
            entry, change = after[address], changes.get(address)
            if change and change.action == REPLACE:
                continue
            hits = [(f, t) for f, t in entry.references
                    if t in replaced and replacement.forces_replacement(entry.kind, f)]
            if hits:
                reasons = [f"{f}: refers to replaced {title(t)}" for f, t in hits]
                if change and change.action == MOVE:
                    reasons = change.reasons + reasons
                changes[address] = ResourceChange(REPLACE, address, entry.title,
                                                  change.attributes if change else [], reasons)
                grew = True
    replaced, changed = sources((REPLACE,)), sources((REPLACE, UPDATE))
    for address in survivors:
        entry, change = after[address], changes.get(address)
        if change and change.action == REPLACE:
            continue
        reasons = []
        for f, t in entry.references:
            if t in replaced:
                reasons.append(f"{f}: refers to replaced {title(t)}")
            elif t in changed and replacement.follows_updates(entry.kind, f):
                reasons.append(f"{f}: follows updated {title(t)}")
        if reasons:
            change = changes.setdefault(address, ResourceChange(UPDATE, address, entry.title))
            change.reasons.extend(reasons)
            if change.action == MOVE:
                change.action = UPDATE


def _files(old: Snapshot | None, new: Snapshot) -> list[FileChange]:
    before = old.state_files if old and old.config_base == new.config_base else {}
    after = new.state_files
    out = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            out.append(FileChange(CREATE, key, None, after[key]))
        elif key not in after:
            if not key.startswith(layout.SECRET_FOLDERS):  # a CA is never deleted: old certificates stay trusted
                out.append(FileChange(DELETE, key, before[key], None))
        elif before[key] != after[key]:
            out.append(FileChange(UPDATE, key, before[key], after[key]))
    return out


def _notes(old: Snapshot | None, new: Snapshot) -> list[str]:
    if old is None:
        return []
    notes = []
    if old.format != new.format:
        notes.append(f"the output format changes from {old.format} to {new.format}")
    if old.config_base != new.config_base:
        notes.append(f"the config base moves from {old.config_base} to {new.config_base}: every state-store "
                     "file is written there")
    return notes


# --- the preview, as text ------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is ABSENT:
        return "(none)"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _style(text: str, action: str, colour: bool) -> str:
    if not colour:
        return text
    import click

    return click.style(text, fg=COLOURS[action], bold=True if action == REPLACE else None)


def resource_lines(change: ResourceChange, colour: bool = False, texts: dict[str, str] | None = None,
                   verbose: bool = False) -> list[str]:
    """`~ address: attr old -> new` for one attribute; else the address (with the reasons in brackets)
    and one indented line per attribute. An attribute that is the hash of a file or a long string (user data,
    a policy) is followed by what changed in that text: a count of lines, and with `verbose` the diff."""
    head = f"{_style(SYMBOLS[change.action], change.action, colour)} {change.title}"
    if change.reasons:
        head += f" ({'; '.join(change.reasons)})"
    if change.action in (CREATE, DELETE, READ, MOVE) or not change.attributes:
        return [head]
    lines = [f"{head}: {change.attributes[0]}"] if len(change.attributes) == 1 else [head]
    for a in change.attributes:
        if len(change.attributes) > 1:
            lines.append(f"    {a}")
        old, new = _hash_in(a.old), _hash_in(a.new)
        if old and new:
            lines += _text_change(a.name, old, new, texts or {}, "      ", colour, verbose)
    return lines


def file_lines(change: FileChange, colour: bool = False, texts: dict[str, str] | None = None,
               verbose: bool = False) -> list[str]:
    """`  ~ key`, with a count of the lines that change (and with `verbose` the diff) for an update."""
    head = f"  {_style(SYMBOLS[change.action], change.action, colour)} {change.key}"
    if change.action != UPDATE or not change.old or not change.new:
        return [head]
    counted, *diff = _text_change(change.key, change.old, change.new, texts or {}, "      ", colour, verbose)
    return [f"{head}: {counted.strip().removeprefix(change.key + ': ')}", *diff]


def has_text_changes(plan: Plan) -> bool:
    """Whether the preview counts changed lines somewhere (which -v would show as a diff)."""
    return any(f.action == UPDATE and f.old and f.new for f in plan.files) or any(
        _hash_in(a.old) and _hash_in(a.new) for c in plan.resources if c.action in (UPDATE, REPLACE)
        for a in c.attributes)


def _hash_in(value: Any) -> str | None:
    """The content hash an attribute's value shows (`file(sha256:...)`, `<N characters, sha256:...>`), if one."""
    found = HASH_REF.findall(value) if isinstance(value, str) else []
    return found[0] if len(found) == 1 else None


DIFF_CONTEXT = 3   # lines of context around each change, as `diff -u`


def _text_change(name: str, old: str, new: str, texts: dict[str, str], indent: str, colour: bool,
                 verbose: bool) -> list[str]:
    """`name: N lines added, M removed`, then with `verbose` the unified diff of the two texts, indented."""
    import difflib

    if old not in texts or new not in texts:
        return [f"{indent}{name}: the previous text is not in the render record (recorded from now on)"]
    before, after = _readable(texts[old]).splitlines(), _readable(texts[new]).splitlines()
    diff = list(difflib.unified_diff(before, after, f"{name} (last written)", f"{name} (this render)",
                                     n=DIFF_CONTEXT, lineterm=""))
    added = sum(1 for line in diff[2:] if line.startswith("+"))
    removed = sum(1 for line in diff[2:] if line.startswith("-"))
    counted = (f"{indent}{name}: {added} line{'' if added == 1 else 's'} added, "
               f"{removed} line{'' if removed == 1 else 's'} removed")
    if not diff:
        counted = f"{indent}{name}: only the line endings or the encoding differ"
    if not verbose:
        return [counted]
    return [counted] + [(indent + "  " + _diff_style(line, colour)).rstrip() for line in diff]


def _readable(text: str) -> str:
    """Text as a reviewer reads it: base64 (user data as some templates carry it) decoded when it is text."""
    import base64
    import binascii

    compact = "".join(text.split())
    if compact and len(compact) % 4 == 0 and not compact.startswith(("#", "{", "[")):
        try:
            return base64.b64decode(compact, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            pass
    return text


def _diff_style(line: str, colour: bool) -> str:
    if line.startswith(("+++", "---")):
        return line
    if line.startswith("+"):
        return _style(line, CREATE, colour)
    if line.startswith("-"):
        return _style(line, DELETE, colour)
    return line


# etcd's data lives on these volumes (EbsVolume is the only standalone volume kopsgen builds): replacing or
# deleting one loses that member's data, and all of them the cluster's, so update cluster --yes refuses it
# unless told (cli.py: --allow-etcd-volume-replacement).
DATA_LOSING_KINDS = ("EbsVolume",)


def etcd_volume_losses(plan: Plan) -> list[ResourceChange]:
    """The etcd volumes the plan replaces or deletes."""
    return [c for c in plan.resources
            if c.kind in DATA_LOSING_KINDS and c.role == RESOURCE and c.action in (REPLACE, DELETE)]


def loss_lines(losses: list[ResourceChange]) -> list[str]:
    """One line per lost etcd volume: what happens and what forces it (`encrypted false -> true`)."""
    lines = []
    for c in losses:
        if c.action == DELETE:
            lines.append(f"  - {c.title}: deleted (its etcd member is gone from the spec)")
            continue
        forcing = [a for a in c.attributes if a.name.split(".")[-1] in _FORCING_ATTRIBUTES] or c.attributes
        what = "; ".join(c.reasons + [str(a) for a in forcing])
        lines.append(f"  - {c.title}: replaced ({what})")
    return lines


# the rendered attributes (Terraform, CloudFormation) behind EbsVolume's replacement-forcing IR fields
_FORCING_ATTRIBUTES = ("availability_zone", "encrypted", "kms_key_id", "AvailabilityZone", "Encrypted", "KmsKeyId")


def loss_warning(losses: list[ResourceChange]) -> str:
    return "\n".join([f"WARNING: this change destroys etcd data: {len(losses)} etcd volume"
                      f"{'' if len(losses) == 1 else 's'} replaced or deleted (a new volume starts empty):",
                      *loss_lines(losses)])


def summary(plan: Plan) -> str:
    files = {a: sum(1 for f in plan.files if f.action == a) for a in (CREATE, UPDATE, DELETE)}
    moving = f"{plan.count(MOVE)} to move, " if plan.count(MOVE) else ""
    return (f"Resources: {moving}{plan.count(CREATE)} to create, {plan.count(UPDATE)} to update, "
            f"{plan.count(REPLACE)} to replace, {plan.count(DELETE)} to delete. "
            f"State-store files: {files[CREATE]} to create, {files[UPDATE]} to update, {files[DELETE]} to delete.")


def preview(plan: Plan, colour: bool = False, verbose: bool = False) -> str:
    """The whole preview: resources, state-store files, notes, summary. A change of a file or long text
    (user data, a nodeup configuration, a state-store file) shows how many lines change; `verbose` (-v)
    shows the unified diff of each."""
    if not plan.changed:
        return "No changes: the render matches what was last written.\n"
    lines: list[str] = []
    for change in plan.resources:
        lines += resource_lines(change, colour, plan.texts, verbose)
    if plan.files:
        lines += ["", f"State-store files (in {plan.files_location}):"]
        for f in plan.files:
            lines += file_lines(f, colour, plan.texts, verbose)
    if plan.notes:
        lines += [""] + [f"Note: {note}" for note in plan.notes]
    losses = etcd_volume_losses(plan)
    if losses:
        lines += ["", _style(loss_warning(losses), DELETE, colour)]
    lines += ["", summary(plan)]
    return "\n".join(lines) + "\n"
