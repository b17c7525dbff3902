"""Every test gets its own bank cache directory, so no test reads or writes the user's ~/.cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_bank_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCABEN_CACHE_DIR", str(tmp_path_factory.mktemp("bank-cache")))
