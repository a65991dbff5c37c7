"""Resolving an image by name at deploy time, for the image families that publish public SSM parameters.

Terraform finds an AMI by owner and name at plan time (`data "aws_ami"`). A template cannot search
images, but CloudFormation reads SSM parameters at deploy time, and several distributions publish
the ID of their current image as one. For those families the image becomes a parameter of type
`AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` defaulting to that public parameter: the stack
gets the family's current image (same release, architecture and volume type), not necessarily the
build the name pins. Any other image is an `AWS::EC2::Image::Id` parameter the user fills.

The same table knows each family's root device name, which Terraform reads from the image and a
template cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CANONICAL = "099720109477"
AMAZON = "137112412989"
DEBIAN = "136693071363"

ROOT_SDA1 = "/dev/sda1"
ROOT_XVDA = "/dev/xvda"


@dataclass(frozen=True)
class ImageFamily:
    ssm_parameter: str | None      # the public parameter holding the family's current image ID
    root_device: str | None


@dataclass(frozen=True)
class _Rule:
    owner: str
    pattern: re.Pattern
    ssm: str | None               # format string over the pattern's groups
    root_device: str


_RULES = (
    # Canonical: ubuntu-<codename>-<release>-<arch>-server-<date>, under hvm-ssd (gp2) or hvm-ssd-gp3
    _Rule(CANONICAL, re.compile(r"(?:^|/)hvm-ssd(?P<gp3>-gp3)?/ubuntu-[a-z]+-(?P<release>\d\d\.\d\d)-"
                                r"(?P<arch>amd64|arm64)-server-"),
          "/aws/service/canonical/ubuntu/server/{release}/stable/current/{arch}/hvm/ebs-{volume}/ami-id", ROOT_SDA1),
    _Rule(AMAZON, re.compile(r"^al2023-ami-(?P<minimal>minimal-)?2023\.[0-9.*]+-kernel-(?P<kernel>[0-9.]+)-"
                             r"(?P<arch>x86_64|arm64)$"),
          "/aws/service/ami-amazon-linux-latest/al2023-ami-{minimal}kernel-{kernel}-{arch}", ROOT_XVDA),
    _Rule(AMAZON, re.compile(r"^amzn2-ami-kernel-(?P<kernel>[0-9.]+)-hvm-[0-9.*]+-(?P<arch>x86_64|arm64)-gp2$"),
          "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-{kernel}-hvm-{arch}-gp2", ROOT_XVDA),
    _Rule(AMAZON, re.compile(r"^bottlerocket-(?P<variant>aws-k8s-[0-9.]+(?:-nvidia)?)-(?P<arch>x86_64|aarch64)-"),
          "/aws/service/bottlerocket/{variant}/{arch}/latest/image_id", ROOT_XVDA),
    _Rule(DEBIAN, re.compile(r"^debian-(?P<version>\d+)-(?P<arch>amd64|arm64)-"),
          "/aws/service/debian/release/{version}/latest/{arch}", ROOT_XVDA),
)

# SSM parameter paths whose family is known, for `ssm:` images the spec names directly
_SSM_ROOTS = (("/aws/service/canonical/", ROOT_SDA1), ("/aws/service/ami-amazon-linux-latest/", ROOT_XVDA),
              ("/aws/service/debian/", ROOT_XVDA), ("/aws/service/bottlerocket/", ROOT_XVDA))


def family_of(owners: tuple[str, ...], name_pattern: str) -> ImageFamily:
    for rule in _RULES:
        if rule.owner not in owners:
            continue
        match = rule.pattern.search(name_pattern)
        if match is None:
            continue
        groups = {k: v or "" for k, v in match.groupdict().items()}
        groups["volume"] = "gp3" if groups.get("gp3") else "gp2"
        return ImageFamily(rule.ssm.format(**groups) if rule.ssm else None, rule.root_device)
    return ImageFamily(None, None)


def root_device_of_ssm(parameter: str) -> str | None:
    for prefix, root in _SSM_ROOTS:
        if parameter.startswith(prefix):
            return root
    return None
