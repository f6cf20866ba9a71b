"""The synthetic partnership: deterministic data for the demo, tests and benchmarks."""
