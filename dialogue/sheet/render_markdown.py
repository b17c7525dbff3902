"""SheetData → Markdown (the sheet) and Transcript → Markdown (every event with its time)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dialogue.model import Transcript
from dialogue.model.placeholders import fill
from dialogue.sheet.data import LABELS, SheetData, display_value

KIND_LABELS = {
    "ja": {"started": "開始", "asked": "質問", "answered": "回答", "probed": "深掘り", "probe_answered": "深掘り回答", "followed_up": "深掘り回答",
           "probes_skipped": "深掘り終了", "skipped": "スキップ", "went_back": "戻る", "jumped": "移動",
           "reached_end": "最後まで到達", "noted": "メモ", "paused": "中断", "resumed": "再開", "reviewed": "見直し",
           "review_closed": "見直し終了", "finished": "完了", "reopened": "再開（完了後）"},
    "en": {"started": "started", "asked": "asked", "answered": "answered", "probed": "probe",
           "probe_answered": "probe answer", "followed_up": "probe answer", "probes_skipped": "probes done", "skipped": "skipped",
           "went_back": "went back", "jumped": "jumped", "reached_end": "reached the end", "noted": "note",
           "paused": "paused", "resumed": "resumed", "reviewed": "review", "review_closed": "review closed",
           "finished": "finished", "reopened": "reopened"},
}


@dataclass(frozen=True, slots=True)
class TranscriptRow:
    at: str
    kind: str
    text: str


@cache
def _environment():  # jinja2 is imported only when compiling
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dialogue.sheet", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["md_cell"] = md_cell
    env.filters["md_block"] = md_block
    return env


def _no_html(text: object) -> str:
    """Answer text never becomes HTML in a Markdown viewer: `&` and `<` as entities (shown as typed)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;")


def md_cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no HTML, pipes escaped, line breaks as <br>."""
    return _no_html(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_block(text: object) -> str:
    """Multi-line text kept as written (no HTML): each line becomes a quoted line."""
    lines = _no_html(text).replace("\r", "").split("\n")
    return "\n".join("> " + line if line else ">" for line in lines)


def render_sheet_markdown(sheet: SheetData) -> str:
    return _environment().get_template("sheet.md.j2").render(s=sheet, L=sheet.labels)


def transcript_rows(transcript: Transcript, lang: str) -> list[TranscriptRow]:
    bank = transcript.bank
    kinds = KIND_LABELS.get(lang, KIND_LABELS["en"])
    values = {qid: a.value for qid, a in transcript.answers.items() if not a.is_status}
    rows = []
    for event in transcript.events:
        d = event.data
        qid = d.get("question") or d.get("to")
        question = bank.question(qid) if qid and bank.has_question(qid) else None
        if event.kind == "asked" and question:
            text = fill(question.text.get(lang), bank, values, lang)  # placeholders quote the answers
        elif event.kind == "answered" and question:
            text = display_value(question, d.get("value"), lang)
        elif event.kind == "probed" and question:
            index = int(d.get("probe", 0))
            text = fill(question.probes[index].get(lang), bank, values, lang) if index < len(question.probes) else ""
        elif event.kind in ("probe_answered", "followed_up", "noted"):
            text = str(d.get("text", ""))
        elif event.kind in ("skipped", "went_back", "jumped") and question:
            text = question.text.get(lang)
        elif event.kind == "started":
            text = ", ".join(f"{k}={v}" for k, v in d.items())
        else:
            text = ""
        rows.append(TranscriptRow(event.at, kinds.get(event.kind, event.kind), text))
    return rows


def render_transcript_markdown(transcript: Transcript, lang: str) -> str:
    labels = LABELS.get(lang, LABELS["en"])
    return _environment().get_template("transcript.md.j2").render(
        t=transcript, rows=transcript_rows(transcript, lang), L=labels)
