"""Benchmarks for fake_clickatell: run on demand, never part of ``make test``."""
