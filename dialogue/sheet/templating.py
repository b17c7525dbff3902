"""The one factory for the sheet's jinja environments: the package's templates, an undefined name an error (a
typo in a template fails the tests, never prints blank), whitespace as written. Each renderer says only how it
escapes: HTML autoescapes every value, Markdown escapes through its `finalize`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jinja2 is imported only when rendering
    import jinja2


def template_environment(kind: str, *, autoescape: bool, finalize: Callable[[Any], Any] | None = None
                         ) -> jinja2.Environment:
    """A new environment over dialogue/sheet/templates, each template of `kind` taken from its module compiled
    ahead of time when that is current (dialogue.sheet.precompiled); callers cache it and add their filters
    and globals."""
    import jinja2

    from dialogue.sheet.precompiled import template_loader

    return jinja2.Environment(
        loader=template_loader(kind),
        undefined=jinja2.StrictUndefined, autoescape=autoescape, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True, finalize=finalize,
    )
