"""The administrator's policy: rules for this computer that staff cannot loosen.

One TOML file, machine-wide, in a folder only administrators can write — the separation of administrators
and staff the bank's IT department asks for:

- Linux and other Unix: `/etc/locaben/policy.toml` (owned by root, mode 0644: everyone reads, root writes);
- macOS: `/Library/Application Support/locaben/policy.toml` (root, 0644);
- Windows: `%ProgramData%\\locaben\\policy.toml` (the folder's ACL: Administrators and SYSTEM write, Users read).

    [store]
    require_encryption = true     # no plaintext session is created, resumed, listed or compiled

    [keys]
    allow_env_passphrase = false  # LOCABEN_PASSPHRASE is ignored: the keyring or a typed passphrase only

A missing file is an empty policy. `LOCABEN_POLICY` may name one more file (for a test, or a stricter rule
for one user): its rules are *added* to the machine's — a requirement in either file holds, so a user can
tighten the policy for themselves but never loosen it. A file that cannot be read or parsed is an error
(refusing is safer than running without the rules the administrator wrote). On Unix, a machine policy file
that someone other than root could change is reported (`problems`): it would not separate anyone.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from dialogue.errors import ExitStatus, LocabenError
from dialogue.record import Record, record

ENV_VAR = "LOCABEN_POLICY"
# section → key → the value that is the stricter one (what either file may impose)
RULES: dict[str, dict[str, bool]] = {"store": {"require_encryption": True}, "keys": {"allow_env_passphrase": False}}


class PolicyError(LocabenError):
    """The policy file cannot be read, or says something this locaben does not understand."""

    exit_status = ExitStatus.USAGE


@record
class Policy(Record):
    require_encryption: bool = False
    allow_env_passphrase: bool = True
    sources: tuple[str, ...] = ()  # the files the rules come from
    problems: tuple[str, ...] = ()  # e.g. a machine policy file staff could change


def machine_policy_path(environ: Mapping[str, str], platform: str = sys.platform) -> Path:
    """Where the administrator's policy file is on this kind of system."""
    if platform == "win32":
        return Path(environ.get("ProgramData") or environ.get("PROGRAMDATA") or r"C:\ProgramData") / "locaben" / "policy.toml"
    if platform == "darwin":
        return Path("/Library/Application Support/locaben/policy.toml")
    return Path("/etc/locaben/policy.toml")


def load_policy(environ: Mapping[str, str], machine: Path | None = None) -> Policy:
    """The rules in force: the machine's file, tightened by the one `LOCABEN_POLICY` names (if any)."""
    files = [machine or machine_policy_path(environ)]
    if environ.get(ENV_VAR):
        files.append(Path(environ[ENV_VAR]))
    require, allow_env, sources, problems = False, True, [], []
    for index, path in enumerate(files):
        rules = _read(path)
        if rules is None:
            continue
        sources.append(str(path))
        require = require or rules.get(("store", "require_encryption"), False)
        allow_env = allow_env and rules.get(("keys", "allow_env_passphrase"), True)
        if index == 0:
            problems += _writable_by_staff(path)
    return Policy(require, allow_env, tuple(sources), tuple(problems))


def _read(path: Path) -> dict[tuple[str, str], bool] | None:
    try:
        with open(path, "rb") as handle:
            import tomllib  # only when there is a policy file: most starts have none

            data = tomllib.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise PolicyError(f"the policy file {path} cannot be read ({exc}); ask the administrator to fix it. "
                          "Nothing was done.") from None
    rules: dict[tuple[str, str], bool] = {}
    for section, table in data.items():
        if section not in RULES or not isinstance(table, dict):
            raise PolicyError(f"{path}: unknown section [{section}] (known: {', '.join(RULES)})")
        for key, value in table.items():
            if key not in RULES[section] or not isinstance(value, bool):
                raise PolicyError(f"{path}: [{section}] {key} is not a rule this locaben knows, or not true/false "
                                  f"(known: {', '.join(RULES[section])})")
            rules[(section, key)] = value
    return rules


def _writable_by_staff(path: Path) -> list[str]:
    """On Unix: the file or its folder can be changed by someone other than root."""
    if os.name == "nt" or not hasattr(os, "getuid"):
        return []  # NTFS permissions are ACLs: the administrator's installer sets them (docs/security.md)
    problems = []
    for target in (path, path.parent):
        info = target.stat()
        if info.st_uid != 0 or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problems.append(f"{target} can be changed by users other than root, so it does not bind them; "
                            "it should be owned by root and not group- or world-writable")
    return problems
