"""The kopsgen benchmark (`make bench`): bench/run.py measures, bench/scale.py makes the scale-sweep specs."""
