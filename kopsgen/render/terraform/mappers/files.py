"""Terraform for state-store files: `aws_s3_object` through the `aws.files` provider, content read
from data/aws_s3_object_<name>_content, encrypted at rest, exactly as kops writes them."""

from __future__ import annotations

import json

from kopsgen.errors import RenderError
from kopsgen.ir.files import StateFile
from kopsgen.render.terraform.hcl import Expr, Static
from kopsgen.render.terraform.registry import TfContext, mapper

FILES_PROVIDER = "aws.files"


@mapper(StateFile, "aws_s3_object")
def map_state_file(r: StateFile, ctx: TfContext) -> dict:
    if r.secret:
        raise RenderError(f"{r.key}: private material is never written into a rendered output")
    content: Expr = ctx.data_file("aws_s3_object", r.name, "content", r.content)
    for marker, ref in r.substitutions:
        # the marker is literal text (no slashes around it, so not a pattern for replace())
        content = Expr(f"replace({content.text}, {json.dumps(marker)}, {ctx.ref(ref).text})")
    return {"bucket": r.bucket, "content": content, "key": r.key, "provider": Static(FILES_PROVIDER),
            "server_side_encryption": "AES256"}
