"""``python -m issuer.cli``: the command line (the ``credentials`` command)."""

import sys

from issuer.cli import main

sys.exit(main())
