"""`kopsgen schema` and `kopsgen completion`: what editors and shells need to help with kopsgen."""

from __future__ import annotations

import click

from kopsgen.cli.root import cli

# the kinds as typed (kops's names and short names) -> the schema's kind
SCHEMA_KINDS = {"cluster": "Cluster", "instancegroup": "InstanceGroup", "instancegroups": "InstanceGroup",
                "ig": "InstanceGroup"}

@cli.command()
@click.argument("kind", type=click.Choice(tuple(SCHEMA_KINDS)), metavar="{cluster|instancegroup|ig}")
def schema(kind: str) -> None:
    """Print the JSON Schema (Draft 2020-12) of a Cluster or an InstanceGroup (ig).

    \b
    Example (for editors that read JSON Schema):
      kopsgen schema cluster > cluster.schema.json
      kopsgen schema ig > instancegroup.schema.json
    """
    from kopsgen.spec.schema import schema_text

    click.echo(schema_text(SCHEMA_KINDS[kind]), nl=False)


@cli.command()
@click.argument("shell", type=click.Choice(("bash", "zsh", "fish")))
def completion(shell: str) -> None:
    """Print the script that makes SHELL complete kopsgen's commands, flags and choices.

    \b
    Examples:
      eval "$(kopsgen completion bash)"                           # in ~/.bashrc
      eval "$(kopsgen completion zsh)"                            # in ~/.zshrc
      kopsgen completion fish > ~/.config/fish/completions/kopsgen.fish
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)(cli, {}, "kopsgen", "_KOPSGEN_COMPLETE")
    click.echo(completer.source())

