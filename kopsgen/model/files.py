"""The state-store files of the cluster as resources: one S3 object per file kops keeps under an
S3 config base, so that applying the output also writes what the nodes read at boot.

Only files without private material go into the graph; the CA keysets stay in the state store
(the bootstrap keeps them there, `kopsgen render --target files` copies them to the config base).
A config base that is not on S3 (file://) gets no resources: its files are written with
`--target files`, and the graph carries the warning that nodes cannot read them.
"""

from __future__ import annotations

from kopsgen.bootstrap import irsa
from kopsgen.bootstrap.addons.node_health import NTH_QUEUE_URL_MARKER
from kopsgen.ir import naming
from kopsgen.ir.base import Ref
from kopsgen.ir.events import SqsQueue
from kopsgen.ir.files import StateFile
from kopsgen.ir.iam import IamRole
from kopsgen.model.context import ModelContext


def build_state_files(ctx: ModelContext) -> None:
    cluster = ctx.bootstrap
    base = cluster.context.config_base
    if not base.is_s3:
        ctx.graph.warnings.append(base.unreadable_warning())
        return
    for f in cluster.files:
        if f.secret:
            continue
        ctx.graph.add(StateFile(name=f.name, bucket=base.bucket, key=base.object_key(f.key), content=f.content,
                                substitutions=_substitutions(ctx, f.content)))


def _substitutions(ctx: ModelContext, content: bytes) -> tuple[tuple[str, Ref], ...]:
    found = []
    if NTH_QUEUE_URL_MARKER.encode() in content:
        # the handler's queue URL holds the account ID: taken from the queue when it is created
        found.append((NTH_QUEUE_URL_MARKER, Ref(SqsQueue, naming.nth_queue(ctx.name), "url")))
    # an addon's own role (IRSA): its ARN, which holds the account ID, from the role the IAM builder made
    for role in sorted(set(irsa.ROLE_ARN_MARKERS.findall(content.decode("utf-8", "replace")))):
        found.append((irsa.role_arn_marker(role), Ref(IamRole, role, "arn")))
    return tuple(found)
