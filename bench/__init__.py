"""Benchmarks of orderflow against floors measured in the same run.

`make bench` (= `.venv/bin/python -m bench`) runs the whole set; each module
runs on its own too (see docs/performance.md). Benchmarks are not tests:
they print and store figures, and check that nothing was lost.
"""
