"""Where sessions live: the append-only journal, locks, migration onto changed banks, and the live
session (engine + journal) the UI talks to."""
