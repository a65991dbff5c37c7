"""Tests of kopsgen/state/: the file:// and s3:// state stores and the spec verbs on them."""
