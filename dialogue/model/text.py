"""Human text in several languages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """Human text in several languages; `get` falls back to the first language given."""

    by_lang: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **by_lang: str) -> Text:
        return cls(tuple(by_lang.items()))

    def get(self, lang: str) -> str:
        for code, text in self.by_lang:
            if code == lang:
                return text
        return self.by_lang[0][1] if self.by_lang else ""

    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.by_lang)
