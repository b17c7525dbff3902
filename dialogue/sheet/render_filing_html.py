"""Filing → HTML: the two filed pages (print CSS, A4 landscape), and — for the bank only — the follow-up page
(未記入の欄, 次回確認事項, 情報量) and the verbatim interview record, each its own file.

All decisions are made in `Filing`; the templates only place them. Autoescape is on for every template of this
environment (`select_autoescape` would miss `*.html.j2`), so every write-up is escaped.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from dialogue.model.sheet_fields import FIELDS_BY_ID, FILED_STEPS
from dialogue.sheet.filing import Filing, printed_header
from dialogue.sheet.templating import template_environment

if TYPE_CHECKING:
    import jinja2

FILING_TEMPLATE = "filing.html.j2"
FOLLOWUP_TEMPLATE = "filing_followup.html.j2"
RECORD_TEMPLATE = "filing_record.html.j2"
HEADER_PER_ROW = 3


@cache
def _environment() -> jinja2.Environment:  # jinja2 is imported only when rendering
    return template_environment("filing", autoescape=True)


def render_filing_html(filing: Filing) -> str:
    """The two filed pages as one self-contained HTML file (no script, no network)."""
    header = printed_header(filing)
    rows = [header[i:i + HEADER_PER_ROW] for i in range(0, len(header), HEADER_PER_ROW)]
    return _environment().get_template(FILING_TEMPLATE).render(
        f=filing, L=filing.labels, titles=filing.page_titles, header_rows=rows, steps_per_row=FILED_STEPS,
        steps_label=FIELDS_BY_ID["business_flow.steps"].label(filing.lang))


def render_followup_html(filing: Filing) -> str:
    """未記入の欄, 次回確認事項 and 情報量: the bank's page beside the filed ones."""
    _require_internal(filing)
    return _environment().get_template(FOLLOWUP_TEMPLATE).render(f=filing, L=filing.labels)


def render_record_html(filing: Filing) -> str:
    """面談記録: the interview word for word in local time."""
    _require_internal(filing)
    return _environment().get_template(RECORD_TEMPLATE).render(f=filing, L=filing.labels)


def _require_internal(filing: Filing) -> None:
    if filing.internal is None:
        raise ValueError("the owner's copy has no internal pages")
