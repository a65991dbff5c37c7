"""The AWS regions kopsgen knows, and the letters of their availability zones.

AWS refuses a subnet in a zone that does not exist only at apply time; kopsgen refuses it when it reads
the spec. Where the facts come from:
- the regions: the partitions of the AWS SDK's endpoint table (botocore's data/endpoints.json, 1.44):
  commercial (`aws`), GovCloud (`aws-us-gov`), China (`aws-cn`), the European Sovereign Cloud
  (`aws-eusc`) and the isolated partitions (`aws-iso*`);
- the zone letters: the zones moto (5.2) emulates for each region, which follow AWS's zone IDs
  (use1-az1 ... az6 are us-east-1a to f, and so on).
Be conservative: a zone's letter is mapped to a zone ID per AWS account, and some accounts see letters
others do not (us-west-1 shows two of a, b and c; old accounts keep ap-northeast-1b). Where that is
known, or where the letters are not known at all, the table accepts more (a to f) rather than refuse a
zone that exists.

Local Zones are named after their parent region (`us-east-1-bos-1a`): kopsgen accepts any such name in a
known region without checking that the place exists (there are many, and they change often). Wavelength
Zone names (`us-east-1-wl1-bos-wlz-1`) pass here too, but the Cluster schema's zone pattern refuses them:
a subnet there needs a carrier gateway, which kops does not build.
"""

from __future__ import annotations

import re

_ABC = "abc"
_UNSURE = "abcdef"

# region -> the letters of its availability zones
ZONE_LETTERS: dict[str, str] = {
    # commercial
    "af-south-1": _ABC,
    "ap-east-1": _ABC,
    "ap-east-2": _ABC,
    "ap-northeast-1": "abcd",        # a, c, d; b only in old accounts
    "ap-northeast-2": "abcd",
    "ap-northeast-3": _ABC,
    "ap-south-1": _ABC,
    "ap-south-2": _ABC,
    "ap-southeast-1": _ABC,
    "ap-southeast-2": _ABC,
    "ap-southeast-3": _ABC,
    "ap-southeast-4": _ABC,
    "ap-southeast-5": _ABC,
    "ap-southeast-6": _ABC,
    "ap-southeast-7": _ABC,
    "ca-central-1": "abcd",          # a, b, d
    "ca-west-1": _ABC,
    "eu-central-1": _ABC,
    "eu-central-2": _ABC,
    "eu-north-1": _ABC,
    "eu-south-1": _ABC,
    "eu-south-2": _ABC,
    "eu-west-1": _ABC,
    "eu-west-2": _ABC,
    "eu-west-3": _ABC,
    "il-central-1": _ABC,
    "me-central-1": _ABC,
    "me-south-1": _ABC,
    "mx-central-1": _ABC,
    "sa-east-1": _ABC,
    "us-east-1": "abcdef",
    "us-east-2": _ABC,
    "us-west-1": _ABC,               # two of a, b, c, depending on the account
    "us-west-2": "abcd",
    # GovCloud
    "us-gov-east-1": _ABC,
    "us-gov-west-1": _ABC,
    # China
    "cn-north-1": "abcd",            # a, b, d
    "cn-northwest-1": _ABC,
    # European Sovereign Cloud and the isolated partitions: zone letters not published
    "eusc-de-east-1": _UNSURE,
    "eu-isoe-west-1": _UNSURE,
    "us-iso-east-1": _UNSURE,
    "us-iso-west-1": _UNSURE,
    "us-isob-east-1": _UNSURE,
    "us-isob-west-1": _UNSURE,
    "us-isof-east-1": _UNSURE,
    "us-isof-south-1": _UNSURE,
    # not AWS: the region kops's own tests mock (its reference cases use us-test-1a to c)
    "us-test-1": _ABC,
}

# A zone is its region and a letter; a Local or Wavelength Zone is its region, a dash and a place.
_LOCAL_ZONE = re.compile(r"^-[a-z0-9]+(-[a-z0-9]+)*$")


def zone_problem(zone: str) -> str | None:
    """Why AWS has no zone of that name, or None when it may have one."""
    region = next((r for r in sorted(ZONE_LETTERS, key=len, reverse=True) if zone.startswith(r)), None)
    rest = zone[len(region):] if region else ""
    if region is None or re.fullmatch(r"\d+[a-z]?", rest):   # eu-west-9z; eu-west-12a (not eu-west-1 + "2a")
        guess = zone[:-1] if zone[-1:].isalpha() else zone
        return (f"zone {zone} is not in any AWS region kopsgen knows ({guess} is not one; a zone is a region "
                f"and a letter, such as eu-west-1a)")
    letters = ZONE_LETTERS[region]
    if (len(rest) == 1 and rest in letters) or _LOCAL_ZONE.match(rest):
        return None  # a zone of the region, or one of its Local or Wavelength Zones
    return f"AWS region {region} has no zone {zone} (its zones: {', '.join(region + x for x in letters)})"
