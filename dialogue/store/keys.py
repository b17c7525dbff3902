"""Key-encryption keys (KEKs): where they come from, and wrapping a session's data key with one.

Every encrypted session has its own random data key; what is stored next to the data is only that key
*wrapped* (AES-256-GCM) by a KEK, which is never written anywhere by locaben:
- `keyring`: a random 256-bit KEK kept in the OS keyring (Windows Credential Manager, macOS Keychain,
  Secret Service). The stronger choice: nothing on disk helps an attacker guess it.
- `passphrase`: a KEK derived from a passphrase with Argon2id (scrypt where this `cryptography` build has
  no Argon2id). `LOCABEN_PASSPHRASE` supplies it to scripts and tests — the weaker choice: environment
  variables leak into process listings, shell history and crash reports.

A `Wrapping` names the KEK (scheme, id, KDF salt and cost, a check value) without containing it; it is
stored in the store's key file and copied into each encrypted journal's header, so one journal copied
elsewhere can still be opened with the passphrase. Derived KEKs are cached per process, so a store of a
hundred sessions costs one derivation.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dialogue.errors import ExitStatus, JournalError, LocabenError
from dialogue.i18n import say
from dialogue.record import Record, record

SERVICE = "locaben-dialogue"  # the OS keyring's service name for our KEKs
PASSPHRASE_ENV = "LOCABEN_PASSPHRASE"
STORE_KEY_FILE = ".locaben-key.json"  # in the sessions directory: the store's current Wrapping (no key)
PENDING_KEY_FILE = ".locaben-key.new.json"  # the new Wrapping while a rekey is under way
MIN_PASSPHRASE = 10
NONCE = 12


# `cryptography` (≈ 70 ms to import) is loaded only when a key is made or used: an interview on a plaintext
# store never needs it.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def aesgcm(key: bytes) -> AESGCM:
    """An AES-256-GCM cipher under `key`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def invalid_tag() -> type[Exception]:
    """The exception a failed authentication raises (evaluated only when an exception is being matched)."""
    from cryptography.exceptions import InvalidTag

    return InvalidTag


