"""``python -m fake_clickatell``: the same as the ``fake-clickatell`` command."""

import sys

from .cli import main

sys.exit(main())
