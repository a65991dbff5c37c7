"""Tests of what every command shares: conventions of the command line (kopsgen/cli.py) and safe output (kopsgen/output.py)."""
