"""EC2 instance types: the CPU architecture a machine type runs, and the one an image name says.

Where the facts come from: AWS's EC2 documentation, "Amazon EC2 instance type naming conventions"
(a type is a family and a size, `c7gn.xlarge`; the family is a series, a generation and attribute
letters, and the attribute `g` means AWS Graviton, an arm64 processor) and its list of Graviton-based
instance types, which also has the one Graviton family without that letter, the first: a1. The size
part (nano ... 48xlarge, metal) is checked by the InstanceGroup schema (machineType).

An image's architecture is read from its name (`ubuntu-noble-24.04-arm64-server-...`,
`al2023-ami-...-x86_64`), the way AMI names spell it; an AMI ID (`ami-0123...`) says nothing, and
is not checked.
"""

from __future__ import annotations

import re

# The Graviton (arm64) families, from AWS's list. A family not listed follows the naming convention.
ARM64_FAMILIES = frozenset({
    "a1",
    "c6g", "c6gd", "c6gn", "c7g", "c7gd", "c7gn", "c8g", "c8gd", "c8gn",
    "g5g", "hpc7g",
    "i4g", "i8g", "i8ge", "im4gn", "is4gen",
    "m6g", "m6gd", "m7g", "m7gd", "m8g", "m8gd",
    "r6g", "r6gd", "r7g", "r7gd", "r8g", "r8gd",
    "t4g",
    "x2gd", "x8g",
    "mac2", "mac2-m1ultra", "mac2-m2", "mac2-m2pro",   # Apple silicon
    "p6e-gb200",                                        # NVIDIA Grace
})

# series, generation, attributes (and options after a dash: c7i-flex, mac2-m2pro)
_FAMILY = re.compile(r"^([a-z]+)(\d+)([a-z]*)(-[a-z0-9]+)?$")

# how AMI names spell each architecture, as a word of its own
_IMAGE_ARCHITECTURES = (
    ("arm64", re.compile(r"(?<![a-z0-9])(arm64|aarch64)(?![a-z0-9])")),
    ("amd64", re.compile(r"(?<![a-z0-9])(amd64|x86_64|x86-64)(?![a-z0-9])")),
)


def architecture(machine_type: str) -> str | None:
    """`arm64` or `amd64` for an instance type, None when its family's name does not tell."""
    family = machine_type.split(".", 1)[0]
    if family in ARM64_FAMILIES:
        return "arm64"
    m = _FAMILY.match(family)
    if not m:
        return None   # u-6tb1, p6e-gb200: no series-generation-attributes name
    return "arm64" if "g" in m.group(3) else "amd64"


def machine_architecture(machine_type: str) -> str:
    """The architecture to choose an image for: amd64 unless the type is known to be arm64."""
    return architecture(machine_type) or "amd64"


def image_architecture(image: str) -> str | None:
    """The architecture an image's name says, None when it says none or both."""
    found = {arch for arch, word in _IMAGE_ARCHITECTURES if word.search(image.lower())}
    return found.pop() if len(found) == 1 else None
