"""Tests of kopsgen/lifecycle/: update cluster, migrate, export kubeconfig, validate cluster."""
