"""Run the real terraform binary against rendered output, offline, with the machine's provider mirror."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

# A folder laid out as registry.terraform.io/hashicorp/aws/<version>/<os_arch>/; users with
# internet access can point this elsewhere (or set it empty to let terraform download).
PLUGIN_DIR_ENV = "KOPSGEN_TF_PLUGIN_DIR"
_DEFAULT_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins", "~/.terraform.d/plugins")


def plugin_dir() -> str | None:
    if PLUGIN_DIR_ENV in os.environ:
        return os.environ[PLUGIN_DIR_ENV] or None
    for candidate in _DEFAULT_CANDIDATES:
        path = Path(candidate).expanduser()
        if glob.glob(str(path / "registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*")):
            return str(path)
    return None


def terraform_available() -> bool:
    return shutil.which("terraform") is not None


def _cli_config(workdir: Path) -> Path:
    """A CLI config that keeps a user's ~/.terraformrc out of the tests and installs the AWS provider
    without a 700 MB copy per test folder: from the local mirror, which terraform links to (measured:
    .terraform holds 28 KB), or else downloaded once into a plugin cache. The mirror is not combined
    with the cache: terraform rewrites the cache's link on every init, and a test validating in another
    worker at that moment found no provider."""
    mirror = plugin_dir()
    if mirror:
        text = (
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path = "{mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }}\n'
            '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n'
            "}\n"
        )
    else:
        cache = Path(os.environ.get("KOPSGEN_TF_PLUGIN_CACHE", "/tmp/kopsgen-tf-plugin-cache"))
        cache.mkdir(parents=True, exist_ok=True)
        text = f'plugin_cache_dir = "{cache}"\n'

    rc = workdir / ".terraformrc.kopsgen-test"
    rc.write_text(text)
    return rc


def _env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_CLI_CONFIG_FILE"] = str(_cli_config(workdir))
    return env


def run(workdir: Path, *args: str, check: bool = True, timeout: int = 900,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(["terraform", *args], cwd=workdir, env=_env(workdir), capture_output=True, text=True,
                          timeout=timeout, input=stdin)
    if check and proc.returncode != 0:
        raise AssertionError(f"terraform {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def init(workdir: Path) -> None:
    run(workdir, "init", "-input=false", "-backend=false", "-no-color")


def validate(workdir: Path) -> subprocess.CompletedProcess:
    return run(workdir, "validate", "-no-color")


def fmt_check(workdir: Path) -> subprocess.CompletedProcess:
    return run(workdir, "fmt", "-check", "-diff", "-no-color", check=False)
