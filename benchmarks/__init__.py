"""secreview benchmarks: ``python3 -m benchmarks [--quick]``; see docs/benchmarks.md."""
