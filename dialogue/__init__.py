"""locaben-dialogue: a guided Local Benchmark (ローカルベンチマーク) interview in the terminal."""

__version__ = "0.1.0"
