"""Encrypted stores for tests: a real passphrase key (Argon2id at a cheap cost, recorded in the key file, so
every process that opens the store derives it in milliseconds) and the passphrase in LOCABEN_PASSPHRASE,
as a script would give it. `KINDS` parametrises a test over a plaintext and an encrypted store."""

from __future__ import annotations

import json
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeyring

from dialogue.store.journal import Protection, SessionStore
from dialogue.store.keys import PASSPHRASE_ENV, Keys

CHEAP = {"m": 1024, "t": 1, "p": 1, "n": 2**10, "r": 8}  # real stores use keys.ARGON2_COST
PASSPHRASE = "みどり精工の合言葉 correct horse"
ENV = {PASSPHRASE_ENV: PASSPHRASE}  # what a script sets; the CLI reads it from its environment
KINDS = ("plain", "encrypted")


def cheap_keys(passphrase: str = PASSPHRASE) -> Keys:
    return Keys({PASSPHRASE_ENV: passphrase}, keyring=NoKeyring(), kdf_cost=CHEAP)




def encrypted_store(root: Path) -> SessionStore:
    """A store whose key file exists (as `locaben store encrypt --passphrase` leaves it): every session
    created in it, by this process or by `locaben`, is encrypted."""
    store = SessionStore(root, cheap_keys(), Protection(encrypt_new=True, scheme="passphrase"))
    store.wrapping(create=True)
    return store


def store_of_kind(root: Path, kind: str) -> SessionStore:
    return encrypted_store(root) if kind == "encrypted" else SessionStore(root)


def environ_of_kind(kind: str) -> dict[str, str]:
    """What a `locaben` process needs in its environment to open a store of this kind."""
    return dict(ENV) if kind == "encrypted" else {}


class FileKeyring(KeyringBackend):
    """A real `keyring` backend keeping its secrets in a JSON file (as the OS keyring keeps them per user),
    for tests of the keyring scheme through `locaben`."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _all(self) -> dict[str, str]:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._all().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({**self._all(), f"{service}/{username}": password}), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._all()
        del secrets[f"{service}/{username}"]
        self.path.write_text(json.dumps(secrets), encoding="utf-8")
