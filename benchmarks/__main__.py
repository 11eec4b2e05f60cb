"""``python -m benchmarks``: see ``docs/benchmarks.md``."""

import sys

from .runner import main

sys.exit(main())
