"""Question banks: YAML text → a validated, frozen `Bank` (the package's only `yaml` user), the condition
reader, the validated-bank cache, the flow graph, and the built-in banks shipped with the package."""
