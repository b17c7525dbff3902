"""SheetData → one self-contained, printable HTML file laid out like the official sheet (A4 landscape).

All decisions are made in `SheetData`; the template only places them. Autoescape is on for every template of
this environment (`select_autoescape` would miss `*.html.j2`), so every answer is escaped.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from dialogue.model.sheet_fields import RECORD_FIELDS
from dialogue.sheet.data import (
    COMMERCIAL_FLOW,
    HEADER_FIELDS,
    PERSPECTIVES,
    PRINTED_STEPS,
    SUMMARY_CHAIN,
    FieldView,
    SheetData,
    extra_lines,
)
from dialogue.sheet.templating import template_environment

HTML_TEMPLATE = "sheet.html.j2"


@cache
def html_environment() -> Any:  # jinja2 is imported only when rendering
    env = template_environment("html", autoescape=True)
    env.globals["extra_lines"] = extra_lines
    return env


def padded_steps(field: FieldView, boxes: int = PRINTED_STEPS) -> list[dict[str, str] | None]:
    """The business-flow records, padded with None up to the printed number of boxes."""
    keys = RECORD_FIELDS["steps"]
    steps: list[dict[str, str] | None] = [{k: r.get(k, "") for k in keys} for r in field.records]
    return steps + [None] * max(0, boxes - len(steps))


def render_sheet_html(sheet: SheetData) -> str:
    layout = {
        "header": [sheet.field(f) for f in HEADER_FIELDS],
        "steps_field": sheet.field("business_flow.steps"),
        "steps": padded_steps(sheet.field("business_flow.steps")),
        "commercial": [sheet.field(f) if f else None for f in COMMERCIAL_FLOW],
        "industry": sheet.field("company.industry"),
        "customer_value": sheet.field("business_flow.customer_value"),
        "perspectives": [sheet.group(g) for g in PERSPECTIVES],
        "chain": [sheet.field(f) for f in SUMMARY_CHAIN],
    }
    return str(html_environment().get_template(HTML_TEMPLATE).render(s=sheet, L=sheet.labels, **layout))
