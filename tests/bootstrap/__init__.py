"""Tests of kopsgen/bootstrap/: nodeup user data, addon manifests, the state-store files and the CAs."""
