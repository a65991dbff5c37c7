"""`kopsgen replace` and `kopsgen edit`: change a stored cluster or instance group, from a file or in $EDITOR
(kopsgen/state/verbs.py does the work)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kopsgen.cli import cliutil, complete
from kopsgen.cli.root import STATE_ENV, STATE_HELP, cli


@cli.command()
@click.option("-f", "--filename", "files", multiple=True, required=True,
              type=click.Path(dir_okay=False, allow_dash=True), help="Spec file with the objects to replace.")
@click.option("--name", help="The cluster, when the file holds only InstanceGroups without the cluster label.")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
def replace(files: tuple[str, ...], name: str | None, state: str | None) -> None:
    """Replace a stored cluster's objects with those in the file(s).

    The Cluster and every InstanceGroup in the file replace the stored ones of the same name (an
    unknown InstanceGroup is added; stored ones the file does not mention are kept). The result is
    validated as a whole first, and the write fails if someone changed the cluster since it was read.

    \b
    Example:
      kopsgen get cluster c.example.com > c.yaml && $EDITOR c.yaml && kopsgen replace -f c.yaml
    """
    from kopsgen.state import verbs

    registry = verbs.registry(state)
    stored, changed = verbs.replace_from_files(registry, list(files), name)
    if changed:
        cliutil.console().status(f"replaced cluster {stored.name} in {registry.store.url}")
    else:
        cliutil.console().status(f"no change: {', '.join(files)} matches cluster {stored.name} as stored in "
                                 f"{registry.store.url}; nothing was written")


def _run_editor(path: Path) -> None:
    """$VISUAL or $EDITOR (as click finds it) on the file; a failing editor aborts the edit."""
    click.edit(filename=str(path))


def _edit(cluster: str, instance_group: str | None, state: str | None) -> None:
    from kopsgen.errors import SpecError
    from kopsgen.state import verbs

    try:
        outcome = verbs.edit(verbs.registry(state), cluster, instance_group, _run_editor)
    except verbs.EditRejected as rejected:
        errors = rejected.cause.errors if isinstance(rejected.cause, SpecError) else None
        for line in [str(e) for e in errors] if errors else [f"error: {rejected.cause}"]:
            click.echo(line, err=True)
        if rejected.changes is not None:   # storing the kept file would undo the other writer's change
            again = f"kopsgen edit ig --name {cluster} {instance_group}" if instance_group else \
                f"kopsgen edit cluster {cluster}"
            click.echo(f"Someone else changed the cluster while you edited it; nothing was stored. Your change is "
                       f"in {rejected.changes} (your whole edit in {rejected.kept}): run `{again}` again and make "
                       f"it there, on top of theirs. Do not `replace -f` the kept file: it would undo their "
                       f"change.", err=True)
            sys.exit(rejected.exit_code)
        click.echo(f"The stored cluster was not changed. Your edit is kept in {rejected.kept}; fix it there "
                   f"and store it with `kopsgen replace -f {rejected.kept}`.", err=True)
        sys.exit(rejected.exit_code)
    what = f"instance group {instance_group} of cluster {cluster}" if instance_group else f"cluster {cluster}"
    cliutil.console().status(f"{what} updated" if outcome.changed else f"no changes to {what}; nothing was stored",
                             err=True)


@cli.group()
def edit() -> None:
    """Edit a stored cluster or instance group in $EDITOR; validated before it is stored.

    \b
    Examples:
      kopsgen edit cluster c.example.com
      kopsgen edit instancegroup --name c.example.com nodes-eu-west-1a
    """


@edit.command("cluster")
@click.argument("name", shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
def edit_cluster(name: str, state: str | None) -> None:
    """Edit the Cluster object of NAME.

    \b
    Example:
      EDITOR=vim kopsgen edit cluster c.example.com
    """
    _edit(name, None, state)


@edit.command("instancegroup")
@click.argument("instance_group", shell_complete=complete.instance_group_names)
@click.option("--name", required=True, help="The cluster.", shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
def edit_instancegroup(instance_group: str, name: str, state: str | None) -> None:
    """Edit one InstanceGroup of a stored cluster.

    \b
    Example:
      kopsgen edit instancegroup --name c.example.com nodes-eu-west-1a
    """
    _edit(name, instance_group, state)


edit.add_command(edit_instancegroup, "ig")

