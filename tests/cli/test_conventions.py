"""CLI conventions every command shares: help with examples, shell completion, -o formats, -v/--quiet,
colour only on a terminal and never with NO_COLOR, environment variables for the main flags, progress
lines for slow work. Most run the real CLI in-process (click's CliRunner); completion and colour run it
as a subprocess, in bash and in a pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from kopsgen import progress
from kopsgen.cli import cli, cliutil
from tools.generate import EXAMPLES, pinned_state_store

MINIMAL = EXAMPLES / "minimal.yaml"
HA = EXAMPLES / "ha-private-bastion.yaml"
KOPSGEN = [sys.executable, "-m", "kopsgen"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _all_commands(command=cli, path=("kopsgen",)):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _all_commands(command.commands[name], path + (name,))


COMMANDS = list(_all_commands())


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p[1:]) or "kopsgen")
def test_every_command_and_group_has_help_with_an_example(path):
    result = CliRunner().invoke(cli, [*path[1:], "--help"], prog_name="kopsgen")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(path)}")
    example = re.search(r"^\s*Examples?\b.*:\n((?:\s+.*\n?)+)", result.output, re.M)
    assert example and "kopsgen " in example.group(1), f"`{' '.join(path)} --help` shows no example"
    assert "-h, --help" in result.output


@pytest.mark.parametrize("path,command", COMMANDS, ids=lambda p: " ".join(p[1:]) if isinstance(p, tuple) else "")
def test_every_environment_variable_is_named_in_help(path, command):
    text = CliRunner().invoke(cli, [*path[1:], "--help"]).output
    for param in command.params:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or ())
        for name in names:
            assert name in text, f"{' '.join(path)} {param.opts[0]} reads ${name} but its help does not say so"


@pytest.mark.parametrize("variable,flag", [("KOPSGEN_STATE_STORE", "--state"), ("KOPSGEN_TARGET", "--target"),
                                           ("KOPSGEN_FORMAT", "--format"), ("KOPSGEN_OUT", "--out")])
def test_main_flags_have_their_environment_variable(variable, flag):
    render = cli.commands["render"] if flag != "--state" else cli.commands["get"].commands["clusters"]
    option = next(p for p in render.params if flag in p.opts)
    assert option.envvar == variable


def test_environment_variables_steer_render(tmp_path):
    out = tmp_path / "from-env"
    env = {"KOPSGEN_OUT": str(out), "KOPSGEN_FORMAT": "json", "KOPSGEN_TARGET": "terraform"}
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["render", "-f", str(MINIMAL)], env=env)
    assert result.exit_code == 0, result.output
    assert (out / "kubernetes.tf.json").is_file() and not (out / "kubernetes.tf").exists()
    with pinned_state_store():   # a flag beats its variable
        result = CliRunner().invoke(cli, ["render", "-f", str(MINIMAL), "--format", "hcl"], env=env)
    assert result.exit_code == 0 and (out / "kubernetes.tf").is_file()


@pytest.mark.parametrize("target,fmt,error", [
    ("terraform", "yaml", "the terraform target writes hcl or json, not 'yaml'"),
    ("cloudformation", "hcl", "the cloudformation target writes json or yaml, not 'hcl'"),
])
def test_a_format_the_target_does_not_write_is_refused(tmp_path, target, fmt, error):
    out, store = tmp_path / "out", tmp_path / "store"
    result = CliRunner().invoke(cli, ["render", "-f", str(MINIMAL), "--target", target, "--format", fmt,
                                      "-o", str(out)], env={"KOPSGEN_STATE_STORE": f"file://{store}"})
    assert result.exit_code == 2 and error in result.output
    assert not out.exists() and not store.exists()   # refused before the cluster's CAs were made


# --- -o yaml|json|table on the read commands ------------------------------------------------------


@pytest.fixture()
def stored(tmp_path):
    """A file:// state store holding the HA example (with the pinned CAs)."""
    url = f"file://{tmp_path}/store"
    result = CliRunner().invoke(cli, ["create", "-f", str(HA), "--state", url])
    assert result.exit_code == 0, result.output
    return url


def _table(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line.strip()]


