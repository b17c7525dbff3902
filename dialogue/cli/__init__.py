"""The `locaben` command: the parser, one function per command, and help. The only layer that wires
the others together; `dialogue.cli.main:main` is the console script."""
