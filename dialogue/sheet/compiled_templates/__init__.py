"""The sheet's templates compiled by scripts/compile_templates.py (see dialogue.sheet.precompiled).
Generated: do not edit."""

from __future__ import annotations

from types import ModuleType


def compiled(kind: str, template: str) -> ModuleType | None:
    """The compiled module of `template` for the `kind` environment, None when there is none."""
    if (kind, template) == ('md', 'sheet.md.j2'):
        from dialogue.sheet.compiled_templates import md_sheet_md

        return md_sheet_md
    if (kind, template) == ('md', 'transcript.md.j2'):
        from dialogue.sheet.compiled_templates import md_transcript_md

        return md_transcript_md
    if (kind, template) == ('html', 'sheet.html.j2'):
        from dialogue.sheet.compiled_templates import html_sheet_html

        return html_sheet_html
    if (kind, template) == ('filing', 'filing.html.j2'):
        from dialogue.sheet.compiled_templates import filing_filing_html

        return filing_filing_html
    if (kind, template) == ('filing', 'filing_followup.html.j2'):
        from dialogue.sheet.compiled_templates import filing_filing_followup_html

        return filing_filing_followup_html
    if (kind, template) == ('filing', 'filing_record.html.j2'):
        from dialogue.sheet.compiled_templates import filing_filing_record_html

        return filing_filing_record_html
    return None
