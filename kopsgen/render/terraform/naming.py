"""Terraform labels: the `<label>` of `resource "<type>" "<label>"`, derived from a resource's kops name
(kopsgen/ir/naming.py), as kops's Terraform writer derives them, so that a team moving from kops keeps
the same Terraform addresses: `.` -> `-`, `/` -> `--` and `:` -> `_`, and a `prefix_` before a leading digit.
"""

from __future__ import annotations

import re


def terraform_label(name: str) -> str:
    if name[:1].isdigit():
        name = f"prefix_{name}"
    return name.replace(".", "-").replace("/", "--").replace(":", "_")


def etcd_volume_label(name: str) -> str:
    """kops's label of an etcd volume: a leading digit gets `ebs-`, not the usual `prefix_`."""
    return terraform_label(f"ebs-{name}" if name[:1].isdigit() else name)


def image_lookup_label(name: str) -> str:
    """The label of an image (or SSM parameter) lookup, from the image as the spec writes it."""
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
    return f"prefix_{label}" if label[:1].isdigit() else label


def vpc_cidr_block_label(name: str) -> str:
    """`cidr-<CIDR>` of an additional VPC CIDR block (`10.1.0.0/16` -> `cidr-10-1-0-0--16`)."""
    return "cidr-" + name.replace(".", "-").replace("/", "--")


def key_pair_file_name(key_name: str) -> str:
    """kops drops the fingerprint's colons from the key pair's label and from its data file's name."""
    return key_name.replace(":", "")
