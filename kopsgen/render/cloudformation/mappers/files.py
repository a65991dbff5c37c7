"""CloudFormation has no resource for an S3 object: state-store files are not part of a template.
kopsgen writes them itself (`kopsgen render --target files`, kopsgen.bootstrap.upload_state_files)."""

from __future__ import annotations

from kopsgen.ir.files import StateFile
from kopsgen.render.cloudformation.registry import CfnContext, mapper


@mapper(StateFile)
def map_state_file(r: StateFile, ctx: CfnContext) -> list:
    return []
