"""`python -m bench.imports LIST_FILE kopsgen-arguments...`: run kopsgen, then write the names of every
module the process imported (stdlib, third-party and kopsgen's) to LIST_FILE, one per line.

The benchmark imports that list in a fresh process, and nothing else, to measure what a render costs
before it does any work (bench/run.py)."""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def _write_modules(where: Path) -> None:
    # a module without a spec (Cython's shared-state entry, say) is registered, never imported by name
    names = sorted(name for name, module in sys.modules.items()
                   if getattr(module, "__spec__", None) is not None and not name.startswith(("__main__", "bench")))
    where.write_text("\n".join(names) + "\n")


if __name__ == "__main__":
    atexit.register(_write_modules, Path(sys.argv[1]))  # at exit: kopsgen's CLI ends with SystemExit
    sys.argv = ["kopsgen", *sys.argv[2:]]
    runpy.run_module("kopsgen", run_name="__main__", alter_sys=True)
