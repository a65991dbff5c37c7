"""Network resources render to Terraform that `terraform validate` accepts and that carries kops's addresses."""

from __future__ import annotations

import pytest

from kopsgen import pipeline
from kopsgen.output import write_output
from tests.support import hcl, terraform
from tests.support.paths import REFERENCE, case_input

NETWORK_TYPES = ("aws_vpc", "aws_subnet", "aws_route_table", "aws_route_table_association", "aws_route",
                 "aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip",
                 "aws_vpc_dhcp_options", "aws_vpc_dhcp_options_association", "aws_vpc_ipv4_cidr_block_association")


def _network_addresses(resources: dict) -> set[str]:
    return {a for a in resources if a.split(".")[0] in NETWORK_TYPES}


def test_network_addresses_match_kops(case):
    spec = pipeline.load_spec([case_input(case)])
    ours = hcl.resources(hcl.parse(pipeline.render(spec, "terraform")["kubernetes.tf"].decode()))
    kops = hcl.resources(hcl.parse_file(REFERENCE / case / "kubernetes.tf"))
    assert _network_addresses(ours) == _network_addresses(kops)
    for address in _network_addresses(kops):
        for attr in ("cidr_block", "ipv6_cidr_block", "availability_zone", "destination_cidr_block",
                     "destination_ipv6_cidr_block", "domain_name", "tags"):
            assert ours[address].get(attr) == kops[address].get(attr), (address, attr)