def new_key() -> bytes:
    """A fresh 256-bit AES key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return bytes(AESGCM.generate_key(bit_length=256))


# Cost of deriving a KEK from a passphrase. Argon2id per RFC 9106's second recommendation (64 MiB, t=3,
# p=4: ~0.7 s here); scrypt at OWASP's N=2^17 (~1.6 s). Headers carry their own cost, bounded on reading
# so a doctored header cannot make us allocate gigabytes.
ARGON2_COST = {"m": 64 * 1024, "t": 3, "p": 4}
SCRYPT_COST = {"n": 2**17, "r": 8, "p": 1}
MAX_COST = {"m": 1024 * 1024, "t": 16, "p": 16, "n": 2**20, "r": 16}


class WrongKey(JournalError):
    """The passphrase or keyring key does not open this data. Nothing was changed."""


class KeyUnavailable(LocabenError):
    """No key-encryption key can be had: no keyring backend, no passphrase, or no terminal to ask one."""

    exit_status = ExitStatus.SESSION


class KeyringLike(Protocol):
    """What we use of the `keyring` module (tests pass a real backend of their own)."""

    def get_password(self, service_name: str, username: str) -> str | None: ...

    def set_password(self, service_name: str, username: str, password: str) -> None: ...


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise JournalError(f"{what} is not base64 text; the file was not changed")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise JournalError(f"{what} is not valid base64; the file was not changed") from None


@record
class Wrapping(Record):
    """Which KEK wraps data keys: its scheme and id, the KDF (passphrase only), and a check value that
    tells a wrong key at once. Holds no key."""

    scheme: str  # "keyring" | "passphrase"
    kid: str  # random id of the KEK; names its keyring entry
    check: str  # b64(nonce ‖ AES-GCM tag of nothing) under the KEK
    kdf: dict[str, Any] = field(default_factory=dict)  # {"name", "salt", cost…}; empty for keyring

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"scheme": self.scheme, "kid": self.kid, "check": self.check}
        if self.kdf:
            data["kdf"] = dict(self.kdf)
        return data

    @classmethod
    def from_json(cls, obj: object, where: str) -> Wrapping:
        if not isinstance(obj, dict) or obj.get("scheme") not in ("keyring", "passphrase"):
            raise JournalError(f"{where}: unknown key-wrapping scheme; the file was not changed")
        kid, check, kdf = obj.get("kid"), obj.get("check"), obj.get("kdf", {})
        if not isinstance(kid, str) or not isinstance(check, str) or not isinstance(kdf, dict):
            raise JournalError(f"{where}: the key-wrapping description is incomplete; the file was not changed")
        if obj["scheme"] == "passphrase":
            _check_kdf(kdf, where)
        return cls(obj["scheme"], kid, check, kdf)


def _check_kdf(kdf: dict[str, Any], where: str) -> None:
    costs = {"argon2id": ("m", "t", "p"), "scrypt": ("n", "r", "p")}.get(str(kdf.get("name")))
    if costs is None or not isinstance(kdf.get("salt"), str):
        raise JournalError(f"{where}: unknown key derivation {kdf.get('name')!r}; the file was not changed")
    for key in costs:
        value = kdf.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_COST[key]:
            raise JournalError(f"{where}: key derivation cost {key}={value!r} is out of range; "
                               "the file was not changed")


def derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    """The 256-bit KEK from a passphrase and the KDF description (name, salt, cost)."""
    salt = unb64(kdf["salt"], "the key derivation salt")
    secret = passphrase.encode("utf-8")
    if kdf["name"] == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Argon2id(salt=salt, length=32, iterations=kdf["t"], lanes=kdf["p"],
                        memory_cost=kdf["m"]).derive(secret)
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(secret)


def default_kdf(cost: Mapping[str, int] | None = None) -> dict[str, Any]:
    """A new KDF description: Argon2id where this `cryptography` has it, else scrypt. `cost` overrides
    the defaults (tests use a cheap one; the header records whatever was used)."""
    salt = b64(secrets.token_bytes(16))
    name, base = ("argon2id", ARGON2_COST) if _has_argon2() else ("scrypt", SCRYPT_COST)
    return {"name": name, "salt": salt, **base, **{k: v for k, v in (cost or {}).items() if k in base}}


def _unsupported() -> type[Exception]:
    from cryptography.exceptions import UnsupportedAlgorithm

    return UnsupportedAlgorithm


def _has_argon2() -> bool:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"0" * 16, length=32, iterations=1, lanes=1, memory_cost=8).derive(b"probe")
    except ImportError:
        return False
    except _unsupported():
        return False
    return True


def _check_value(kek: bytes, kid: str) -> str:
    nonce = secrets.token_bytes(NONCE)
    return b64(nonce + aesgcm(kek).encrypt(nonce, b"", _check_context(kid)))


def _check_context(kid: str) -> bytes:
    return b"locaben-kek-check/1\x00" + kid.encode("ascii", "replace")


def _verify(kek: bytes, wrapping: Wrapping) -> bool:
    blob = unb64(wrapping.check, "the key check value")
    try:
        aesgcm(kek).decrypt(blob[:NONCE], blob[NONCE:], _check_context(wrapping.kid))
    except (invalid_tag(), ValueError):
        return False
    return True


def wrap_key(kek: bytes, data_key: bytes, context: bytes) -> str:
    """`data_key` encrypted under `kek`, bound to `context` (the session it belongs to)."""
    nonce = secrets.token_bytes(NONCE)
    return b64(nonce + aesgcm(kek).encrypt(nonce, data_key, b"locaben-wrap/1\x00" + context))


def unwrap_key(kek: bytes, wrapped: str, context: bytes, where: str) -> bytes:
    blob = unb64(wrapped, f"{where}: the wrapped data key")
    try:
        return aesgcm(kek).decrypt(blob[:NONCE], blob[NONCE:], b"locaben-wrap/1\x00" + context)
    except (invalid_tag(), ValueError):
        raise WrongKey(f"{where}: the data key does not open with this key (it was wrapped for another "
                       "session, or the header was changed). Nothing was changed.") from None


class Keys:
    """This process's source of KEKs: the OS keyring, `LOCABEN_PASSPHRASE`, or a prompt.

    `environ` and `prompt` are injected (the CLI passes os.environ and a no-echo prompt; tests a dict).
    `keyring` defaults to the `keyring` module, imported only when a keyring KEK is needed. `notify` is
    told what the user should know at once (e.g. that a passphrase is used because there is no keyring)."""

    def __init__(self, environ: Mapping[str, str], prompt: Callable[[str], str] | None = None,
                 keyring: KeyringLike | None = None, kdf_cost: Mapping[str, int] | None = None,
                 notify: Callable[[str], None] | None = None, lang: str = "ja"):
        self.environ = environ
        self.lang = lang
        self.prompt = prompt
        self._keyring = keyring
        self.kdf_cost = kdf_cost
        self._keks: dict[str, bytes] = {}
        self.notices: list[str] = []  # what the user should be told (e.g. the keyring fallback)
        self._notify = notify

    # ---- opening ----

    def kek(self, wrapping: Wrapping, where: str = "the store") -> bytes:
        """The KEK named by `wrapping`, checked against its check value; raises WrongKey or KeyUnavailable."""
        if wrapping.kid in self._keks:
            return self._keks[wrapping.kid]
        if wrapping.scheme == "keyring":
            kek = self._from_keyring(wrapping, where)
        else:
            kek = self._from_passphrase(wrapping, where)
        self._keks[wrapping.kid] = kek
        return kek

    def _from_keyring(self, wrapping: Wrapping, where: str) -> bytes:
        stored = self._keyring_call(lambda k: k.get_password(SERVICE, wrapping.kid), where)
        if stored is None:
            raise KeyUnavailable(f"{where} is encrypted with key {wrapping.kid} from the OS keyring of the "
                                 "computer it was made on, and this keyring does not hold it. Open it there, "
                                 "or run `locaben store rekey --passphrase` there to move it to a passphrase. "
                                 "Nothing was changed.")
        kek = unb64(stored, "the keyring entry")
        if not _verify(kek, wrapping):
            raise WrongKey(f"{where}: the keyring entry {SERVICE}/{wrapping.kid} does not open it. "
                           "Nothing was changed.")
        return kek

    def _from_passphrase(self, wrapping: Wrapping, where: str) -> bytes:
        from_env = self.environ.get(PASSPHRASE_ENV)
        attempts = 1 if from_env is not None or self.prompt is None else 3
        for _ in range(attempts):
            kek = derive(self._passphrase(say("keys.prompt", self.lang, where=where)), wrapping.kdf)
            if _verify(kek, wrapping):
                return kek
        source = f"the passphrase in {PASSPHRASE_ENV}" if from_env is not None else "that passphrase"
        raise WrongKey(f"{where}: {source} does not open it (wrong passphrase). Nothing was changed.")

    def _passphrase(self, question: str) -> str:
        value = self.environ.get(PASSPHRASE_ENV)
        if value is not None:
            return value
        if self.prompt is None:
            raise KeyUnavailable(f"a passphrase is needed and there is no terminal to ask it: set "
                                 f"{PASSPHRASE_ENV} (the weaker choice, see docs/security.md).")
        return self.prompt(question)

    # ---- creating ----

    def new_wrapping(self, scheme: str = "keyring") -> tuple[Wrapping, bytes]:
        """A new KEK and its Wrapping. `keyring` falls back to a passphrase, with a notice, where this
        computer has no keyring (a headless Linux), so encryption is never silently skipped."""
        kid = secrets.token_hex(8)
        if scheme == "keyring":
            try:
                return self._new_keyring_kek(kid)
            except KeyUnavailable as exc:
                self.notice(f"{exc} Using a passphrase instead.")
        passphrase = self._passphrase(say("keys.prompt_new", self.lang))
        if len(passphrase) < MIN_PASSPHRASE:
            raise KeyUnavailable(f"the passphrase is too short: use at least {MIN_PASSPHRASE} characters.")
        if self.environ.get(PASSPHRASE_ENV) is None and self._passphrase(say("keys.prompt_again", self.lang)) != passphrase:
            raise KeyUnavailable("the two passphrases typed differ; nothing was changed.")
        kdf = default_kdf(self.kdf_cost)
        kek = derive(passphrase, kdf)
        return self._remember(Wrapping("passphrase", kid, _check_value(kek, kid), kdf), kek)

    def _new_keyring_kek(self, kid: str) -> tuple[Wrapping, bytes]:
        kek = new_key()
        self._keyring_call(lambda k: k.set_password(SERVICE, kid, b64(kek)), "the new key")
        return self._remember(Wrapping("keyring", kid, _check_value(kek, kid)), kek)

    def notice(self, text: str) -> None:
        self.notices.append(text)
        if self._notify is not None:
            self._notify(text)

    def _remember(self, wrapping: Wrapping, kek: bytes) -> tuple[Wrapping, bytes]:
        self._keks[wrapping.kid] = kek
        return wrapping, kek

    def _keyring_call(self, call: Callable[[KeyringLike], Any], where: str) -> Any:
        backend = self._keyring if self._keyring is not None else _keyring_module()
        try:
            return call(backend)
        except RuntimeError as exc:  # keyring.errors.KeyringError (NoKeyringError on a headless Linux)
            raise KeyUnavailable(f"the OS keyring cannot be used for {where} ({exc.__class__.__name__}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else 'no backend'}).") from None


def _keyring_module() -> KeyringLike:
    import keyring

    return keyring  # the module satisfies the KeyringLike protocol


# ---- the store's key file ----


def read_store_wrapping(root: Path, name: str = STORE_KEY_FILE) -> Wrapping | None:
    """The store's current Wrapping (or, with PENDING_KEY_FILE, the one a rekey is moving to), or None
    when there is none: the store is not encrypted."""
    path = Path(root) / name
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise JournalError(f"{path}: cannot read the store's key description ({exc}); nothing was changed. "
                           "Restore it from a backup: the sessions carry a copy in their headers.") from None
    return Wrapping.from_json(obj, str(path))


def write_store_wrapping(root: Path, wrapping: Wrapping, name: str = STORE_KEY_FILE) -> None:
    """Replace the store's key file atomically (0600, fsync'ed)."""
    data = json.dumps({"format": "locaben-store-key", "version": 1, **wrapping.to_json()}, indent=1)
    replace_file(Path(root) / name, data.encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a private temporary file beside `path`, fsync it, rename it over `path`, and fsync
    the folder: a crash leaves the old file or the new one, never a mix."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # Windows cannot open a folder; NTFS journals the rename itself
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
