"""Compiled files marked as containing customer data (顧客情報・取扱注意), inside each file, so the mark
travels with every copy (mail, USB stick, a printout):

- Markdown (`ID-sheet.md`, `ID-transcript.md`): a closing line after a rule — 「取扱注意：顧客情報を含みます…」;
- HTML: `<meta name="classification" content="customer-data">` in the head, and the same line, visible,
  as the first thing in the body (it prints on the first page);
- JSON: `metadata.classification = "customer-data"` (in sheet.schema.json);
- Excel: the workbook's properties (ファイル → 情報): category 「取扱注意（顧客情報）」, keywords
  `customer-data` — what a bank's document classification and DLP tools read; set in the package's
  `docProps/core.xml`, so no spreadsheet library is loaded for it.

The files themselves are written 0600 (dialogue.sheet.files). Training and demo sessions (fictional
companies) are not marked. Other files are returned unchanged.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from dialogue.i18n import say
from dialogue.sheet.xlsx_package import with_core

CLASSIFICATION = "customer-data"


def mark_customer_data(files: dict[str, bytes], lang: str) -> dict[str, bytes]:
    """Every file of a compile (name → bytes), each marked after its kind."""
    marked = {}
    for name, data in files.items():
        kind = name.rsplit(".", 1)[-1].lower()
        mark = _MARKERS.get(kind)
        marked[name] = mark(data, lang) if mark else data
    return marked


def _markdown(data: bytes, lang: str) -> bytes:
    note = say("output.customer_data", lang)
    return data.rstrip(b"\n") + b"\n\n---\n\n" + f"**{note}**\n".encode()


def _html(data: bytes, lang: str) -> bytes:
    note = say("output.customer_data", lang)
    text = data.decode("utf-8")
    meta = f'<meta name="classification" content="{CLASSIFICATION}">'
    banner = f'<p class="classification" role="note"><strong>{html.escape(note)}</strong></p>'
    text = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n" + meta, text, count=1, flags=re.IGNORECASE)
    text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + banner, text, count=1, flags=re.IGNORECASE)
    return text.encode("utf-8")


def _json(data: bytes, lang: str) -> bytes:
    document: Any = json.loads(data)
    if isinstance(document, dict) and isinstance(document.get("metadata"), dict):
        document["metadata"]["classification"] = CLASSIFICATION
    return (json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _xlsx(data: bytes, lang: str) -> bytes:
    """The workbook with its core properties saying what it holds (every other part copied as it is)."""
    return with_core(data, lambda xml: _core_properties(xml, lang))


def _core_properties(xml: str, lang: str) -> str:
    category = html.escape(say("output.customer_data_category", lang))
    extra = (f"<cp:category>{category}</cp:category><cp:keywords>{CLASSIFICATION}</cp:keywords>"
             f"<dc:description>{html.escape(say('output.customer_data', lang))}</dc:description>")
    xml = re.sub(r"<cp:category>.*?</cp:category>|<cp:category/>|<cp:keywords>.*?</cp:keywords>|<cp:keywords/>"
                 r"|<dc:description>.*?</dc:description>|<dc:description/>", "", xml, flags=re.DOTALL)
    return xml.replace("</cp:coreProperties>", extra + "</cp:coreProperties>", 1)


_MARKERS = {"md": _markdown, "html": _html, "json": _json, "xlsx": _xlsx}