def test_get_cluster_as_a_table_from_a_file():
    result = CliRunner().invoke(cli, ["get", "cluster", "-f", str(HA), "-o", "table"])
    assert result.exit_code == 0, result.output
    header, cluster, blank_then_groups = result.stdout.split("\n", 2)[0], result.stdout.split("\n")[1], \
        result.stdout.split("\n\n", 1)[1]
    assert header.split() == ["NAME", "CLOUD", "ZONES"]
    assert cluster.split() == ["ha.example.com", "aws", "eu-west-1a,eu-west-1b,eu-west-1c"]
    groups = _table(blank_then_groups)
    assert groups[0] == ["NAME", "ROLE", "MACHINETYPE", "MIN", "MAX", "ZONES"]
    names = {row[0]: row for row in groups[1:]}
    assert names["bastions"][1] == "Bastion"
    assert names["control-plane-eu-west-1a"][1:5] == ["ControlPlane", "t3.medium", "1", "1"]
    assert len(groups) - 1 == len(list(yaml.safe_load_all(HA.read_text()))) - 1


@pytest.mark.parametrize("args", [["get", "clusters"], ["get", "instancegroups", "--name", "ha.example.com"],
                                  ["get", "cluster", "ha.example.com"]])
def test_read_commands_speak_yaml_json_and_table(stored, args):
    as_yaml = CliRunner().invoke(cli, [*args, "--state", stored, "-o", "yaml"])
    as_json = CliRunner().invoke(cli, [*args, "--state", stored, "-o", "json"])
    as_table = CliRunner().invoke(cli, [*args, "--state", stored, "-o", "table"])
    assert as_yaml.exit_code == as_json.exit_code == as_table.exit_code == 0, as_table.output
    documents = [d for d in yaml.safe_load_all(as_yaml.stdout) if d]
    parsed = json.loads(as_json.stdout)
    assert (parsed if isinstance(parsed, list) else [parsed]) == documents
    names = {d["metadata"]["name"] for d in documents}
    table_names = {row[0] for row in _table(as_table.stdout)[1:] if row[0] != "NAME"}
    assert names == table_names


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["graph", "-f", str(HA)], ["get", "cluster", "-f", str(HA), "--full"], ["get", "cluster", "ha.example.com", "--full"],
    ["get", "clusters"], ["get", "ig", "--name", "ha.example.com"], ["update", "cluster", "ha.example.com"],
    ["graph", "--name", "ha.example.com"],
], ids=lambda a: " ".join(a[:2]) + (" (stored)" if "ha.example.com" in a else ""))
def test_commands_that_only_look_write_no_state_store(stored, tmp_path, args):
    """Neither the --state store nor KOPSGEN_STATE_STORE (where a spec file's CAs live) changes: a cluster's
    CAs are made by render or update cluster --yes, never by looking at it."""
    default = tmp_path / "default-store"
    default.mkdir()
    store = Path(stored.removeprefix("file://"))
    before = _files(store)
    result = CliRunner().invoke(cli, [*args, "--state", stored] if "-f" not in args else args,
                                env={"KOPSGEN_STATE_STORE": f"file://{default}", "KOPSGEN_OUT": str(tmp_path / "o")})
    assert result.exit_code in (0, 2), result.output   # update cluster's dry run exits 2: changes to write
    assert _files(store) == before and _files(default) == {}
    assert not (tmp_path / "o").exists()


def test_table_columns_line_up():
    rows = [["NAME", "ZONES"], ["a-long-name", "z1"], ["b", "z1,z2"]]
    lines = cliutil.table(rows).splitlines()
    assert [line.index(line.split()[1]) for line in lines] == [13, 13, 13]
    assert all(line == line.rstrip() for line in lines)


# --- verbosity and progress -----------------------------------------------------------------------


def test_quiet_leaves_only_data_and_errors(tmp_path):
    with pinned_state_store():
        quiet = CliRunner().invoke(cli, ["--quiet", "render", "-f", str(MINIMAL), "-o", str(tmp_path / "q")])
        normal = CliRunner().invoke(cli, ["render", "-f", str(MINIMAL), "-o", str(tmp_path / "n")])
    assert quiet.exit_code == normal.exit_code == 0
    assert quiet.output == "" and "wrote " in normal.stdout
    assert (tmp_path / "q" / "kubernetes.tf").read_bytes() == (tmp_path / "n" / "kubernetes.tf").read_bytes()
    data = CliRunner().invoke(cli, ["-q", "get", "cluster", "-f", str(MINIMAL), "-o", "json"])
    assert json.loads(data.stdout)[0]["kind"] == "Cluster"
    bad = CliRunner().invoke(cli, ["-q", "render", "-f", str(tmp_path / "missing.yaml")])
    assert bad.exit_code != 0 and bad.stderr


