"""The kopsgen command line: parse arguments, call the pipeline, print. No decisions live here."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from kopsgen import __version__
from kopsgen.errors import KopsgenError, SpecError

TARGETS = ("terraform", "cloudformation")


class _Group(click.Group):
    """Reports kopsgen's own errors cleanly: one line per problem, exit code 2 for bad input."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SpecError as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            click.echo(f"{len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''} found; nothing was written.",
                       err=True)
            sys.exit(exc.exit_code)
        except KopsgenError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug in kopsgen: say so, briefly, unless --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("This is a bug in kopsgen; run again with --debug for the traceback.", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="kopsgen")
@click.option("--debug", is_flag=True, envvar="KOPSGEN_DEBUG", help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Generate the AWS infrastructure of a kops cluster spec as Terraform or CloudFormation.

    \b
    Examples:
      kopsgen render --target terraform -f cluster.yaml -o out/
      kopsgen get cluster --full -f cluster.yaml -o yaml
      kopsgen schema cluster > cluster.schema.json
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _spec_files(files: tuple[str, ...], positional: tuple[str, ...]) -> list[str]:
    paths = [*files, *positional]
    if not paths:
        raise click.UsageError("give the cluster spec with -f FILE (or as an argument)")
    return paths


@cli.command()
@click.argument("spec", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Cluster spec file (YAML); repeat for several files.")
@click.option("--target", type=click.Choice(TARGETS), default="terraform", show_default=True,
              envvar="KOPSGEN_TARGET")
@click.option("--format", "fmt", type=click.Choice(("hcl", "json", "yaml")), default=None,
              help="terraform: hcl (default) or json; cloudformation: json (default) or yaml.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder [default: outputs/<cluster>/<target>].")
def render(spec: tuple[str, ...], files: tuple[str, ...], target: str, fmt: str | None, out_dir: str | None) -> None:
    """Render a cluster spec to Terraform or CloudFormation.

    \b
    Examples:
      kopsgen render --target terraform -f cluster.yaml -o out/
      kopsgen render --target terraform --format json cluster.yaml
      kopsgen render --target cloudformation -f cluster.yaml -o cfn/
    """
    from kopsgen import pipeline
    from kopsgen.output import write_output

    cluster_spec = pipeline.load_spec(_spec_files(files, spec))
    rendered = pipeline.render(cluster_spec, target, fmt)
    out = Path(out_dir) if out_dir else Path("outputs") / cluster_spec.cluster.name / target
    write_output(out, rendered)
    click.echo(f"wrote {len(rendered)} files to {out}")


@cli.command()
@click.argument("kind", type=click.Choice(("cluster", "instancegroup")))
def schema(kind: str) -> None:
    """Print the JSON Schema (Draft 2020-12) of a Cluster or an InstanceGroup.

    \b
    Example (for editors that read JSON Schema):
      kopsgen schema cluster > cluster.schema.json
    """
    from kopsgen.spec.schema import schema_text

    click.echo(schema_text({"cluster": "Cluster", "instancegroup": "InstanceGroup"}[kind]), nl=False)


@cli.group()
def get() -> None:
    """Show a cluster spec."""


@get.command("cluster")
@click.argument("spec", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--full", is_flag=True, help="Show the completed spec, with every default filled in.")
@click.option("-o", "--output", "output", type=click.Choice(("yaml", "json")), default="yaml", show_default=True)
def get_cluster(spec: tuple[str, ...], files: tuple[str, ...], full: bool, output: str) -> None:
    """Print the cluster and its instance groups (with --full: completed with defaults).

    \b
    Example:
      kopsgen get cluster --full -f cluster.yaml -o yaml
    """
    from kopsgen import pipeline
    from kopsgen.spec.documents import load_documents
    from kopsgen.spec.dump import dump_documents

    docs = load_documents(_spec_files(files, spec))
    if full:
        docs = pipeline.complete_documents(docs)
    else:
        pipeline.check_schema(docs)
    click.echo(dump_documents([d.data for d in docs.all()], output), nl=False)


def main() -> None:
    cli(prog_name="kopsgen")


if __name__ == "__main__":
    main()
