"""The kopsgen command line: parse arguments, call the pipeline, print. No decisions live here.

One module per command group; each adds its commands to the top-level group when imported:

    root.py      the `kopsgen` group, its error reporting, the options commands share, main()
    render.py    render, graph
    get.py       get cluster, get clusters, get instancegroups (ig)
    create.py    create -f, create cluster, create instancegroup (ig)
    edit.py      replace, edit cluster, edit instancegroup (ig)
    delete.py    delete cluster, delete instancegroup (ig)
    update.py    update cluster, migrate, validate cluster
    export.py    export kubeconfig (kubecfg)
    schema.py    schema, completion
    cliutil.py   how every command speaks to its user: -v/-q/--debug, colour, progress lines, tables
"""

from __future__ import annotations

from kopsgen.cli import create, delete, edit, export, get, render, schema, update  # noqa: F401  (add their commands)
from kopsgen.cli.root import cli, main

__all__ = ["cli", "main"]