def test_verbose_shows_each_step_of_slow_work(tmp_path):
    # without the termination handler's queue, whose URL needs the AWS account looked up
    spec = tmp_path / "cluster.yaml"
    no_handler = "\nspec:\n  nodeTerminationHandler:\n    enabled: false\n"
    spec.write_text(MINIMAL.read_text().replace("\nspec:\n", no_handler, 1))
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["-v", "render", "--target", "files", "-f", str(spec),
                                          "-o", str(tmp_path / "files")])
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(tmp_path / "files")) for p in (tmp_path / "files").rglob("*") if p.is_file()
                     and "lock" not in p.name)
    shown = [line.strip().rsplit("/files/", 1)[1] for line in result.stderr.splitlines()
             if line.startswith("  wrote ")]
    assert written and sorted(shown) == written
    assert result.stderr.startswith("writing the state-store files of minimal.example.com ...")
    assert re.search(r": done in \d+\.\ds$", result.stderr.strip())


def test_kopsgen_out_never_redirects_the_state_store_files(tmp_path):
    """KOPSGEN_OUT is where rendered code goes; `--target files` writes to the configBase unless -o says otherwise."""
    spec = tmp_path / "cluster.yaml"
    config_base = tmp_path / "config-base"
    spec.write_text(MINIMAL.read_text().replace("s3://my-kops-state-store/minimal.example.com",
                                                f"file://{config_base}", 1)
                    .replace("\nspec:\n", "\nspec:\n  nodeTerminationHandler:\n    enabled: false\n", 1))
    assert f"file://{config_base}" in spec.read_text()
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["render", "--target", "files", "-f", str(spec)],
                                    env={"KOPSGEN_OUT": str(tmp_path / "code")})
    assert result.exit_code == 0, result.output
    assert (config_base / "cluster-completed.spec").is_file() and not (tmp_path / "code").exists()


def test_verbose_and_quiet_together_is_a_usage_error():
    result = CliRunner().invoke(cli, ["-v", "-q", "schema", "cluster"])
    assert result.exit_code == 2 and "choose one" in result.stderr


# --- the global flags, before or after the subcommand ---------------------------------------------------------


@pytest.mark.parametrize("path,command", COMMANDS, ids=lambda p: " ".join(p[1:]) if isinstance(p, tuple) else "")
def test_every_command_takes_the_global_flags(path, command):
    options = {opt for param in command.params for opt in param.opts}
    assert {"-v", "--verbose", "-q", "--quiet", "--debug"} <= options, " ".join(path)


@pytest.mark.parametrize("where", ["before", "after", "last"])
def test_quiet_before_or_after_the_subcommand(tmp_path, where):
    args = ["render", "-f", str(MINIMAL), "-o", str(tmp_path / "out")]
    args = {"before": ["-q", *args], "after": [args[0], "-q", *args[1:]], "last": [*args, "--quiet"]}[where]
    with pinned_state_store():
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output == "" and (tmp_path / "out" / "kubernetes.tf").is_file()


@pytest.mark.parametrize("args", [["-q", "get", "clusters"], ["get", "-q", "clusters"], ["get", "clusters", "-q"]])
def test_quiet_at_every_level_of_a_group(tmp_path, args):
    empty = f"file://{tmp_path}/empty"
    loud = CliRunner().invoke(cli, ["get", "clusters", "--state", empty])
    quiet = CliRunner().invoke(cli, [*args, "--state", empty])
    assert loud.exit_code == quiet.exit_code == 0
    assert "no clusters in" in loud.stderr and quiet.output == ""


def test_quiet_after_delete_cluster(stored):
    result = CliRunner().invoke(cli, ["delete", "cluster", "ha.example.com", "--yes", "--state", stored, "-q"])
    assert result.exit_code == 0 and result.output == ""
    assert CliRunner().invoke(cli, ["get", "clusters", "--state", stored, "-o", "json"]).stdout.strip() == "[]"


