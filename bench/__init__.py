"""Benchmarks. `python -m bench --size 10k|100k|1m|5m` runs the scale benchmark of issue 12 (see
bench/__main__.py); the bench_*.py files are standalone scripts, run as `python bench/bench_X.py`."""
