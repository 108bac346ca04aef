"""`make bench`: measure, print a table, write benchmarks/results.json."""
