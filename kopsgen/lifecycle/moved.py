"""Moved, not destroyed: the `moved` blocks `update cluster` writes when a resource's Terraform address changes
between two renders of the same cluster (a layout switch between flat and module, or a kopsgen upgrade that
renames a label).

A resource keeps its identity across renders as its IR kind and kops name (the record's `source`), so a managed
resource whose source is at another address than in the last recorded render, of the same Terraform type, has
moved. The moves are kept in the render record and written again on every later render (HashiCorp's advice: a
`moved` block stays until every state has moved), into `moved.tf` (or `moved.tf.json`) at the root of the
output, the folder `terraform apply` runs in.
"""

from __future__ import annotations

import json

from kopsgen.lifecycle.snapshot import Snapshot
from kopsgen.render.description import RESOURCE

Move = tuple[str, str]   # (from, to) addresses
FILE = {"hcl": "moved.tf", "json": "moved.tf.json"}
HEADER = ("Written by kopsgen update cluster: these resources' addresses changed since an earlier render; "
          "Terraform moves their state instead of destroying and creating them. Keep this file.")


def derive(old: Snapshot | None, new: Snapshot) -> list[Move]:
    """The moves from the last recorded render to this one: same source, same type, another address."""
    if old is None:
        return []
    before = {e.source: e for e in old.resources.values() if e.role == RESOURCE and e.source}
    moves = []
    for entry in new.resources.values():
        was = before.get(entry.source) if entry.role == RESOURCE and entry.source else None
        if was is not None and was.address != entry.address and was.type == entry.type \
                and was.address not in new.resources and entry.address not in old.resources:
            moves.append((was.address, entry.address))
    return sorted(moves)


def carry(earlier: tuple[Move, ...], moves: list[Move], addresses: set[str]) -> tuple[Move, ...]:
    """The moves to write now: the earlier renders' moves and this render's, no move back and forth (a cycle
    Terraform refuses), each ending at an address this render has."""
    kept: dict[str, str] = dict(earlier)
    for source, target in moves:
        kept.pop(target, None)                        # the earlier move out of `target` would make a cycle
        for f in [f for f, t in kept.items() if t == target]:
            del kept[f]                               # one move into an address (Terraform: ambiguous otherwise)
        kept[source] = target

    def end(address: str) -> str:
        seen = {address}
        while address in kept and kept[address] not in seen:
            address = kept[address]
            seen.add(address)
        return address

    return tuple(sorted((f, t) for f, t in kept.items() if f != t and end(t) in addresses))


def render(moves: tuple[Move, ...], fmt: str) -> bytes:
    """moved.tf (HCL) or moved.tf.json."""
    if fmt == "json":
        doc = {"//": HEADER, "moved": [{"from": f, "to": t} for f, t in moves]}
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
    from kopsgen.render.terraform.hcl import Static, TopLevel, to_hcl

    return to_hcl([TopLevel("moved", (), {"from": Static(f), "to": Static(t)}) for f, t in moves], [HEADER]).encode()
