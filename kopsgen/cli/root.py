"""The top-level `kopsgen` group and what its commands share: the state-store option, loading the cluster
spec a command works on (spec files or a stored cluster), exit codes for CI, and `main()`.

Each command group lives in its own module of this package and adds itself to `cli` when imported;
kopsgen/cli/__init__.py imports them all.
"""

from __future__ import annotations

import gc
import sys

import click

from kopsgen import __version__
from kopsgen.cli import cliutil
from kopsgen.errors import KopsgenError, SpecError, WriteRefused

TARGETS = ("terraform", "cloudformation", "files")
STATE_ENV = "KOPSGEN_STATE_STORE"
STATE_HELP = ("State store: s3://BUCKET/PREFIX or file://DIR [env KOPSGEN_STATE_STORE; default "
              "~/.local/state/kopsgen/state-store, or under $XDG_STATE_HOME].")
NAME_HELP = "Use the cluster NAME stored in the state store (--state) instead of spec files."


class _Group(cliutil.Group):
    """The top-level group. Reports kopsgen's own errors cleanly: one line per problem, exit code 2 for bad
    input. Its subcommands and subgroups are cliutil's Command and Group: each takes the global flags."""

    def invoke(self, ctx: click.Context):
        from kopsgen import progress

        try:
            # notices from deep inside (new CAs made, and where) reach the user whatever the command
            with progress.noticing(lambda message: cliutil.console().status(f"note: {message}", err=True)):
                return super().invoke(ctx)
        except SpecError as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            click.echo(f"{len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''} found; nothing was written.",
                       err=True)
            sys.exit(exc.exit_code)
        except KopsgenError as exc:
            cliutil.console().error(str(exc))
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug in kopsgen: say so, briefly, unless --debug
            if cliutil.debug_enabled(ctx):
                raise
            if isinstance(exc, OSError) and exc.filename is not None:
                # a path the user named (or its folder) that the system refuses, found where no check
                # foresaw it: still the user's to change
                cliutil.console().error(f"{exc.filename}: {exc.strerror or exc}; choose another path or fix "
                                        f"its permissions")
                sys.exit(2)
            click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("This is a bug in kopsgen; run again with --debug for the traceback.", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="kopsgen")
def cli() -> None:
    """Generate the AWS infrastructure of a kops cluster spec as Terraform or CloudFormation.

    \b
    Examples:
      kopsgen render --target terraform -f cluster.yaml -o out/
      kopsgen graph -f cluster.yaml -o graph.svg
      kopsgen get cluster --full -f cluster.yaml -o yaml
      kopsgen render -q --target cloudformation -f cluster.yaml --upload-files
      kopsgen schema cluster > cluster.schema.json
      eval "$(kopsgen completion bash)"

    \b
    Environment variables stand in for the main flags (each command's --help names them):
      KOPSGEN_STATE_STORE, KOPSGEN_TARGET, KOPSGEN_FORMAT, KOPSGEN_OUT, KOPSGEN_KUBECONFIG, KOPSGEN_DEBUG.
    KOPSGEN_AWS_ACCOUNT_ID gives the account for state files that name it (the node termination
    handler's queue URL), where kopsgen writes them itself; without it the caller's AWS credentials say.
    NO_COLOR turns colour off; output that is not a terminal never has colour.
    -v, -q and --debug go before or after the subcommand: `kopsgen -q render` is `kopsgen render -q`.
    """


def _spec_files(files: tuple[str, ...], positional: tuple[str, ...]) -> list[str]:
    paths = [*files, *positional]
    if not paths:
        raise click.UsageError("give the cluster spec with -f FILE (or as an argument)")
    return paths


def open_render_session(files: tuple[str, ...], positional: tuple[str, ...], name: str | None, state: str | None,
                        *, read_only: bool, check=None):
    """The render session of spec files, or of the cluster `name` stored in the state store; either way the
    cluster's CAs are kept in that state store (only read from it with `read_only`). `check(spec)` runs
    once the spec is known and before the session writes anything (the CAs it may make)."""
    from kopsgen import pipeline
    from kopsgen.state import open_store

    if name and (files or positional):
        raise click.UsageError("give either --name (a cluster in the state store) or spec files, not both")
    if name:
        from kopsgen.lifecycle import stored_spec
        from kopsgen.state.clusters import ClusterRegistry

        store = open_store(state)
        spec = stored_spec(ClusterRegistry(store), name)
    else:   # the spec's own problems first: they are reported whatever the store
        spec = pipeline.load_spec(_spec_files(files, positional))
        store = open_store(state)
    if check is not None:
        check(spec)
    return pipeline.open_session(spec, store, read_only=read_only)


class DetailedExitCommand(cliutil.Command):
    """Exit codes CI can branch on, as `terraform plan -detailed-exitcode` gives them: 0 and 2 are answers
    (no / yes), so every failure, bad input included, exits 1."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            exc.exit_code = 1
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WriteRefused:
            raise   # 2: changes there are, and none was written
        except (KopsgenError, click.UsageError) as exc:
            exc.exit_code = 1
            raise


def main() -> None:
    # A command allocates many small objects and makes few reference cycles: collecting garbage after every
    # 100,000 allocations instead of 700 makes a render some 6% faster (for ~10 MB more at 1000 groups).
    gc.set_threshold(100_000)
    cli(prog_name="kopsgen")



def backend_options(command):
    """--backend, --backend-region and --backend-lock-table, shared by `render` and `update cluster`."""
    command = click.option(
        "--backend-lock-table", "backend_lock_table", envvar="KOPSGEN_BACKEND_LOCK_TABLE", show_envvar=True,
        help="With --backend: lock the state with this DynamoDB table (key LockID) instead of an S3 lock file.")(command)
    command = click.option(
        "--backend-region", "backend_region", envvar="KOPSGEN_BACKEND_REGION", show_envvar=True,
        help="With --backend: the region of its bucket [default: the cluster's region].")(command)
    return click.option(
        "--backend", "backend_url", envvar="KOPSGEN_BACKEND", show_envvar=True, metavar="s3://BUCKET/KEY",
        help="terraform: keep the Terraform state in this S3 object (writes backend.tf), locked by an S3 lock "
             "file (Terraform >= 1.10) unless --backend-lock-table is given. Never inside the cluster's "
             "configBase.")(command)


def check_layout_flag(target: str, layout: str) -> None:
    """--terraform-layout (of `render` and `update cluster`) means something for Terraform only."""
    if layout != "flat" and target != "terraform":
        raise click.UsageError(f"--terraform-layout {layout} goes with --target terraform")


def check_backend_flags(target: str, backend_url: str | None, backend_region: str | None,
                        backend_lock_table: str | None) -> None:
    """Refuse backend flags that cannot apply, before anything is loaded or made."""
    if backend_url is None:
        if backend_region is not None or backend_lock_table is not None:
            raise click.UsageError("--backend-region and --backend-lock-table go with --backend s3://BUCKET/KEY")
        return
    if target != "terraform":
        raise click.UsageError(f"--backend goes with --target terraform: {target} keeps no Terraform state")
    from kopsgen.render.terraform.backend import parse_url

    parse_url(backend_url)


def backend_for(spec, backend_url: str | None, backend_region: str | None, backend_lock_table: str | None):
    """The S3 backend of the flags for this cluster, or None."""
    if backend_url is None:
        return None
    from kopsgen import render_options

    return render_options.s3_backend(spec, backend_url, backend_region, backend_lock_table)
