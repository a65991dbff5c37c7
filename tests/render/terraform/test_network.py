"""Network resources render to Terraform that `terraform validate` accepts and that carries kops's addresses."""

from __future__ import annotations

import ipaddress
import json

import pytest

from kopsgen import pipeline
from tests.support import hcl, spec_edit, terraform
from tests.support.paths import REFERENCE, case_input
from tests.support.sessions import session

NETWORK_TYPES = ("aws_vpc", "aws_subnet", "aws_route_table", "aws_route_table_association", "aws_route",
                 "aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip",
                 "aws_vpc_dhcp_options", "aws_vpc_dhcp_options_association", "aws_vpc_ipv4_cidr_block_association")


def _network_addresses(resources: dict) -> set[str]:
    return {a for a in resources if a.split(".")[0] in NETWORK_TYPES}


def test_network_addresses_match_kops(case):
    spec = pipeline.load_spec([case_input(case)])
    ours = hcl.resources(hcl.parse(pipeline.render(session(spec), "terraform")["kubernetes.tf"].decode()))
    kops = hcl.resources(hcl.parse_file(REFERENCE / case / "kubernetes.tf"))
    assert _network_addresses(ours) == _network_addresses(kops)
    for address in _network_addresses(kops):
        for attr in ("cidr_block", "ipv6_cidr_block", "availability_zone", "destination_cidr_block",
                     "destination_ipv6_cidr_block", "domain_name", "tags"):
            assert ours[address].get(attr) == kops[address].get(attr), (address, attr)


# ---------------------------------------------------------------- outputs derived from others


def _locals(text: str) -> dict:
    return {k: v for block in hcl.parse(text).get("locals", []) for k, v in block.items()}


def test_vpc_ipv6_cidr_length_is_written_as_kops_writes_it(case):
    """The local and the output carry kops's own expression (compared as python-hcl2 reads both)."""
    ours = pipeline.render(session(pipeline.load_spec([case_input(case)])), "terraform")["kubernetes.tf"].decode()
    kops = (REFERENCE / case / "kubernetes.tf").read_text()
    assert _locals(ours)["vpc_ipv6_cidr_length"] == _locals(kops)["vpc_ipv6_cidr_length"]
    outputs = {k: v for block in hcl.parse(ours)["output"] for k, v in block.items()}
    assert outputs["vpc_ipv6_cidr_length"]["value"] == _locals(kops)["vpc_ipv6_cidr_length"]


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
@pytest.mark.parametrize("block,length", [("2600:1f18:6ab:a400::/56", "56"), ("2001:db8::/44", "44"),
                                          ("", "null")])  # a shared VPC without an IPv6 block
def test_vpc_ipv6_cidr_length_evaluates_in_terraform(tmp_path, block, length):
    """Terraform itself evaluates our expression, with the VPC's block replaced by a literal."""
    rendered = pipeline.render(session(pipeline.load_spec([case_input("minimal-1.36")])), "terraform")["kubernetes.tf"]
    [line] = [x for x in rendered.decode().splitlines() if x.strip().startswith("vpc_ipv6_cidr_length ")]
    (tmp_path / "main.tf").write_text(f'locals {{\n  vpc_ipv6_cidr_block = "{block}"\n{line}\n}}\n')
    result = terraform.run(tmp_path, "console", "-no-color", stdin="local.vpc_ipv6_cidr_length\n")
    assert result.stdout.strip() == length


# ---------------------------------------------------------------- IPv6 blocks carved from the VPC's (/64#N)

def _carved(docs: list[dict]) -> None:
    """minimal-ipv6 with kops's `/64#N` notation instead of literal IPv6 CIDRs (N is hexadecimal)."""
    for i, subnet in enumerate(docs[0]["spec"]["subnets"]):
        subnet["ipv6CIDR"] = f"/64#{i + 0x10:x}"


@pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")
def test_a_carved_ipv6_block_is_the_vpc_blocks_nth_64(tmp_path):
    """`/64#11` is the 0x11-th /64 of the VPC's range: Terraform evaluates our expression, with the VPC's block
    replaced by a literal, to the block Python's ipaddress computes."""
    spec = spec_edit.edited_spec("minimal-ipv6", tmp_path / "spec", _carved)
    text = pipeline.render(session(spec), "terraform")["kubernetes.tf"].decode()
    subnets = {a: r for a, r in hcl.resources(hcl.parse(text)).items() if a.startswith("aws_subnet.")}
    expressions = sorted(r["ipv6_cidr_block"] for r in subnets.values())
    assert expressions[0] == "${cidrsubnet(local.vpc_ipv6_cidr_block, 64 - local.vpc_ipv6_cidr_length, 16)}"
    vpc_block = "2600:1f18:6ab:a400::/56"
    [length] = [x for x in text.splitlines() if x.strip().startswith("vpc_ipv6_cidr_length ")]
    (tmp_path / "main.tf").write_text(f'locals {{\n  vpc_ipv6_cidr_block = "{vpc_block}"\n{length}\n}}\n')
    asked = "jsonencode([" + ", ".join(e[2:-1] for e in expressions) + "])\n"
    result = terraform.run(tmp_path, "console", "-no-color", stdin=asked)
    blocks = list(ipaddress.ip_network(vpc_block).subnets(new_prefix=64))
    assert json.loads(json.loads(result.stdout)) == [str(blocks[16 + i]) for i in range(len(subnets))]
