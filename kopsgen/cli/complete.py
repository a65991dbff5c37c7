"""Shell completion of values: cluster names from the state store, instance group names of the cluster on the
line, and choice values (CNIs, instance group roles) that are free text to click.

Each function is a click `shell_complete` callback: it receives the partly parsed context and the word being
completed, and returns the candidates that start with it. Completion runs on every Tab press, so it never
writes, never prompts and never fails: a store it cannot read (no credentials, a malformed URL) offers no
candidates rather than an error in the middle of the user's command line.
`kopsgen completion bash|zsh|fish` prints the script that calls these (click's `_KOPSGEN_COMPLETE` protocol).
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem


def _state(ctx: click.Context) -> str | None:
    """The --state given on the line (in this command or a parent group), else None (the env var / default)."""
    while ctx is not None:
        if ctx.params.get("state"):
            return ctx.params["state"]
        ctx = ctx.parent
    return None


def _registry(ctx: click.Context):
    from kopsgen.state import verbs

    return verbs.registry(_state(ctx))


def _matching(values, incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(v) for v in sorted(set(values)) if v.startswith(incomplete)]


def cluster_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The clusters stored in the state store of --state (or $KOPSGEN_STATE_STORE, or the default one)."""
    try:
        return _matching(_registry(ctx).names(), incomplete)
    except Exception:  # completion must never break the user's line: no candidates instead
        return []


def instance_group_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The instance groups of the cluster named by --name on the line (none without it)."""
    cluster = ctx.params.get("name")
    if not cluster:
        return []
    try:
        stored = _registry(ctx).get(cluster)
        return _matching((d.name for d in stored.documents.instance_groups if d.name), incomplete)
    except Exception:
        return []


def networking_choices(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """What `create cluster --networking` takes (after --ipv6: only the CNIs that take it, as kops offers)."""
    from kopsgen.spec.create import IPV6_NETWORKING, NETWORKING_CHOICES

    return _matching(IPV6_NETWORKING if ctx.params.get("ipv6") else NETWORKING_CHOICES, incomplete)


def instance_group_roles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The roles of the InstanceGroup schema (spec.role), as `create ig --role` takes them (any case)."""
    from kopsgen.spec.create import INSTANCE_GROUP_ROLES

    values = [v for v in schema_enum("InstanceGroup", "#/$defs/instanceGroupRole") if v.lower() in INSTANCE_GROUP_ROLES]
    return _matching(values, incomplete) or _matching((v.lower() for v in values), incomplete)


def schema_enum(kind: str, pointer: str) -> list[str]:
    """The `enum` of the schema definition at `pointer` (`#/$defs/NAME`) of kind's JSON Schema."""
    import json

    from kopsgen.spec.schema import schema_text

    node = json.loads(schema_text(kind))
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return [v for v in node.get("enum", ()) if isinstance(v, str)]

