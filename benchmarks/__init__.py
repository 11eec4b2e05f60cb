"""fake-clickatell's benchmarks: ``python -m benchmarks`` (or ``make bench``).

Not part of the package and not part of ``make test``. See ``docs/benchmarks.md``.
"""
