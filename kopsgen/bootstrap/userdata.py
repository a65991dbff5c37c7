"""The bytes an instance receives as user data: the nodeup script, or a MIME multipart archive
when the instance group adds its own parts (`additionalUserData`), within EC2's size limit."""

from __future__ import annotations

import base64

from kopsgen.errors import RenderError
from kopsgen.spec.api import InstanceGroup
from kopsgen.spec.api.instancegroup import UserDataPart

# EC2 refuses launch-template user data over 16 KB once base64-encoded (the form the API carries).
USER_DATA_LIMIT = 16 * 1024

# A fixed boundary keeps the output deterministic; kops uses the same one.
BOUNDARY = "MIMEBOUNDARY"
CRLF = "\r\n"


def combine(ig: InstanceGroup, nodeup_script: str | None) -> bytes:
    """The user data of `ig`: the script alone, or a multipart archive of the script (bastions: no
    script) and the group's additional parts, in their order. Empty when there is nothing to run."""
    parts = [UserDataPart("nodeup.sh", "text/x-shellscript", nodeup_script)] if nodeup_script is not None else []
    parts += list(ig.additional_user_data)
    if not ig.additional_user_data:
        data = (nodeup_script or "").encode()
    else:
        data = _multipart(parts).encode()
    check_size(ig, data)
    return data


def _multipart(parts: list[UserDataPart]) -> str:
    out = [f'Content-Type: multipart/mixed; boundary="{BOUNDARY}"{CRLF}', f"MIME-Version: 1.0{CRLF}{CRLF}"]
    for n, part in enumerate(parts):
        for ch in '"\r\n':
            if ch in part.name or ch in part.type:
                raise RenderError(f"additionalUserData part {part.name!r}: name and type must be one line "
                                  "without double quotes")
        # each part's headers, in the (sorted) order Go's MIME writer emits them
        out.append(("" if n == 0 else CRLF) + f"--{BOUNDARY}{CRLF}")
        out.append(f'Content-Disposition: attachment; filename="{part.name}"{CRLF}')
        out.append(f"Content-Transfer-Encoding: 7bit{CRLF}")
        out.append(f"Content-Type: {part.type}{CRLF}")
        out.append(f"Mime-Version: 1.0{CRLF}{CRLF}")
        out.append(part.content)
    out.append(f"{CRLF}--{BOUNDARY}--{CRLF}")
    return "".join(out)


def check_size(ig: InstanceGroup, data: bytes) -> None:
    encoded = len(base64.b64encode(data))
    if encoded > USER_DATA_LIMIT:
        fix = ("shorten its additionalUserData" if ig.compress_user_data
               else "set compressUserData: true on the instance group, or shorten its additionalUserData")
        raise RenderError(f"instance group {ig.name}: user data is {encoded} bytes once base64-encoded, over EC2's "
                          f"limit of {USER_DATA_LIMIT} bytes; {fix}")
