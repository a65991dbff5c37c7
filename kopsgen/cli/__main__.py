"""`python -m kopsgen.cli`, as before the CLI became a package (`python -m kopsgen` is the documented way)."""

from kopsgen.cli import main

main()
