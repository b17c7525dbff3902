"""The team server: sessions' events as hash-chained rows in PostgreSQL, with staff, branches and roles.

Optional: with no `server.url` configured nothing here is imported and sessions stay local journals.
`schema` holds the migrations, `chain` the hashes (pure), `remote` the connection and the server's operations,
`sync` the offline-first exchange with the local journals, `team` the team's work (assign, submit, review),
and `queries` the team's lists and the report.
"""

from __future__ import annotations

from dialogue.errors import ExitStatus, LocabenError
from dialogue.i18n import Message


class ServerError(LocabenError):
    """The team server cannot be reached, refuses a request, or is not set up. Worded from the catalogue
    (`key`, `values`) in the user's language by the command; `str()` is the English text, for logs."""

    exit_status = ExitStatus.SERVER

    def __init__(self, key: str, **values: object):
        self.message = Message(key, values)
        super().__init__(self.message.text("en"))

    def text(self, lang: str) -> str:
        return self.message.text(lang)


class AccessDenied(ServerError):
    """The server's access rules do not let this staff member read or change that session."""

    exit_status = ExitStatus.SERVER
