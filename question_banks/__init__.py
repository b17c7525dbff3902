"""The built-in question banks and role-play personas (YAML data, no code).

The build ships this folder inside the package as `dialogue.question_banks` (see pyproject.toml), and the
program reads it through `importlib.resources` (dialogue.banks.builtin), never through a path of its own.
"""
