"""Benchmarks with their data sizes and the figures they must reach (`make bench`)."""
