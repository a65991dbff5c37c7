"""Render every reference case and example through the real CLI, in every target and format, into one folder.

    python tools/snapshot.py OUT [--keys DIR]

A refactoring that claims "behaviour unchanged" proves it by taking a snapshot before and after and
comparing the two folders (`diff -r`). The cluster CAs come from DIR (made there on the first run, copied
and never written afterwards), so two runs with the same DIR are byte-comparable.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.paths import EXAMPLES, case_input, reference_cases  # noqa: E402

# (target, format) pairs; `files` is the state-store files nodes read (nodeup configs, manifests, keysets)
RENDERINGS = [("terraform", "hcl"), ("terraform", "json"), ("cloudformation", "json"),
              ("cloudformation", "yaml"), ("files", None)]


def inputs() -> dict[str, Path]:
    found = {f"case-{case}": case_input(case) for case in reference_cases()}
    found.update({f"example-{p.stem}": p for p in sorted(EXAMPLES.glob("*.yaml"))})
    return found


def snapshot(out: Path, keys: Path) -> list[str]:
    """Render everything into `out`; the failures (name and stderr), if any."""
    failures = []
    first_run = not keys.exists() or not any(keys.iterdir())
    keys.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kopsgen-snapshot-") as tmp:
        store = Path(tmp) / "store"
        shutil.copytree(keys, store)
        # the account ID some state files hold (the node termination handler's queue URL): no AWS call
        env = {**os.environ, "KOPSGEN_STATE_STORE": f"file://{store}", "KOPSGEN_AWS_ACCOUNT_ID": "123456789012"}
        for name, spec in inputs().items():
            for target, fmt in RENDERINGS:
                folder = out / name / (f"{target}-{fmt}" if fmt else target)
                command = [sys.executable, "-m", "kopsgen", "render", "-q", "--target", target, "-f", str(spec),
                           "-o", str(folder)] + (["--format", fmt] if fmt else [])
                done = subprocess.run(command, env=env, capture_output=True, text=True)
                (out / name).mkdir(parents=True, exist_ok=True)
                if done.returncode:
                    failures.append(f"{name} {target} {fmt}: exit {done.returncode}\n{done.stderr}")
                    (out / name / f"{target}-{fmt}.failed").write_text(done.stderr)
        if first_run:  # the CAs it made become the pinned keys of later runs (which never write them)
            shutil.copytree(store, keys, dirs_exist_ok=True)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--keys", type=Path, default=Path(tempfile.gettempdir()) / "kopsgen-snapshot-keys")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    failures = snapshot(args.out, args.keys)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"snapshot in {args.out} ({sum(1 for _ in args.out.rglob('*') if _.is_file())} files)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
