"""`python -m dialogue` runs the `locaben` command."""

import sys

from dialogue.cli import main

sys.exit(main())
