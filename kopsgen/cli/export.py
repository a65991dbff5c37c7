"""`kopsgen export kubeconfig`: what a client needs to reach a stored cluster."""

from __future__ import annotations

import click

from kopsgen.cli import complete, paths
from kopsgen.cli.root import STATE_ENV, STATE_HELP, cli


@cli.group()
def export() -> None:
    """Export what a client needs to reach a stored cluster.

    \b
    Example:
      kopsgen export kubeconfig c.example.com --admin
    """


@export.command("kubeconfig")
@click.argument("name", shell_complete=complete.cluster_names)
@click.option("--admin", is_flag=True, help="Add an admin user: a client certificate in system:masters, signed by "
                                            "the cluster's CA.")
@click.option("--duration", default="18h", show_default=True, help="How long the --admin certificate is valid.")
@click.option("--kubeconfig", "kubeconfig", type=click.Path(dir_okay=False), envvar="KOPSGEN_KUBECONFIG",
              show_envvar=True,
              help="The file to merge into [default: first existing file of $KUBECONFIG, else ~/.kube/config].")
@click.option("--internal", is_flag=True, help="Use the API's internal name, https://api.internal.<cluster>.")
@click.option("--server", help="The API server URL, e.g. https://<load balancer DNS name> (needed when the "
                               "cluster has no DNS: topology.dns.type None).")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
def export_kubeconfig(name: str, admin: bool, duration: str, kubeconfig: str | None, internal: bool,
                      server: str | None, state: str | None) -> None:
    """Write a kubeconfig entry (cluster, user, context) for cluster NAME and make it the current context.

    Other entries of the file are kept; the file is replaced atomically with mode 0600. The API
    server is https://api.<cluster> (the spec's masterPublicName); kopsgen does not ask AWS, so for a
    cluster without DNS give the load balancer's name with --server.

    \b
    Examples:
      kopsgen export kubeconfig c.example.com --admin
      kopsgen export kubeconfig c.example.com --admin --duration 1h --kubeconfig ./c.kubeconfig
      kopsgen export kubeconfig c.example.com --admin --server https://api-c-example-com-1234.elb.eu-west-1.amazonaws.com
    """
    from kopsgen.lifecycle import kubeconfig as kubeconfigs
    from kopsgen.lifecycle import stored_spec
    from kopsgen.state import verbs

    lifetime = kubeconfigs.parse_duration(duration) if admin else None
    paths.check_output_file(kubeconfigs.kubeconfig_path(kubeconfig), "--kubeconfig", make_parents=True)
    registry = verbs.registry(state)
    exported = kubeconfigs.export(stored_spec(registry, name), registry.store, admin=lifetime, internal=internal,
                                  server=server, kubeconfig=kubeconfig)
    click.echo(f"kubeconfig for {name} written to {exported.path} (context {exported.context}, server "
               f"{exported.server})", err=True)
    if exported.credentials:
        click.echo(f"admin user {exported.credentials.common_name} (system:masters), certificate valid until "
                   f"{exported.credentials.not_after:%Y-%m-%d %H:%M} UTC", err=True)
    else:
        click.echo("no credentials were written: add --admin for an admin certificate", err=True)


export.add_command(export_kubeconfig, "kubecfg")