def test_verbose_after_the_subcommand_shows_each_step(tmp_path):
    spec = tmp_path / "cluster.yaml"
    spec.write_text(MINIMAL.read_text().replace("\nspec:\n", "\nspec:\n  nodeTerminationHandler:\n    enabled: false\n", 1))
    with pinned_state_store():
        result = CliRunner().invoke(cli, ["render", "--target", "files", "-f", str(spec), "-o", str(tmp_path / "f"),
                                          "-v"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("writing the state-store files of minimal.example.com ...")
    assert f"  wrote file://{tmp_path / 'f'}/" in result.stderr


@pytest.mark.parametrize("args", [["-v", "schema", "cluster", "-q"], ["get", "-q", "clusters", "-v"],
                                  ["-v", "get", "-q", "clusters"]])
def test_verbose_and_quiet_contradict_across_levels(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "choose one" in result.stderr


@pytest.mark.parametrize("args", [["--debug", "schema", "cluster"], ["schema", "--debug", "cluster"],
                                  ["schema", "cluster", "--debug"]])
def test_debug_anywhere_shows_the_traceback_of_an_internal_error(monkeypatch, args):
    from kopsgen.spec import schema

    def broken(kind):
        raise RuntimeError("a bug")

    monkeypatch.setattr(schema, "schema_text", broken)
    plain = CliRunner().invoke(cli, ["schema", "cluster"])
    assert plain.exit_code == 1 and "internal error: RuntimeError: a bug" in plain.stderr
    debugged = CliRunner().invoke(cli, args)
    assert isinstance(debugged.exception, RuntimeError)   # raised through, so Python prints the traceback


@pytest.mark.parametrize("seconds,terminal,shown", [(0.0, True, False), (cliutil.SLOW_SECONDS + 0.3, True, True),
                                                    (cliutil.SLOW_SECONDS + 0.3, False, False)])
def test_a_progress_line_appears_only_for_work_over_a_second_on_a_terminal(seconds, terminal, shown, monkeypatch):
    monkeypatch.setattr(cliutil, "stderr_is_terminal", lambda: terminal)

    @click.command()
    def slow():
        with cliutil.console().task("uploading things"):
            progress.step("one thing")
            time.sleep(seconds)

    result = CliRunner().invoke(slow)
    assert ("uploading things ..." in result.stderr) is shown
    assert ("uploading things: done in" in result.stderr) is shown
    assert "one thing" not in result.stderr   # steps only with -v


# --- colour: a terminal, NO_COLOR, pipes ----------------------------------------------------------


def _run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the real CLI with stdout and stderr on a pseudo-terminal; everything it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(KOPSGEN + args, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:   # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.fixture()
def plain_env():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    return env


def test_colour_on_a_terminal_only_and_never_with_no_color(plain_env, tmp_path):
    args = ["get", "cluster", "-f", str(MINIMAL), "-o", "table"]
    coloured = _run_in_terminal(args, plain_env)
    no_color = _run_in_terminal(args, {**plain_env, "NO_COLOR": "1"})
    piped = subprocess.run(KOPSGEN + args, env=plain_env, capture_output=True, text=True, check=True).stdout
    assert ANSI.search(coloured), coloured
    assert not ANSI.search(no_color) and not ANSI.search(piped)
    assert ANSI.sub("", coloured).replace("\r\n", "\n") == no_color.replace("\r\n", "\n") == piped
    failing = ["get", "cluster", "nosuch.example.com", "--state", f"file://{tmp_path}/empty"]
    red = click.style("error:", **cliutil.STYLES["error"])
    assert red in _run_in_terminal(failing, plain_env)
    assert red not in _run_in_terminal(failing, {**plain_env, "NO_COLOR": "1"})


# --- shell completion -----------------------------------------------------------------------------


@pytest.mark.parametrize("shell,marker", [("bash", "complete -o nosort -F"), ("zsh", "#compdef kopsgen"),
                                          ("fish", "complete --no-files --command kopsgen")])
def test_completion_prints_the_shell_script(shell, marker):
    result = subprocess.run(KOPSGEN + ["completion", shell], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout and "_KOPSGEN_COMPLETE" in result.stdout


def _bash_complete(words: list[str]) -> list[str]:
    """What bash offers after `words` with kopsgen's completion script loaded, as a user's shell would."""
    script = subprocess.run(KOPSGEN + ["completion", "bash"], capture_output=True, text=True, check=True).stdout
    bin_dir = Path(sys.executable).parent
    program = (f"{script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
               "_kopsgen_completion kopsgen; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    result = subprocess.run(["bash", "-c", program], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_commands_flags_and_choices():
    if shutil.which("kopsgen", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the kopsgen script is not installed beside this Python (pip install -e .)")
    assert "render" in _bash_complete(["kopsgen", "ren"])
    assert _bash_complete(["kopsgen", "render", "--tar"]) == ["--target"]
    assert set(_bash_complete(["kopsgen", "render", "--target", ""])) == {"terraform", "cloudformation", "files"}
    assert set(_bash_complete(["kopsgen", "graph", "--format", ""])) == {"dot", "svg", "mermaid"}
    assert set(_bash_complete(["kopsgen", "completion", ""])) == {"bash", "zsh", "fish"}
