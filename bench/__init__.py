"""pytalos benchmarks: ``python -m bench`` prints one table, each row with a same-run baseline."""
