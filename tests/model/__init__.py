"""Tests of kopsgen/model/: the builders that turn a completed spec into the typed resource graph."""
