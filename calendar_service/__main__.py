"""``python -m calendar_service``: the command line."""

import sys

from .cli import main

sys.exit(main())
