"""`python -m dialogue` runs the `locaben` command."""

import sys

from dialogue.cli.main import main

sys.exit(main())
