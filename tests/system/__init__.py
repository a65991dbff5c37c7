"""Suites that cut across the package: conformance with kops, security, determinism and fuzzing, option and scale sweeps,
fast paths, examples, golden files and docs, and the benchmark's tools."""
