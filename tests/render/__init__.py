"""Tests of kopsgen/render/ that span both targets (parity, registries) and of the graph picture (kopsgen/graph.py)."""
