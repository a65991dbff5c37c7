"""`kopsgen delete`: remove a cluster's state, or one of its instance groups, from the state store."""

from __future__ import annotations

import sys

import click

from kopsgen.cli import cliutil, complete
from kopsgen.cli.root import STATE_ENV, STATE_HELP, cli


@cli.group()
def delete() -> None:
    """Delete a cluster's state, or one of its instance groups, from the state store.

    \b
    Examples:
      kopsgen delete cluster c.example.com --yes
      kopsgen delete ig --name c.example.com spot --yes
    """


@delete.command("cluster")
@click.argument("name", shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
def delete_cluster(name: str, state: str | None, yes: bool) -> None:
    """Delete the stored spec, instance groups, keys and files of cluster NAME.

    Only the state is removed: the AWS resources stay until you destroy them (terraform destroy,
    or deleting the CloudFormation stack).

    \b
    Examples:
      kopsgen delete cluster c.example.com                     # asks first
      kopsgen delete cluster c.example.com --yes --state s3://my-state-store
    """
    from kopsgen.state import verbs

    registry = verbs.registry(state)
    if not registry.exists(name):
        registry.get(name)  # raises the not-found error, listing what is there
    if not yes:
        _confirm(f"Delete cluster {name} from {registry.store.url}?", f"delete cluster {name}")
    removed = registry.delete(name)
    cliutil.console().status(f"deleted cluster {name}: {cliutil.counted(len(removed), 'object')} removed from "
                             f"{registry.store.url}")


def _confirm(question: str, refusal: str) -> None:
    """Ask on a terminal; without one, refuse (a script must say --yes)."""
    from kopsgen.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError(f"refusing to {refusal} without --yes (no terminal to ask on)")
    click.confirm(question, abort=True)


@delete.command("instancegroup")
@click.argument("instance_group", shell_complete=complete.instance_group_names)
@click.option("--name", required=True, help="The cluster, stored in the state store.",
              shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
def delete_instancegroup(instance_group: str, name: str, state: str | None, yes: bool) -> None:
    """Delete one instance group from a stored cluster.

    Refused for the cluster's last control-plane group and for a group that runs an etcd member.
    Only the stored spec changes: the group's resources leave the output at the next
    `kopsgen update cluster --yes` (or render), and terraform apply (or the stack update) removes them.

    \b
    Examples:
      kopsgen delete instancegroup --name c.example.com spot            # asks first
      kopsgen delete ig --name c.example.com spot --yes --state s3://my-state-store
    """
    from kopsgen.state import verbs

    registry = verbs.registry(state)

    def confirm() -> None:
        if not yes:
            _confirm(f"Delete instance group {instance_group} of cluster {name} from {registry.store.url}?",
                     f"delete instance group {instance_group}")

    verbs.delete_instance_group(registry, name, instance_group, confirm)
    cliutil.console().status(f"deleted instance group {instance_group} of cluster {name} ({registry.store.url}); "
                             f"`kopsgen update cluster {name}` shows the resources that go with it", err=True)


delete.add_command(delete_instancegroup, "ig")

