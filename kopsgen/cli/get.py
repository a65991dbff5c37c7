"""`kopsgen get`: show a cluster (a spec file or a stored cluster), the stored clusters, a cluster's instance
groups."""

from __future__ import annotations

import click

from kopsgen.cli import cliutil, complete
from kopsgen.cli.root import STATE_ENV, STATE_HELP, cli


@cli.group()
def get() -> None:
    """Show clusters and instance groups, from a spec file or the state store.

    \b
    Examples:
      kopsgen get clusters                                   # every cluster in the state store
      kopsgen get cluster -f cluster.yaml --full -o yaml     # a spec file, completed with defaults
      kopsgen get instancegroups --name c.example.com -o json
    """


@get.command("cluster")
@click.argument("name", required=False, shell_complete=complete.cluster_names)
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Read the cluster from this spec file instead of the state store.")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("--full", is_flag=True, help="Show the completed spec, with every default filled in.")
@click.option("-o", "--output", "output", type=click.Choice(("yaml", "json", "table")), default="yaml",
              show_default=True, help="yaml or json: the documents; table: a summary of the cluster and its groups.")
def get_cluster(name: str | None, files: tuple[str, ...], state: str | None, full: bool, output: str) -> None:
    """Print a cluster and its instance groups (with --full: completed with defaults).

    \b
    Examples:
      kopsgen get cluster --full -f cluster.yaml -o yaml      # from a file
      kopsgen get cluster mycluster.example.com --full        # from the state store
      kopsgen get cluster -f cluster.yaml -o table            # a summary
    """
    from kopsgen import pipeline
    from kopsgen.spec.documents import load_documents
    from kopsgen.spec.dump import dump_documents

    if files and name:
        raise click.UsageError("give either a cluster NAME (from the state store) or -f FILE, not both")
    if not files:
        if not name:
            raise click.UsageError("give the cluster NAME (from the state store) or a spec file with -f FILE")
        from kopsgen.state import verbs

        stored = verbs.registry(state).get(name)
        if output == "table":
            _cluster_tables(stored.name, pipeline.complete_documents(stored.documents) if full else stored.documents)
            return
        click.echo(verbs.format_documents(verbs.cluster_documents(stored, full), output), nl=False)
        return
    docs = load_documents(files)
    if full:
        docs = pipeline.complete_documents(docs)
    else:
        pipeline.check_schema(docs)
    if output == "table":
        _cluster_tables(docs.cluster.name or "", docs)
        return
    click.echo(dump_documents([d.data for d in docs.all()], output), nl=False)


def _cluster_tables(name: str, docs) -> None:
    """`get cluster -o table`: the cluster's row as `get clusters` shows it, then its instance groups."""
    from kopsgen.state import verbs
    from kopsgen.state.clusters import StoredCluster

    cluster = StoredCluster(name, docs)
    tables = [cliutil.table(verbs.clusters_table([cluster])), cliutil.table(verbs.instance_groups_table(cluster))]
    click.echo("\n".join(tables), nl=False)


@get.command("clusters")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("-o", "--output", "output", type=click.Choice(("table", "yaml", "json")), default="table",
              show_default=True)
def get_clusters(state: str | None, output: str) -> None:
    """List the clusters in the state store.

    \b
    Examples:
      kopsgen get clusters --state s3://my-state-store
      kopsgen get clusters -o yaml > clusters.yaml
    """
    from kopsgen.state import verbs

    registry = verbs.registry(state)
    clusters, problems = verbs.all_clusters(registry)
    for problem in problems:
        cliutil.console().warning(problem)
    if output == "table":
        if not clusters:
            cliutil.console().status(f"no clusters in {registry.store.url}", err=True)
            return
        click.echo(cliutil.table(verbs.clusters_table(clusters)), nl=False)
    else:
        click.echo(verbs.format_documents([c.documents.cluster.data for c in clusters], output), nl=False)


@get.command("instancegroups")
@click.argument("groups", nargs=-1, metavar="[GROUP]...", shell_complete=complete.instance_group_names)
@click.option("--name", required=True, help="The cluster.", shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("-o", "--output", "output", type=click.Choice(("table", "yaml", "json")), default="table",
              show_default=True)
def get_instancegroups(groups: tuple[str, ...], name: str, state: str | None, output: str) -> None:
    """List a stored cluster's instance groups (only the GROUPs named, when given).

    \b
    Examples:
      kopsgen get instancegroups --name c.example.com
      kopsgen get ig --name c.example.com -o yaml
      kopsgen get ig --name c.example.com nodes-eu-west-1a -o yaml
    """
    from kopsgen.state import verbs

    stored = verbs.registry(state).get(name)
    if groups:
        present = [d.name for d in stored.documents.instance_groups]
        missing = [g for g in groups if g not in present]
        if missing:
            raise click.BadParameter(f"cluster {name} has no instance group {', '.join(missing)} "
                                     f"(it has: {', '.join(sorted(present)) or 'none'})", param_hint="GROUP")
        wanted = [d for d in stored.documents.instance_groups if d.name in groups]
        stored.documents.instance_groups[:] = wanted
    if output == "table":
        click.echo(cliutil.table(verbs.instance_groups_table(stored)), nl=False)
    else:
        click.echo(verbs.format_documents([d.data for d in stored.documents.instance_groups], output), nl=False)


get.add_command(get_instancegroups, "ig")

