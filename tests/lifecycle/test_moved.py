"""lifecycle/moved.py and the preview's moves: the moves derived from two render records, carried from one
record to the next without cycles, and the plan showing them as moves, not as deletes and creates."""

from __future__ import annotations

from kopsgen.lifecycle import moved
from kopsgen.lifecycle.plan import MOVE, compare, preview
from kopsgen.lifecycle.snapshot import Entry, Snapshot
from kopsgen.render.description import LOOKUP


def _snapshot(*entries: Entry, moves=()) -> Snapshot:
    return Snapshot("c.example.com", "terraform", "hcl", "s3://b/c.example.com", {e.address: e for e in entries}, {},
                    moved=tuple(moves))


def _vpc(address: str, cidr: str = "10.0.0.0/16") -> Entry:
    return Entry(address, "aws_vpc", address, "Vpc:c.example.com", {"cidr_block": cidr})


def test_a_resource_at_a_new_address_with_the_same_source_and_type_moves():
    old = _snapshot(_vpc("aws_vpc.c-example-com"),
                    Entry("aws_subnet.a", "aws_subnet", "aws_subnet.a", "Subnet:a", {}),
                    Entry("data.aws_ami.x", "aws_ami", "data.aws_ami.x", "Image:x", {}, role=LOOKUP))
    new = _snapshot(_vpc("module.cluster.aws_vpc.c-example-com"),
                    Entry("aws_subnet.b", "aws_subnet", "aws_subnet.b", "Subnet:b", {}),         # another subnet
                    Entry("module.cluster.data.aws_ami.x", "aws_ami", "module.cluster.data.aws_ami.x", "Image:x", {},
                          role=LOOKUP))                                                       # a lookup never moves
    assert moved.derive(old, new) == [("aws_vpc.c-example-com", "module.cluster.aws_vpc.c-example-com")]
    assert moved.derive(None, new) == []


def test_moves_are_carried_and_a_move_back_replaces_the_move_out():
    there = moved.carry((), [("aws_vpc.x", "module.cluster.aws_vpc.x")], {"module.cluster.aws_vpc.x"})
    assert there == (("aws_vpc.x", "module.cluster.aws_vpc.x"),)
    assert moved.carry(there, [], {"module.cluster.aws_vpc.x"}) == there            # kept on the next render
    back = moved.carry(there, [("module.cluster.aws_vpc.x", "aws_vpc.x")], {"aws_vpc.x"})
    assert back == (("module.cluster.aws_vpc.x", "aws_vpc.x"),)                      # no cycle
    renamed = ("module.cluster.aws_vpc.x", "module.cluster.aws_vpc.y")   # then a label renamed: a chain
    assert moved.carry(there, [renamed], {renamed[1]}) == (("aws_vpc.x", "module.cluster.aws_vpc.x"), renamed)
    assert moved.carry(there, [], {"aws_vpc.other"}) == ()                            # its resource is gone


def test_the_plan_shows_moves_and_a_moved_resource_that_changes_as_an_update():
    old = _snapshot(_vpc("aws_vpc.x"))
    new = _snapshot(_vpc("module.cluster.aws_vpc.x"), moves=[("aws_vpc.x", "module.cluster.aws_vpc.x")])
    plan = compare(old, new)
    assert [(c.action, c.address) for c in plan.resources] == [(MOVE, "module.cluster.aws_vpc.x")]
    text = preview(plan)
    assert "-> module.cluster.aws_vpc.x (moved from aws_vpc.x)" in text and "1 to move, 0 to create" in text
    changed = _snapshot(_vpc("module.cluster.aws_vpc.x", "10.1.0.0/16"), moves=new.moved)
    assert compare(old, changed).resources[0].action != MOVE


def test_moved_blocks_are_written_in_both_formats():
    moves = (("aws_vpc.x", "module.cluster.aws_vpc.x"),)
    hcl = moved.render(moves, "hcl").decode()
    assert "moved {\n  from = aws_vpc.x\n  to   = module.cluster.aws_vpc.x\n}\n" in hcl
    assert b'"moved": [\n    {\n      "from": "aws_vpc.x"' in moved.render(moves, "json")
